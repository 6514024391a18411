#pragma once

#include "api/context.hpp"
#include "auth/rate_limiter.hpp"
#include "http/static_files.hpp"
#include "http/types.hpp"
#include "sfu/media_service.hpp"
#include "store/store_pool.hpp"

namespace bailanys::api {

// Entry point for every plain HTTP request. Control thread only.
class ApiService final : public http::RequestHandler {
 public:
  // `media` may be null (no media workers): the echo test then answers 503.
  ApiService(store::StorePool& pool, const http::StaticFiles& files, ApiOptions options,
             sfu::MediaService* media = nullptr);

  void handle(http::HttpRequest request, Respond respond) override;

 private:
  using Handler = http::HttpResponse (*)(const RequestContext&, store::Store&);

  void handle_api(http::HttpRequest request, Respond respond);
  void handle_room_page(const std::string& code, const http::HttpRequest& request, Respond respond);
  void handle_health(Respond respond);
  // POST /api/rtc/echo: answers the browser's offer from a media worker (api/echo.cpp).
  void handle_echo(const http::HttpRequest& request, Respond respond);
  // Checks a request body and queues `handler` on the store pool.
  void run(Handler handler, http::HttpRequest request, std::string path_param, Respond respond);
  // Applies the sign-in/sign-up limits; returns an error response when over.
  std::optional<http::HttpResponse> rate_limit(const std::string& path,
                                               const http::HttpRequest& request);
  [[nodiscard]] http::HttpResponse index_page(int status, const http::HttpRequest& request) const;

  store::StorePool& pool_;
  const http::StaticFiles& files_;
  ApiOptions options_;
  auth::RateLimiter signin_by_address_;
  auth::RateLimiter signin_by_username_;
  auth::RateLimiter signup_by_address_;
  auth::RateLimiter echo_by_address_;
  sfu::MediaService* media_;
};

// The JSON error response for an ApiError.
http::HttpResponse error_response(const ApiError& error);

}  // namespace bailanys::api
