#include "config/config.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>

namespace bailanys::config {
namespace {

constexpr const char* kVersion = "0.1.0";

bool parse_host_port(const std::string& s, std::string& host, std::uint16_t& port) {
  const auto colon = s.rfind(':');
  if (colon == std::string::npos) return false;
  host = s.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);  // [::1]:8080
  }
  const std::string port_text = s.substr(colon + 1);
  if (host.empty() || port_text.empty() || port_text.size() > 5) return false;
  for (const char c : port_text) {
    if (c < '0' || c > '9') return false;
  }
  const int p = std::stoi(port_text);
  if (p < 0 || p > 65535) return false;
  port = static_cast<std::uint16_t>(p);
  return true;
}

}  // namespace

std::string Config::effective_db_url() const {
  if (!db_url.empty()) return db_url;
  return "sqlite:" + (std::filesystem::path(data_dir) / "bailanys.db").string();
}

Command parse_command_line(int argc, char** argv) {
  CLI::App app{"Bailanys: self-hosted video meetings and online classes in one binary."};
  app.set_version_flag("--version", kVersion);
  app.require_subcommand(0, 1);
  app.footer(
      "Run 'bailanys serve --help' for the server's options.\n"
      "Documentation: README.md, docs/API.md, docs/PROTOCOL.md.");

  Config cfg;
  std::string listen = "127.0.0.1:8080";
  CLI::App* serve = app.add_subcommand("serve", "Run the server (web client, API, live rooms).");
  serve->set_config("--config", "", "Read options from an INI/TOML file (keys as the long flags)");
  serve->add_option("--listen", listen, "Address and port for HTTP(S) and WebSocket, HOST:PORT")
      ->envname("BAILANYS_LISTEN")
      ->capture_default_str();
  serve->add_option("--data-dir", cfg.data_dir, "Folder for the SQLite database and other data")
      ->envname("BAILANYS_DATA_DIR")
      ->capture_default_str();
  serve->add_option("--db", cfg.db_url,
                    "Database URL: sqlite:PATH (default: DATA_DIR/bailanys.db) or "
                    "postgresql://user:pass@host:port/dbname")
      ->envname("BAILANYS_DB");
  serve->add_option("--tls-cert", cfg.tls_cert, "PEM certificate chain; enables HTTPS and WSS")
      ->envname("BAILANYS_TLS_CERT")
      ->check(CLI::ExistingFile);
  serve->add_option("--tls-key", cfg.tls_key, "PEM private key for --tls-cert")
      ->envname("BAILANYS_TLS_KEY")
      ->check(CLI::ExistingFile);
  serve->add_option("--web-root", cfg.web_root,
                    "Serve the web client from this folder instead of the embedded copy (development)")
      ->envname("BAILANYS_WEB_ROOT")
      ->check(CLI::ExistingDirectory);
  serve->add_option("--allowed-origin", cfg.allowed_origins,
                    "Extra Origin allowed for the WebSocket and API writes (repeatable), e.g. "
                    "https://meet.example.org")
      ->envname("BAILANYS_ALLOWED_ORIGINS")
      ->delimiter(',');
  serve->add_option("--max-room-size", cfg.max_room_size, "Most participants in one room")
      ->envname("BAILANYS_MAX_ROOM_SIZE")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  serve->add_option("--max-media-participants", cfg.max_media_participants,
                    "Most participants with audio and video in one room (the others can chat); a "
                    "webinar's listeners count too")
      ->envname("BAILANYS_MAX_MEDIA_PARTICIPANTS")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  serve->add_option("--last-n", cfg.last_n,
                    "Most cameras one participant receives video of (the most recent speakers and "
                    "anyone pinned; screen shares do not count)")
      ->envname("BAILANYS_LAST_N")
      ->check(CLI::Range(1, 30))
      ->capture_default_str();
  serve->add_option("--video-codec", cfg.video_codec,
                    "Video codec of every room: VP8 (every browser), VP9, H264 or AV1")
      ->envname("BAILANYS_VIDEO_CODEC")
      ->transform(CLI::IsMember({"VP8", "VP9", "H264", "AV1"}, CLI::ignore_case))
      ->capture_default_str();
  serve->add_option("--store-threads", cfg.store_threads,
                    "Database worker threads (0: 2 for SQLite, 4 for PostgreSQL)")
      ->envname("BAILANYS_STORE_THREADS")
      ->check(CLI::Range(0, 64))
      ->capture_default_str();
  serve->add_option("--log-level", cfg.log_level, "trace, debug, info, warn, error")
      ->envname("BAILANYS_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();

  serve->add_option("--media-workers", cfg.media_workers,
                    "Media threads; each has its own UDP and TCP port (the base port + its index)")
      ->envname("BAILANYS_MEDIA_WORKERS")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  serve->add_option("--rtc-listen-ip", cfg.rtc_listen_ip,
                    "Address the media sockets bind to (default: the --listen host)")
      ->envname("BAILANYS_RTC_LISTEN_IP");
  serve->add_option("--rtc-udp-port", cfg.rtc_udp_port,
                    "First UDP port for media (ICE, DTLS, SRTP); 0 picks a free port")
      ->envname("BAILANYS_RTC_UDP_PORT")
      ->capture_default_str();
  serve->add_option("--rtc-tcp-port", cfg.rtc_tcp_port,
                    "First TCP port for ICE-TCP media, for networks that block UDP; 0 picks a free "
                    "port")
      ->envname("BAILANYS_RTC_TCP_PORT")
      ->capture_default_str();
  serve->add_flag("!--no-rtc-tcp", cfg.rtc_tcp, "Do not listen for or offer ICE-TCP")
      ->envname("BAILANYS_RTC_TCP");
  serve->add_option("--rtc-announce-ip", cfg.rtc_announce_ips,
                    "Address to announce in ICE candidates (repeatable), e.g. the public address "
                    "of a server behind NAT (default: the bind address, or every interface "
                    "address when it is 0.0.0.0)")
      ->envname("BAILANYS_RTC_ANNOUNCE_IPS")
      ->delimiter(',');
  serve->add_option("--srtp-backend", cfg.srtp_backend,
                    "SRTP implementation: openssl (ours on OpenSSL EVP, faster) or libsrtp "
                    "(Debian's libsrtp2, as Janus uses); both interoperate")
      ->envname("BAILANYS_SRTP_BACKEND")
      ->check(CLI::IsMember({"openssl", "libsrtp"}))
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    if (serve->parsed()) {
      std::cout << serve->help();
    } else {
      std::cout << app.help("", CLI::AppFormatMode::All);
    }
    return ExitCommand{0};
  } catch (const CLI::ParseError& e) {
    return ExitCommand{app.exit(e)};
  }
  if (!serve->parsed()) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return ExitCommand{0};
  }
  if (!parse_host_port(listen, cfg.listen_host, cfg.listen_port)) {
    std::cerr << "error: --listen wants HOST:PORT (for example 127.0.0.1:8080 or [::1]:8080), got '"
              << listen << "'\n";
    return ExitCommand{2};
  }
  if (cfg.tls_cert.empty() != cfg.tls_key.empty()) {
    std::cerr << "error: --tls-cert and --tls-key go together\n";
    return ExitCommand{2};
  }
  if (cfg.rtc_listen_ip.empty()) cfg.rtc_listen_ip = cfg.listen_host;
  return ServeCommand{std::move(cfg)};
}

}  // namespace bailanys::config
