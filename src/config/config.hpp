#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace bailanys::config {

struct Config {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  std::string data_dir = "bailanys-data";
  std::string db_url;  // empty: SQLite file bailanys.db in data_dir
  std::string tls_cert;
  std::string tls_key;
  std::string web_root;  // empty: the client embedded in the binary
  std::vector<std::string> allowed_origins;
  int max_room_size = 100;
  int max_media_participants = 24;  // with audio/video in one room
  std::string video_codec = "VP8";   // the one video codec of every room
  int last_n = 9;                    // most cameras one participant receives video of
  int store_threads = 0;  // 0: 2 for SQLite, 4 for PostgreSQL
  std::string log_level = "info";
  // Media (the SFU): worker i uses rtc_udp_port + i and rtc_tcp_port + i; 0 picks free ports.
  int media_workers = 1;
  std::string rtc_listen_ip;  // empty: the --listen host
  std::uint16_t rtc_udp_port = 40000;
  std::uint16_t rtc_tcp_port = 40000;
  bool rtc_tcp = true;                    // offer ICE-TCP candidates (RFC 6544)
  std::vector<std::string> rtc_announce_ips;  // addresses put in candidates (servers behind NAT)
  std::string srtp_backend = "openssl";  // openssl (ours, on OpenSSL EVP) or libsrtp (libsrtp2)

  [[nodiscard]] bool tls() const { return !tls_cert.empty(); }
  [[nodiscard]] std::string effective_db_url() const;
};

// What the command line asked for.
struct ServeCommand {
  Config config;
};
struct ExitCommand {
  int exit_code;  // --help, --version or a usage error (already printed)
};
using Command = std::variant<ServeCommand, ExitCommand>;

// Parses argv (and the environment). Prints help, the version or a usage error
// itself and returns ExitCommand in those cases.
Command parse_command_line(int argc, char** argv);

}  // namespace bailanys::config
