// One WebRTC transport in the browser's role, made of the server's own engines turned around:
// ICE controlling with aggressive nomination (USE-CANDIDATE on the first check, RFC 8445 §8.1.1)
// towards the server, then consent checks (RFC 7675), answering the server's own checks when it
// is a full agent (Janus); DTLS client (RFC 5763: we are
// a=setup:active); SRTP/SRTCP both ways with the exported keys. Its own UDP socket on the
// participant's MediaLoop, sending only to the server's UDP candidate.
//
// Loop thread only. Listener callbacks run inside on_datagram()/on_tick() and may call send_*
// but must not destroy the transport.
#pragma once

#include "common/socket_address.hpp"
#include "load_clock.hpp"
#include "net/udp_socket.hpp"
#include "rtc/dtls/dtls_certificate.hpp"
#include "rtc/dtls/dtls_transport.hpp"
#include "rtc/ice/ice_credentials.hpp"
#include "rtc/rtp/rtp_packet.hpp"
#include "rtc/srtp/srtp_session.hpp"
#include "rtc/stun/stun_message.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>

namespace bailanys::net {
class MediaLoop;
}

namespace bailanys::load {

class ClientTransport;

class ClientTransportListener {
 public:
  virtual ~ClientTransportListener() = default;
  virtual void on_ice_connected(ClientTransport& t, TimeUs now) = 0;
  virtual void on_dtls_connected(ClientTransport& t, TimeUs now) = 0;
  virtual void on_transport_failed(ClientTransport& t, std::string_view reason) = 0;
  // `packet` views the socket's buffer, decrypted in place; valid during the call only.
  virtual void on_rtp(ClientTransport& t, rtc::rtp::RtpPacket& packet, TimeUs now) = 0;
  virtual void on_rtcp(ClientTransport& t, std::span<const std::uint8_t> compound, TimeUs now) = 0;
};

// The server's side as its SDP describes it.
struct RemoteTransport {
  rtc::ice::IceCredentials ice;
  std::string fingerprint_algorithm, fingerprint_value;
  SocketAddress address;  // its UDP candidate
};

struct TransportCounters {
  std::uint64_t stun_sent = 0, stun_responses = 0;
  std::uint64_t rtp_in = 0, rtcp_in = 0, rtp_out = 0, rtcp_out = 0;
  std::uint64_t bytes_in = 0, bytes_out = 0;
  std::uint64_t srtp_errors = 0, srtp_replays = 0, malformed = 0, send_failures = 0;
  std::uint64_t dropped_on_purpose = 0;  // set_receive_loss
};

class ClientTransport final : rtc::dtls::DtlsListener {
 public:
  ClientTransport(net::MediaLoop& loop, std::shared_ptr<const rtc::dtls::DtlsCertificate> certificate,
                  rtc::dtls::DtlsOptions dtls_options, ClientTransportListener& listener,
                  std::string name);
  ~ClientTransport() override;
  ClientTransport(const ClientTransport&) = delete;
  ClientTransport& operator=(const ClientTransport&) = delete;

  // Our ICE credentials and certificate fingerprint, for the SDP we send.
  [[nodiscard]] const rtc::ice::IceCredentials& local_ice() const { return local_ice_; }
  [[nodiscard]] std::string fingerprint() const { return certificate_->fingerprint_sha256(); }

  // Once the server's SDP is known: starts connectivity checks (DTLS follows the first success).
  void connect(const RemoteTransport& remote, TimeUs now);
  // Retransmits the first check, sends consent checks and drives DTLS retransmission.
  void on_tick(TimeUs now);
  // `buffer` holds a plaintext packet in its first `size` bytes and has kSrtpMaxOverhead spare
  // bytes after it; it is encrypted in place. False before DTLS is done or when sending failed.
  bool send_rtp(std::span<std::uint8_t> buffer, std::size_t size);
  bool send_rtcp(std::span<const std::uint8_t> compound);
  void close();
  // Drops this share (0..1) of incoming SRTP packets before decryption, as a lossy downlink
  // would (after decryption, a retransmitted copy would look like a replay).
  void set_receive_loss(double share, std::uint32_t seed);

  [[nodiscard]] bool ice_connected() const { return ice_connected_; }
  [[nodiscard]] bool media_ready() const { return srtp_out_ != nullptr; }
  [[nodiscard]] std::optional<rtc::srtp::SrtpProfile> profile() const { return dtls_.negotiated_profile(); }
  [[nodiscard]] const TransportCounters& counters() const { return counters_; }
  [[nodiscard]] const std::string& name() const { return name_; }

 private:
  void on_datagram(std::span<std::uint8_t> buffer, std::size_t size, const SocketAddress& from);
  void on_stun(std::span<const std::uint8_t> packet, const SocketAddress& from, TimeUs now);
  void answer_check(std::span<const std::uint8_t> packet, const rtc::stun::StunMessage& request,
                    const SocketAddress& from);
  void send_check(bool nominate, TimeUs now);
  void send_raw(std::span<const std::uint8_t> datagram);

  // DtlsListener
  void on_dtls_send(std::span<const std::uint8_t> datagram) override;
  void on_dtls_connected(const rtc::dtls::SrtpKeyMaterial& keys) override;
  void on_dtls_failed(std::string_view reason) override;
  void on_dtls_closed() override;

  std::shared_ptr<const rtc::dtls::DtlsCertificate> certificate_;
  ClientTransportListener& listener_;
  std::string name_;
  rtc::ice::IceCredentials local_ice_;
  std::optional<RemoteTransport> remote_;
  rtc::dtls::DtlsTransport dtls_;
  std::unique_ptr<net::UdpSocket> socket_;
  std::unique_ptr<rtc::srtp::SrtpSession> srtp_out_, srtp_in_;
  std::uint64_t tie_breaker_;
  std::optional<rtc::stun::TransactionId> pending_check_;
  bool ice_connected_ = false;
  bool failed_ = false;
  bool closed_ = false;
  TimeUs next_check_at_ = 0;
  TimeUs connect_started_ = 0;
  net::MediaLoop* loop_ = nullptr;
  TimeUs now_ = 0;  // of the current callback, for DTLS events that carry no time
  TransportCounters counters_;
  double loss_ = 0;
  std::mt19937 loss_random_;
  alignas(16) std::array<std::uint8_t, 1500 + rtc::srtp::kSrtpMaxOverhead> rtcp_scratch_{};
};

}  // namespace bailanys::load
