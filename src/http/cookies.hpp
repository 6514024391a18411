#pragma once

#include "http/types.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace bailanys::http {

// The value of cookie `name` from the request's Cookie header(s).
std::optional<std::string> cookie_value(const HttpRequest& request, std::string_view name);

struct CookieOptions {
  bool secure = false;
  long long max_age_seconds = 0;  // 0: delete the cookie
};
// A Set-Cookie value: HttpOnly, SameSite=Lax, Path=/, Secure when asked.
std::string make_set_cookie(std::string_view name, std::string_view value,
                            const CookieOptions& options);

}  // namespace bailanys::http
