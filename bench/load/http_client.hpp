// A blocking HTTP/1.1 client (Boost.Beast) for the few REST calls before a run: enough for
// JSON requests with a cookie. Beast stays inside http_client.cpp.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace bailanys::load {

struct HttpResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> cookies;  // name -> value from Set-Cookie
};

// Throws std::runtime_error when the server cannot be reached or the exchange fails.
HttpResponse http_request(const std::string& host, std::uint16_t port, const std::string& method,
                          const std::string& target, const std::string& json_body,
                          const std::string& cookie_header, int timeout_ms = 10'000);

}  // namespace bailanys::load
