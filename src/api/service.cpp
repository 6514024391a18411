#include "api/service.hpp"

#include "api/accounts.hpp"
#include "api/rooms.hpp"
#include "auth/room_code.hpp"
#include "common/clock.hpp"
#include "common/text.hpp"
#include "http/origin.hpp"
#include "views/views.hpp"

#include <spdlog/spdlog.h>

#include <memory>
#include <vector>

namespace bailanys::api {
namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const auto slash = path.find('/');
    out.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return out;
}

bool is_write(const std::string& method) {
  return method == "POST" || method == "PATCH" || method == "PUT" || method == "DELETE";
}

http::HttpResponse rate_limited(std::int64_t retry_after_ms) {
  ApiError e(429, "rate_limited", "too many attempts, try again later");
  e.retry_after_s = (retry_after_ms + 999) / 1000;
  auto r = error_response(e);
  r.headers.emplace_back("Retry-After", std::to_string(*e.retry_after_s));
  return r;
}

}  // namespace

http::HttpResponse error_response(const ApiError& error) {
  auto body = views::error_json(error.code, error.what());
  if (error.field) body["error"]["field"] = *error.field;
  if (error.retry_after_s) body["error"]["retryAfter"] = *error.retry_after_s;
  return json_response(error.status, body);
}

ApiService::ApiService(store::StorePool& pool, const http::StaticFiles& files, ApiOptions options,
                       sfu::MediaService* media)
    : pool_(pool),
      files_(files),
      options_(std::move(options)),
      signin_by_address_({30, 0.5, 100000}),
      signin_by_username_({5, 5.0 / 60, 100000}),
      signup_by_address_({30, 1.0 / 20, 100000}),
      echo_by_address_({10, 1.0 / 6, 100000}),
      media_(media) {}

http::HttpResponse ApiService::index_page(int status, const http::HttpRequest& request) const {
  auto page = files_.get("index.html", request);
  if (!page) return error_response(ApiError(500, "internal", "the web client is missing"));
  if (page->status == 200) page->status = status;
  http::add_page_security_headers(*page);
  return *page;
}

void ApiService::handle(http::HttpRequest request, Respond respond) {
  const std::string& path = request.path;
  if (path.rfind("/api/", 0) == 0) {
    handle_api(std::move(request), std::move(respond));
    return;
  }
  if (request.method != "GET" && request.method != "HEAD") {
    respond(error_response(ApiError(405, "method_not_allowed", "only GET and HEAD here")));
    return;
  }
  if (path == "/healthz") {
    handle_health(std::move(respond));
    return;
  }
  if (path == "/" || path == "/echo") {
    respond(index_page(200, request));
    return;
  }
  if (path.rfind("/assets/", 0) == 0) {
    auto file = files_.get(std::string_view(path).substr(8), request);
    respond(file ? std::move(*file) : error_response(ApiError(404, "not_found", "no such file")));
    return;
  }
  const auto parts = split_path(path);
  if (parts.size() == 2 && parts[0] == "r") {
    handle_room_page(parts[1], request, std::move(respond));
    return;
  }
  if (path == "/favicon.ico") {
    auto file = files_.get("favicon.ico", request);
    respond(file ? std::move(*file) : error_response(ApiError(404, "not_found", "no such file")));
    return;
  }
  respond(index_page(404, request));
}

void ApiService::handle_health(Respond respond) {
  const bool queued = pool_.submit([respond](store::Store& s) {
    try {
      (void)s.schema_version();
      respond(json_response(200, {{"status", "ok"}}));
    } catch (const std::exception& e) {
      respond(error_response(ApiError(503, "unavailable", e.what())));
    }
  });
  if (!queued) respond(error_response(ApiError(503, "unavailable", "the database is busy")));
}

void ApiService::handle_room_page(const std::string& code, const http::HttpRequest& request,
                                  Respond respond) {
  const auto canonical = auth::normalize_room_code(code);
  if (!canonical) {
    respond(index_page(404, request));
    return;
  }
  auto page404 = std::make_shared<http::HttpResponse>(index_page(404, request));
  auto page200 = std::make_shared<http::HttpResponse>(index_page(200, request));
  const bool queued = pool_.submit([canonical, page404, page200, respond](store::Store& s) {
    try {
      respond(s.find_room_by_code(*canonical) ? *page200 : *page404);
    } catch (const std::exception&) {
      respond(*page200);  // the client retries the lookup and explains a failure itself
    }
  });
  if (!queued) respond(*page200);
}

std::optional<http::HttpResponse> ApiService::rate_limit(const std::string& path,
                                                         const http::HttpRequest& request) {
  const std::int64_t now = steady_now_ms();
  if (path == "/api/auth/signin") {
    if (auto d = signin_by_address_.take(request.remote_address, now); !d.allowed) {
      return rate_limited(d.retry_after_ms);
    }
  } else if (path == "/api/auth/signup") {
    if (auto d = signup_by_address_.take(request.remote_address, now); !d.allowed) {
      return rate_limited(d.retry_after_ms);
    }
  }
  return std::nullopt;
}

void ApiService::handle_api(http::HttpRequest request, Respond respond) {
  const auto parts = split_path(request.path);  // parts[0] == "api"
  const std::string& m = request.method;
  const std::size_t n = parts.size();
  auto route = [&]() -> std::pair<Handler, std::string> {
    if (n == 3 && parts[1] == "auth" && parts[2] == "signup" && m == "POST") return {handle_signup, ""};
    if (n == 3 && parts[1] == "auth" && parts[2] == "signin" && m == "POST") return {handle_signin, ""};
    if (n == 3 && parts[1] == "auth" && parts[2] == "signout" && m == "POST") return {handle_signout, ""};
    if (n == 2 && parts[1] == "me" && m == "GET") return {handle_get_me, ""};
    if (n == 2 && parts[1] == "session" && m == "GET") return {handle_get_session, ""};
    if (n == 2 && parts[1] == "me" && m == "PATCH") return {handle_patch_me, ""};
    if (n == 2 && parts[1] == "rooms" && m == "POST") return {handle_create_room, ""};
    if (n == 3 && parts[1] == "rooms" && m == "GET") return {handle_get_room, parts[2]};
    if (n == 3 && parts[1] == "rooms" && m == "PATCH") return {handle_patch_room, parts[2]};
    if (n == 4 && parts[1] == "rooms" && parts[3] == "messages" && m == "GET") {
      return {handle_room_messages, parts[2]};
    }
    if (n == 3 && parts[1] == "my" && parts[2] == "rooms" && m == "GET") return {handle_my_rooms, ""};
    return {nullptr, ""};
  };
  if (n == 3 && parts[1] == "rtc" && parts[2] == "echo") {
    if (m != "POST") {
      respond(error_response(ApiError(405, "method_not_allowed", "method not allowed here")));
      return;
    }
    handle_echo(request, std::move(respond));
    return;
  }
  auto [handler, param] = route();
  if (handler == nullptr) {
    const bool known = (n == 3 && parts[1] == "auth") || (n == 2 && (parts[1] == "me" || parts[1] == "session")) ||
                       (n >= 2 && n <= 4 && parts[1] == "rooms") ||
                       (n == 3 && parts[1] == "my" && parts[2] == "rooms");
    respond(error_response(known ? ApiError(405, "method_not_allowed", "method not allowed here")
                                 : ApiError(404, "not_found", "no such endpoint")));
    return;
  }
  if (is_write(m) && request.header("origin") != nullptr &&
      !http::origin_allowed(request, options_.allowed_origins)) {
    respond(error_response(ApiError(403, "bad_origin", "requests from that origin are refused")));
    return;
  }
  if (auto limited = rate_limit(request.path, request)) {
    respond(std::move(*limited));
    return;
  }
  run(handler, std::move(request), std::move(param), std::move(respond));
}

void ApiService::run(Handler handler, http::HttpRequest request, std::string path_param,
                     Respond respond) {
  nlohmann::json body = nlohmann::json::object();
  if (!request.body.empty()) {
    const std::string* type = request.header("content-type");
    if (type == nullptr || type->rfind("application/json", 0) != 0) {
      respond(error_response(ApiError(415, "unsupported_media_type", "send application/json")));
      return;
    }
    body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object()) {
      respond(error_response(ApiError(400, "invalid_json", "request body is not a JSON object")));
      return;
    }
  } else if (request.method == "PATCH" || handler == handle_signup || handler == handle_signin) {
    respond(error_response(ApiError(400, "invalid_json", "request body is missing")));
    return;
  }
  // The per-username sign-in limit needs the parsed body.
  if (handler == handle_signin) {
    const auto it = body.find("username");
    if (it != body.end() && it->is_string()) {
      const std::string key = ascii_lower(it->get<std::string>());
      if (auto d = signin_by_username_.take(key, steady_now_ms()); !d.allowed) {
        respond(rate_limited(d.retry_after_ms));
        return;
      }
    }
  }
  auto shared_request = std::make_shared<http::HttpRequest>(std::move(request));
  auto shared_body = std::make_shared<nlohmann::json>(std::move(body));
  const ApiOptions* options = &options_;
  const bool queued = pool_.submit([handler, shared_request, shared_body, options,
                                    path_param = std::move(path_param),
                                    respond](store::Store& s) {
    const RequestContext ctx{*shared_request, *shared_body, path_param, wall_now_ms(), *options};
    try {
      respond(handler(ctx, s));
    } catch (const ApiError& e) {
      respond(error_response(e));
    } catch (const store::StoreError& e) {
      spdlog::error("store error on {} {}: {}", shared_request->method, shared_request->path,
                    e.what());
      respond(error_response(ApiError(503, "unavailable", "the database is unavailable")));
    } catch (const std::exception& e) {
      spdlog::error("internal error on {} {}: {}", shared_request->method, shared_request->path,
                    e.what());
      respond(error_response(ApiError(500, "internal", "internal server error")));
    }
  });
  if (!queued) respond(error_response(ApiError(503, "unavailable", "the server is busy")));
}

}  // namespace bailanys::api
