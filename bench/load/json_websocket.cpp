#include "json_websocket.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <deque>

namespace bailanys::load {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace asio = boost::asio;

struct JsonWebSocket::Impl {
  Impl(asio::io_context& context, ServerAddress s, WebSocketOptions o, WebSocketHandlers h)
      : io(context), server(std::move(s)), options(std::move(o)), handlers(std::move(h)), ws(context) {}

  void fail(const std::string& code, const std::string& message) const {
    if (!closed && handlers.on_failure) handlers.on_failure(code, message);
  }

  void connect() {
    asio::ip::tcp::resolver resolver(io);
    beast::error_code ec;
    const auto endpoints = resolver.resolve(server.host, std::to_string(server.port), ec);
    if (ec || endpoints.empty()) return fail("connect", "cannot resolve " + server.host);
    beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(10));
    beast::get_lowest_layer(ws).async_connect(
        endpoints, [this](beast::error_code e, const asio::ip::tcp::endpoint&) {
          if (closed) return;
          if (e) return fail("connect", "cannot connect to " + server.host_port() + ": " + e.message());
          upgrade();
        });
  }

  void upgrade() {
    beast::get_lowest_layer(ws).expires_never();
    beast::error_code ignored;
    beast::get_lowest_layer(ws).socket().set_option(asio::ip::tcp::no_delay(true), ignored);
    ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    ws.set_option(websocket::stream_base::decorator(
        [origin = options.origin, subprotocol = options.subprotocol](websocket::request_type& req) {
          if (!origin.empty()) req.set(beast::http::field::origin, origin);
          if (!subprotocol.empty()) req.set(beast::http::field::sec_websocket_protocol, subprotocol);
          req.set(beast::http::field::user_agent, "bailanys-load");
        }));
    ws.read_message_max(1 << 20);
    ws.async_handshake(server.host_port(), options.path, [this](beast::error_code e) {
      if (closed) return;
      if (e) {
        return fail("handshake", "WebSocket upgrade refused" +
                                     (options.subprotocol.empty()
                                          ? std::string()
                                          : " (subprotocol " + options.subprotocol + ")") +
                                     ": " + e.message());
      }
      open = true;
      if (handlers.on_open) handlers.on_open();
      if (!closed) read();
    });
  }

  void read() {
    ws.async_read(buffer, [this](beast::error_code e, std::size_t) {
      if (closed) return;
      if (e) return fail("socket", "the WebSocket closed: " + e.message());
      const std::string text = beast::buffers_to_string(buffer.data());
      buffer.consume(buffer.size());
      if (handlers.on_text) handlers.on_text(text);
      if (!closed) read();
    });
  }

  void send(const nlohmann::json& message) {
    if (closed || !open) return;
    outbox.push_back(message.dump());
    if (!writing) write_next();
  }

  void write_next() {
    if (outbox.empty() || closed) {
      writing = false;
      return;
    }
    writing = true;
    ws.text(true);
    ws.async_write(asio::buffer(outbox.front()), [this](beast::error_code e, std::size_t) {
      if (closed) return;
      if (e) return fail("socket", "sending failed: " + e.message());
      outbox.pop_front();
      write_next();
    });
  }

  void close() {
    if (closed) return;
    closed = true;
    if (open) {
      ws.async_close(websocket::close_code::normal, [](beast::error_code) {});
    } else {
      beast::error_code ignored;
      beast::get_lowest_layer(ws).socket().close(ignored);
    }
  }

  asio::io_context& io;
  ServerAddress server;
  WebSocketOptions options;
  WebSocketHandlers handlers;
  websocket::stream<beast::tcp_stream> ws;
  beast::flat_buffer buffer;
  std::deque<std::string> outbox;
  bool writing = false;
  bool open = false;
  bool closed = false;
};

JsonWebSocket::JsonWebSocket(asio::io_context& io, ServerAddress server, WebSocketOptions options,
                             WebSocketHandlers handlers)
    : impl_(std::make_unique<Impl>(io, std::move(server), std::move(options), std::move(handlers))) {}

JsonWebSocket::~JsonWebSocket() = default;

void JsonWebSocket::connect() { impl_->connect(); }
void JsonWebSocket::send(const nlohmann::json& message) { impl_->send(message); }
void JsonWebSocket::close() { impl_->close(); }

}  // namespace bailanys::load
