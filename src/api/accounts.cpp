#include "api/accounts.hpp"

#include "auth/password.hpp"
#include "auth/session_token.hpp"
#include "auth/validation.hpp"
#include "http/cookies.hpp"
#include "views/views.hpp"

namespace bailanys::api {
namespace {

// A hash to verify against when the username does not exist, so a wrong
// username costs as long as a wrong password (no user enumeration by timing).
const std::string& dummy_hash(const RequestContext& ctx) {
  static const std::string hash = auth::hash_password(
      "not-a-real-password", {ctx.options.password_ops, ctx.options.password_mem});
  return hash;
}

http::HttpResponse with_new_session(const RequestContext& ctx, store::Store& store,
                                    const store::User& user, int status) {
  const auto issued = auth::issue_session_token();
  store.create_session({issued.hash, user.id, ctx.now, ctx.now + kSessionSeconds * 1000});
  auto r = json_response(status, {{"user", views::user_json(user)}});
  r.headers.emplace_back("Set-Cookie",
                         http::make_set_cookie(kSessionCookie, issued.token,
                                               {ctx.options.secure_cookies, kSessionSeconds}));
  return r;
}

std::string clean_language_or_throw(const std::string& value) {
  if (!auth::valid_language(value)) {
    throw invalid_field("language", "language must be one of en, kk, ru, uk");
  }
  return value;
}

}  // namespace

http::HttpResponse handle_signup(const RequestContext& ctx, store::Store& store) {
  const auto username = auth::clean_username(required_string(ctx.body, "username"));
  if (!username) {
    throw invalid_field("username", "username must be 3-32 characters of a-z 0-9 . _ -");
  }
  const auto display_name = auth::clean_display_name(required_string(ctx.body, "displayName"));
  if (!display_name) throw invalid_field("displayName", "display name must be 1-64 characters");
  const std::string password = required_string(ctx.body, "password");
  if (!auth::valid_password(password)) {
    throw invalid_field("password", "password must be 8-256 bytes long");
  }
  const std::string language =
      clean_language_or_throw(optional_string(ctx.body, "language").value_or("en"));
  if (store.find_user_by_username(*username)) {
    throw ApiError(409, "username_taken", "that username is taken");
  }
  const std::string hash =
      auth::hash_password(password, {ctx.options.password_ops, ctx.options.password_mem});
  const auto user = store.create_user({*username, *display_name, hash, language, ctx.now});
  if (!user) throw ApiError(409, "username_taken", "that username is taken");
  return with_new_session(ctx, store, *user, 201);
}

http::HttpResponse handle_signin(const RequestContext& ctx, store::Store& store) {
  const std::string username_raw = required_string(ctx.body, "username");
  const std::string password = required_string(ctx.body, "password");
  const auto username = auth::clean_username(username_raw);
  const auto user = username ? store.find_user_by_username(*username) : std::nullopt;
  const bool ok = user ? auth::verify_password(user->password_hash, password)
                       : (auth::verify_password(dummy_hash(ctx), password), false);
  if (!ok) throw ApiError(401, "bad_credentials", "wrong username or password");
  return with_new_session(ctx, store, *user, 200);
}

http::HttpResponse handle_signout(const RequestContext& ctx, store::Store& store) {
  if (const auto token = http::cookie_value(ctx.request, kSessionCookie)) {
    store.delete_session(auth::hash_session_token(*token));
  }
  auto r = json_response(204, nullptr);
  r.headers.emplace_back("Set-Cookie", http::make_set_cookie(kSessionCookie, "",
                                                             {ctx.options.secure_cookies, 0}));
  return r;
}

http::HttpResponse handle_get_session(const RequestContext& ctx, store::Store& store) {
  const auto user = current_user(ctx, store);
  return json_response(200, {{"user", user ? views::user_json(*user) : nlohmann::json()}});
}

http::HttpResponse handle_get_me(const RequestContext& ctx, store::Store& store) {
  return json_response(200, {{"user", views::user_json(require_user(ctx, store))}});
}

http::HttpResponse handle_patch_me(const RequestContext& ctx, store::Store& store) {
  store::User user = require_user(ctx, store);
  if (const auto name = optional_string(ctx.body, "displayName")) {
    const auto clean = auth::clean_display_name(*name);
    if (!clean) throw invalid_field("displayName", "display name must be 1-64 characters");
    user.display_name = *clean;
  }
  if (const auto language = optional_string(ctx.body, "language")) {
    user.language = clean_language_or_throw(*language);
  }
  store.update_user_profile(user.id, user.display_name, user.language);
  return json_response(200, {{"user", views::user_json(user)}});
}

}  // namespace bailanys::api
