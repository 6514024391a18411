#pragma once

#include <optional>
#include <stdexcept>
#include <string>

namespace bailanys::api {

// A failure the client is told about: status, stable code (docs/API.md) and message.
struct ApiError : std::runtime_error {
  ApiError(int http_status, std::string error_code, const std::string& message)
      : std::runtime_error(message), status(http_status), code(std::move(error_code)) {}

  int status;
  std::string code;
  std::optional<std::string> field;       // for invalid_field
  std::optional<long long> retry_after_s;  // for rate_limited
};

inline ApiError invalid_field(const std::string& field, const std::string& message) {
  ApiError e(400, "invalid_field", message);
  e.field = field;
  return e;
}

}  // namespace bailanys::api
