// POST /api/rtc/echo {"sdp": offer, "transport": "udp"|"tcp"} → {"sdp": answer, "sessionId"}.
// The camera and network check: the browser's media comes back to it through our whole media
// stack. No sign-in needed (it runs before joining); limited per address instead.
#include "api/errors.hpp"
#include "api/service.hpp"
#include "common/clock.hpp"
#include "common/text.hpp"
#include "http/origin.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace bailanys::api {

namespace {
// An offer from a browser with audio, video and a data channel is ~6 KiB; leave room for more.
constexpr std::size_t kMaxOfferBytes = 32 * 1024;
}  // namespace

void ApiService::handle_echo(const http::HttpRequest& request, Respond respond) {
  if (request.header("origin") != nullptr &&
      !http::origin_allowed(request, options_.allowed_origins)) {
    respond(error_response(ApiError(403, "bad_origin", "requests from that origin are refused")));
    return;
  }
  if (const auto d = echo_by_address_.take(request.remote_address, steady_now_ms()); !d.allowed) {
    ApiError e(429, "rate_limited", "too many echo tests from this address, try again later");
    e.retry_after_s = (d.retry_after_ms + 999) / 1000;
    auto r = error_response(e);
    r.headers.emplace_back("Retry-After", std::to_string(*e.retry_after_s));
    respond(std::move(r));
    return;
  }
  const std::string* type = request.header("content-type");
  if (type == nullptr || type->rfind("application/json", 0) != 0) {
    respond(error_response(ApiError(415, "unsupported_media_type", "send application/json")));
    return;
  }
  const auto body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    respond(error_response(ApiError(400, "invalid_json", "request body is not a JSON object")));
    return;
  }
  const auto sdp = body.find("sdp");
  if (sdp == body.end() || !sdp->is_string() || sdp->get_ref<const std::string&>().empty()) {
    respond(error_response(invalid_field("sdp", "the offer is missing")));
    return;
  }
  sfu::EchoRequest echo;
  echo.offer_sdp = sdp->get<std::string>();
  if (echo.offer_sdp.size() > kMaxOfferBytes || !is_valid_utf8(echo.offer_sdp)) {
    respond(error_response(ApiError(400, "invalid_sdp", "the offer is too large or not text")));
    return;
  }
  if (const auto transport = body.find("transport"); transport != body.end()) {
    if (!transport->is_string() || (*transport != "udp" && *transport != "tcp")) {
      respond(error_response(invalid_field("transport", "use \"udp\" or \"tcp\"")));
      return;
    }
    echo.tcp_only = *transport == "tcp";
  }
  if (media_ == nullptr) {
    respond(error_response(ApiError(503, "media_unavailable", "this server runs no media")));
    return;
  }
  media_->start_echo(std::move(echo), [respond](sfu::EchoResult result) {
    if (result.status != 200) {
      respond(error_response(ApiError(result.status, result.error_code, result.error_message)));
      return;
    }
    respond(json_response(200, {{"sdp", result.answer_sdp}, {"sessionId", result.session_id}}));
  });
}

}  // namespace bailanys::api
