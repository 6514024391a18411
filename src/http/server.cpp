// The only translation unit that includes Beast (it is slow to compile; see
// shared TESTING.md). Sessions follow the Beast server examples' shape: one
// read or write in flight per connection, limits and timeouts on every read,
// a bounded send queue per WebSocket.
#include "http/server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <spdlog/spdlog.h>

#include <deque>
#include <stdexcept>

namespace bailanys::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using BeastRequest = bhttp::request<bhttp::string_body>;

constexpr auto kReadTimeout = std::chrono::seconds(30);

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

HttpRequest to_plain(const BeastRequest& req, const std::string& remote, bool secure) {
  HttpRequest out;
  out.method = std::string(req.method_string());
  out.target = std::string(req.target());
  const auto q = out.target.find('?');
  out.path = out.target.substr(0, q);
  if (q != std::string::npos) out.query = out.target.substr(q + 1);
  for (const auto& field : req) {
    const auto name = field.name_string();
    const auto value = field.value();
    out.headers.emplace_back(lower(std::string_view(name.data(), name.size())),
                             std::string(value.data(), value.size()));
  }
  out.body = req.body();
  out.remote_address = remote;
  out.secure = secure;
  return out;
}

std::string remote_of(const tcp::socket& socket) {
  boost::system::error_code ec;
  const auto ep = socket.remote_endpoint(ec);
  return ec ? std::string("unknown") : ep.address().to_string();
}

HttpResponse error_response(int status, std::string_view code, std::string_view message) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::string(R"({"error":{"code":")") + std::string(code) + R"(","message":")" +
           std::string(message) + "\"}}";
  r.close = true;
  return r;
}

// Common TLS/plain helpers.
tcp::socket& raw_socket(PlainStream& s) { return s.socket(); }
tcp::socket& raw_socket(TlsStream& s) { return s.next_layer().socket(); }
constexpr bool is_tls(const PlainStream*) { return false; }
constexpr bool is_tls(const TlsStream*) { return true; }

struct Shared {
  ServerOptions options;
  RequestHandler& http;
  WsHandler& ws;
};

// ---------------------------------------------------------------- WebSocket

template <class Stream>
class WsSession final : public WsConnection, public std::enable_shared_from_this<WsSession<Stream>> {
 public:
  WsSession(Stream&& stream, BeastRequest upgrade, HttpRequest plain, Shared& shared)
      : ws_(std::move(stream)),
        upgrade_(std::move(upgrade)),
        plain_(std::move(plain)),
        shared_(shared) {}

  void start() {
    beast::get_lowest_layer(ws_).expires_never();  // websocket timeouts take over
    websocket::stream_base::timeout t{};
    t.handshake_timeout = std::chrono::seconds(10);
    // A silent peer is pinged after 15 s and dropped after 30 s.
    t.idle_timeout = std::chrono::seconds(30);
    t.keep_alive_pings = true;
    ws_.set_option(t);
    ws_.read_message_max(shared_.options.ws_message_limit);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(bhttp::field::server, "bailanys"); }));
    ws_.async_accept(upgrade_, [self = this->shared_from_this()](beast::error_code ec) {
      self->on_accept(ec);
    });
  }

  void send_text(std::string text) override {
    if (closing_ || finished_) return;
    if (queue_.size() >= shared_.options.ws_send_queue_limit) {
      spdlog::warn("websocket {}: send queue full, closing slow consumer", plain_.remote_address);
      queue_.clear();
      close(4002, "slow_consumer");
      return;
    }
    queue_.push_back(std::move(text));
    if (!writing_) write_next();
  }

  void close(std::uint16_t code, std::string reason) override {
    if (closing_ || finished_) return;
    closing_ = true;
    close_reason_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
    if (!writing_) write_next();
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) {
      spdlog::debug("websocket accept failed: {}", ec.message());
      return;
    }
    auto self = this->shared_from_this();
    listener_ = shared_.ws.on_open(self, plain_);
    read_next();
  }

  void read_next() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_read(ec);
    });
  }

  void on_read(beast::error_code ec) {
    if (ec) {
      finish(ec);
      return;
    }
    const bool text = ws_.got_text();
    std::string data = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    if (listener_) {
      if (text) {
        listener_->on_text(data);
      } else {
        listener_->on_binary();
      }
    }
    read_next();  // keep reading even while closing: Beast completes the close handshake here
  }

  void write_next() {
    if (writing_ || finished_) return;
    if (!queue_.empty()) {
      writing_ = true;
      ws_.text(true);
      ws_.async_write(asio::buffer(queue_.front()),
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        self->on_write(ec);
                      });
      return;
    }
    if (closing_ && !close_sent_) {
      close_sent_ = true;
      writing_ = true;
      ws_.async_close(close_reason_, [self = this->shared_from_this()](beast::error_code) {
        self->writing_ = false;
      });
    }
  }

  void on_write(beast::error_code ec) {
    writing_ = false;
    if (ec) {
      queue_.clear();
      return;  // the pending read reports the failure
    }
    queue_.pop_front();
    write_next();
  }

  void finish(beast::error_code ec) {
    if (finished_) return;
    finished_ = true;
    WsCloseInfo info;
    // A close frame arrived when reason() holds a code: browsers often reset the TCP
    // connection right after their close frame, so the read can end with a reset even then.
    const auto received = static_cast<std::uint16_t>(ws_.reason().code);
    if (ec == websocket::error::closed || received != 0) {
      info.clean = true;
      info.code = received;
    } else {
      spdlog::debug("websocket {} ended: {}", plain_.remote_address, ec.message());
    }
    queue_.clear();
    if (listener_) {
      listener_->on_closed(info);
      listener_.reset();
    }
  }

  websocket::stream<Stream> ws_;
  BeastRequest upgrade_;
  HttpRequest plain_;
  Shared& shared_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  std::unique_ptr<WsListener> listener_;
  websocket::close_reason close_reason_;
  bool writing_ = false;
  bool closing_ = false;
  bool close_sent_ = false;
  bool finished_ = false;
};

// ---------------------------------------------------------------- HTTP

template <class Stream>
class HttpSession final : public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  HttpSession(Stream&& stream, Shared& shared) : stream_(std::move(stream)), shared_(shared) {
    remote_ = remote_of(raw_socket(stream_));
  }

  void start() {
    if constexpr (is_tls(static_cast<Stream*>(nullptr))) {
      beast::get_lowest_layer(stream_).expires_after(kReadTimeout);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) {
                                  spdlog::debug("TLS handshake failed: {}", ec.message());
                                  return;
                                }
                                self->read_next();
                              });
    } else {
      read_next();
    }
  }

 private:
  void read_next() {
    parser_.emplace();
    parser_->body_limit(shared_.options.body_limit);
    parser_->header_limit(static_cast<std::uint32_t>(shared_.options.header_limit));
    beast::get_lowest_layer(stream_).expires_after(kReadTimeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        self->on_read(ec);
                      });
  }

  void on_read(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof) {
      shutdown();
      return;
    }
    if (ec == bhttp::error::body_limit) {
      write(error_response(413, "too_large", "request body is over the 64 KiB limit"));
      return;
    }
    if (ec == bhttp::error::header_limit) {
      write(error_response(431, "too_large", "request headers are over the 8 KiB limit"));
      return;
    }
    if (ec == beast::error::timeout) return;
    if (ec) {
      if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category()) {
        write(error_response(400, "bad_request", "malformed HTTP request"));
      }
      return;
    }
    BeastRequest req = parser_->release();
    HttpRequest plain = to_plain(req, remote_, is_tls(static_cast<Stream*>(nullptr)));
    if (websocket::is_upgrade(req)) {
      if (auto refusal = shared_.ws.check_upgrade(plain)) {
        refusal->close = true;
        write(std::move(*refusal));
        return;
      }
      std::make_shared<WsSession<Stream>>(std::move(stream_), std::move(req), std::move(plain),
                                          shared_)
          ->start();
      return;
    }
    keep_alive_ = req.keep_alive();
    version_ = req.version();
    head_only_ = req.method() == bhttp::verb::head;
    auto self = this->shared_from_this();
    auto executor = stream_.get_executor();
    shared_.http.handle(std::move(plain), [self, executor](HttpResponse response) {
      asio::post(executor, [self, response = std::move(response)]() mutable {
        self->write(std::move(response));
      });
    });
  }

  void write(HttpResponse r) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->result(static_cast<unsigned>(r.status));
    res->version(version_);
    res->set(bhttp::field::server, "bailanys");
    if (!r.content_type.empty()) res->set(bhttp::field::content_type, r.content_type);
    for (auto& [name, value] : r.headers) res->insert(name, value);
    res->body() = std::move(r.body);
    res->prepare_payload();
    if (head_only_) res->body().clear();
    const bool close = r.close || !keep_alive_;
    res->keep_alive(!close);
    beast::get_lowest_layer(stream_).expires_after(kReadTimeout);
    bhttp::async_write(stream_, *res,
                       [self = this->shared_from_this(), res, close](beast::error_code ec,
                                                                     std::size_t) {
                         if (ec) return;
                         if (close) {
                           self->shutdown();
                         } else {
                           self->read_next();
                         }
                       });
  }

  void shutdown() {
    beast::error_code ec;
    if constexpr (is_tls(static_cast<Stream*>(nullptr))) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
    } else {
      raw_socket(stream_).shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  Stream stream_;
  Shared& shared_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bool keep_alive_ = false;
  bool head_only_ = false;
  unsigned version_ = 11;
};

}  // namespace

// ---------------------------------------------------------------- listener

struct HttpServer::Impl {
  Impl(net::ControlLoop& l, ServerOptions o, RequestHandler& h, WsHandler& w)
      : loop(l), shared{std::move(o), h, w}, acceptor(l.context()), tls(ssl::context::tls_server) {}

  void accept_next() {
    acceptor.async_accept(asio::make_strand(loop.context()),
                          [this](beast::error_code ec, tcp::socket socket) {
                            if (ec == asio::error::operation_aborted) return;
                            if (!ec) on_accept(std::move(socket));
                            if (acceptor.is_open()) accept_next();
                          });
  }

  void on_accept(tcp::socket socket) {
    // Signaling is many small frames: without this, a second frame in a row waits for the
    // client's delayed ACK (40 ms on Linux, up to 200 ms on Windows) behind Nagle's algorithm.
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (use_tls) {
      std::make_shared<HttpSession<TlsStream>>(TlsStream(std::move(socket), tls), shared)->start();
    } else {
      std::make_shared<HttpSession<PlainStream>>(PlainStream(std::move(socket)), shared)->start();
    }
  }

  net::ControlLoop& loop;
  Shared shared;
  tcp::acceptor acceptor;
  ssl::context tls;
  bool use_tls = false;
};

HttpServer::HttpServer(net::ControlLoop& loop, ServerOptions options, RequestHandler& http,
                       WsHandler& ws)
    : impl_(std::make_unique<Impl>(loop, std::move(options), http, ws)) {
  const ServerOptions& o = impl_->shared.options;
  if (!o.tls_cert_file.empty()) {
    impl_->use_tls = true;
    auto& tls = impl_->tls;
    tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    try {
      tls.use_certificate_chain_file(o.tls_cert_file);
      tls.use_private_key_file(o.tls_key_file, ssl::context::pem);
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error("cannot load the TLS certificate or key: " +
                               std::string(e.what()));
    }
  }
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(o.host, ec);
  if (ec) throw std::runtime_error("--listen: '" + o.host + "' is not an IP address");
  const tcp::endpoint endpoint(address, o.port);
  auto& acc = impl_->acceptor;
  acc.open(endpoint.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(endpoint, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " +
                             ec.message());
  }
}

HttpServer::~HttpServer() = default;

void HttpServer::start() { impl_->accept_next(); }

void HttpServer::stop() {
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
}

std::uint16_t HttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

}  // namespace bailanys::http
