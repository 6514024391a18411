#include "app/media_setup.hpp"

#include "net/interfaces.hpp"
#include "rtc/dtls/dtls_certificate.hpp"
#include "rtc/srtp/srtp_backend.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace bailanys::app {

namespace {

bool is_wildcard(const std::string& ip) { return ip == "0.0.0.0" || ip == "::"; }

std::vector<std::string> announce_ips(const config::Config& cfg) {
  if (!cfg.rtc_announce_ips.empty()) return cfg.rtc_announce_ips;
  if (!is_wildcard(cfg.rtc_listen_ip)) return {cfg.rtc_listen_ip};
  auto found = net::interface_addresses();
  if (found.empty()) {
    spdlog::warn("no network interface address found for ICE candidates; announcing 127.0.0.1 "
                 "(set --rtc-announce-ip)");
    found.emplace_back("127.0.0.1");
  }
  return found;
}

std::uint16_t port_for(std::uint16_t base, int index) {
  if (base == 0) return 0;
  const int port = base + index;
  if (port > 65535) throw std::runtime_error("media port range runs past 65535; lower the base port");
  return static_cast<std::uint16_t>(port);
}

}  // namespace

std::unique_ptr<sfu::MediaWorkers> create_media_workers(const config::Config& cfg) {
  // Every SRTP session the transports make from now on uses this backend (set before any media
  // thread starts).
  const auto backend = rtc::srtp::srtp_backend_from_string(cfg.srtp_backend);
  if (!backend) throw std::runtime_error("unknown --srtp-backend '" + cfg.srtp_backend + "'");
  rtc::srtp::set_default_srtp_backend(*backend);
  spdlog::info("SRTP backend: {}", rtc::srtp::to_string(*backend));
  // One certificate for the process: its fingerprint goes into every answer (RFC 8827 §6.5).
  const auto certificate = rtc::dtls::DtlsCertificate::generate();
  const auto ips = announce_ips(cfg);
  std::vector<std::unique_ptr<sfu::MediaWorker>> workers;
  for (int i = 0; i < cfg.media_workers; ++i) {
    sfu::MediaWorkerOptions options;
    options.name = "media-" + std::to_string(i);
    const auto udp = SocketAddress::parse(cfg.rtc_listen_ip, port_for(cfg.rtc_udp_port, i));
    if (!udp) {
      throw std::runtime_error("--rtc-listen-ip wants a numeric IP address, got '" +
                               cfg.rtc_listen_ip + "'");
    }
    options.udp_bind = *udp;
    if (cfg.rtc_tcp) {
      options.tcp_bind = *udp;
      options.tcp_bind->port = port_for(cfg.rtc_tcp_port, i);
    }
    options.announce_ips = ips;
    options.room.video_codec = cfg.video_codec;
    options.room.last_n = static_cast<std::size_t>(cfg.last_n);
    workers.push_back(std::make_unique<sfu::MediaWorker>(std::move(options), certificate));
  }
  return std::make_unique<sfu::MediaWorkers>(std::move(workers));
}

}  // namespace bailanys::app
