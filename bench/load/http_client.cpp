#include "http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <stdexcept>

namespace bailanys::load {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

HttpResponse http_request(const std::string& host, std::uint16_t port, const std::string& method,
                          const std::string& target, const std::string& json_body,
                          const std::string& cookie_header, int timeout_ms) {
  try {
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::milliseconds(timeout_ms));
    stream.connect(resolver.resolve(host, std::to_string(port)));
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    const bool v6 = host.find(':') != std::string::npos;
    req.set(http::field::host, (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port));
    req.set(http::field::user_agent, "bailanys-load");
    if (!cookie_header.empty()) req.set(http::field::cookie, cookie_header);
    if (!json_body.empty()) {
      req.set(http::field::content_type, "application/json");
      req.body() = json_body;
    }
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    HttpResponse out;
    out.status = static_cast<int>(res.result_int());
    out.body = res.body();
    for (const auto& field : res) {
      if (field.name() != http::field::set_cookie) continue;
      const std::string value(field.value());
      const auto end = value.find(';');
      const std::string pair = value.substr(0, end);
      const auto eq = pair.find('=');
      if (eq != std::string::npos) out.cookies[pair.substr(0, eq)] = pair.substr(eq + 1);
    }
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    return out;
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error(method + " " + target + " on " + host + ":" + std::to_string(port) +
                             " failed: " + e.code().message());
  }
}

}  // namespace bailanys::load
