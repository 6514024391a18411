// One client WebSocket carrying JSON text frames, as both signaling adapters need it: async
// connect (10 s), TCP_NODELAY (several small frames in a row must not wait for a delayed ACK,
// as browsers do), the upgrade with optional Origin and subprotocol, a read loop, and a queue
// of outgoing frames written one at a time. Runs on the caller's io_context; no threads.
#pragma once

#include "load_options.hpp"

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>

namespace bailanys::load {

struct WebSocketOptions {
  std::string path = "/";
  std::string origin;       // empty: no Origin header
  std::string subprotocol;  // empty: none asked for
};

struct WebSocketHandlers {
  std::function<void()> on_open;
  std::function<void(const std::string& text)> on_text;
  // code: connect, handshake or socket; not called after close().
  std::function<void(const std::string& code, const std::string& message)> on_failure;
};

class JsonWebSocket {
 public:
  JsonWebSocket(boost::asio::io_context& io, ServerAddress server, WebSocketOptions options,
                WebSocketHandlers handlers);
  ~JsonWebSocket();
  JsonWebSocket(const JsonWebSocket&) = delete;
  JsonWebSocket& operator=(const JsonWebSocket&) = delete;

  void connect();
  // Queued; dropped before the upgrade and after close().
  void send(const nlohmann::json& message);
  // A clean close frame when open (servers treat it as a goodbye), else the socket closes.
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bailanys::load
