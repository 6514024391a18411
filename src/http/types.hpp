// Plain request/response values and the interfaces between the Beast server
// (server.cpp, the only file that includes Beast) and the application.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bailanys::http {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: path and query
  std::string path;    // target before '?', not percent-decoded
  std::string query;   // after '?', not decoded
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string remote_address;  // peer IP, no port
  bool secure = false;         // arrived over TLS

  [[nodiscard]] const std::string* header(std::string_view lower_name) const;
  // Percent-decoded value of a query parameter, when present.
  [[nodiscard]] std::optional<std::string> query_param(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool close = false;  // close the connection after this response
};

// Called on the control thread. `respond` may be called from any thread, once.
class RequestHandler {
 public:
  using Respond = std::function<void(HttpResponse)>;
  virtual ~RequestHandler() = default;
  virtual void handle(HttpRequest request, Respond respond) = 0;
};

// One open WebSocket. Control thread only.
class WsConnection {
 public:
  virtual ~WsConnection() = default;
  // Queues a text frame; a full queue (256) closes the socket with 4002.
  virtual void send_text(std::string text) = 0;
  // Sends what is queued, then the close frame. Later sends are dropped.
  virtual void close(std::uint16_t code, std::string reason) = 0;
};

struct WsCloseInfo {
  std::uint16_t code = 1006;  // 1006: no close frame (the connection dropped)
  bool clean = false;         // a close frame arrived from the client
};

// Receives one connection's frames. Control thread only; the server destroys
// it right after on_closed and never calls it re-entrantly.
class WsListener {
 public:
  virtual ~WsListener() = default;
  virtual void on_text(std::string_view text) = 0;
  virtual void on_binary() = 0;
  virtual void on_closed(const WsCloseInfo& info) = 0;
};

class WsHandler {
 public:
  virtual ~WsHandler() = default;
  // A response refuses the upgrade (e.g. 403 for a foreign Origin).
  virtual std::optional<HttpResponse> check_upgrade(const HttpRequest& request) = 0;
  virtual std::unique_ptr<WsListener> on_open(std::shared_ptr<WsConnection> connection,
                                              const HttpRequest& request) = 0;
};

}  // namespace bailanys::http
