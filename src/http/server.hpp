// HTTP/1.1 + WebSocket server (Boost.Beast), optionally over TLS. Sessions run
// on the control loop's thread; the application sees only types.hpp.
#pragma once

#include "http/types.hpp"
#include "net/control_loop.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace bailanys::http {

struct ServerOptions {
  std::string host;
  std::uint16_t port = 0;
  std::string tls_cert_file;  // both empty: plain HTTP
  std::string tls_key_file;
  std::size_t body_limit = 64 * 1024;
  std::size_t header_limit = 8 * 1024;
  std::size_t ws_message_limit = 64 * 1024;
  std::size_t ws_send_queue_limit = 256;
};

class HttpServer {
 public:
  // Binds at once; throws std::runtime_error with a readable message when the
  // address is taken or the TLS files cannot be loaded.
  HttpServer(net::ControlLoop& loop, ServerOptions options, RequestHandler& http,
             WsHandler& ws);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void start();
  // Stops accepting; open sessions end with the loop.
  void stop();
  [[nodiscard]] std::uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bailanys::http
