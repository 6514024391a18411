#include "api/context.hpp"

#include "auth/session_token.hpp"
#include "http/cookies.hpp"

namespace bailanys::api {

std::optional<store::User> current_user(const RequestContext& ctx, store::Store& store) {
  const auto token = http::cookie_value(ctx.request, kSessionCookie);
  if (!token || token->empty() || token->size() > 128) return std::nullopt;
  const auto session = store.find_session(auth::hash_session_token(*token), ctx.now);
  if (!session) return std::nullopt;
  return store.find_user_by_id(session->user_id);
}

store::User require_user(const RequestContext& ctx, store::Store& store) {
  auto user = current_user(ctx, store);
  if (!user) throw ApiError(401, "not_signed_in", "this needs a signed-in user");
  return std::move(*user);
}

std::optional<std::string> optional_string(const nlohmann::json& body, const std::string& field) {
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) throw invalid_field(field, field + " must be a string");
  return it->get<std::string>();
}

std::string required_string(const nlohmann::json& body, const std::string& field) {
  auto value = optional_string(body, field);
  if (!value) throw invalid_field(field, field + " is required");
  return std::move(*value);
}

std::optional<bool> optional_bool(const nlohmann::json& body, const std::string& field) {
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) throw invalid_field(field, field + " must be true or false");
  return it->get<bool>();
}

http::HttpResponse json_response(int status, const nlohmann::json& body) {
  http::HttpResponse r;
  r.status = status;
  r.content_type = "application/json; charset=utf-8";
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.body = status == 204 ? std::string() : body.dump();
  return r;
}

}  // namespace bailanys::api
