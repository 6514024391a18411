// What a REST handler gets: the request, its parsed body, the time, the options,
// and helpers for the session. Handlers run on a store-pool thread.
#pragma once

#include "api/errors.hpp"
#include "http/types.hpp"
#include "store/store.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace bailanys::api {

inline constexpr const char* kSessionCookie = "bailanys_session";
inline constexpr long long kSessionSeconds = 30LL * 24 * 3600;

struct ApiOptions {
  std::vector<std::string> allowed_origins;
  bool secure_cookies = false;
  unsigned long long password_ops = 0;  // argon2id cost
  std::size_t password_mem = 0;
};

struct RequestContext {
  const http::HttpRequest& request;
  const nlohmann::json& body;      // an object ({} for requests without a body)
  std::string path_param;          // e.g. the room code, when the route has one
  store::TimeMs now;               // wall clock, ms
  const ApiOptions& options;
};

// The signed-in user, if the session cookie is valid.
std::optional<store::User> current_user(const RequestContext& ctx, store::Store& store);
// Same, but throws 401 not_signed_in.
store::User require_user(const RequestContext& ctx, store::Store& store);

// Body field access; a present field of the wrong type is invalid_field.
std::optional<std::string> optional_string(const nlohmann::json& body, const std::string& field);
std::string required_string(const nlohmann::json& body, const std::string& field);
std::optional<bool> optional_bool(const nlohmann::json& body, const std::string& field);

http::HttpResponse json_response(int status, const nlohmann::json& body);

}  // namespace bailanys::api
