#include "signaling/messages.hpp"

namespace bailanys::signaling {

nlohmann::json participant_json(const ParticipantView& p) {
  return {{"id", p.id},
          {"name", p.name},
          {"userId", p.user_id ? nlohmann::json(*p.user_id) : nlohmann::json()},
          {"isGuest", !p.user_id.has_value()},
          {"isOwner", p.is_owner},
          {"state", p.online && p.media_connected ? "online" : "reconnecting"},
          {"joinedAt", p.joined_at},
          {"media", {{"mic", p.mic}, {"camera", p.camera}, {"screen", p.screen}}}};
}

std::string error_event(std::string_view code, std::string_view message,
                        std::optional<std::string> ref) {
  nlohmann::json j = {{"type", "error"}, {"code", code}, {"message", message}};
  if (ref) j["ref"] = *ref;
  return j.dump();
}

std::string rate_limited_event(long long retry_after_s, std::optional<std::string> ref) {
  nlohmann::json j = {{"type", "error"},
                      {"code", "rate_limited"},
                      {"message", "too many messages, slow down"},
                      {"retryAfter", retry_after_s}};
  if (ref) j["ref"] = *ref;
  return j.dump();
}

std::string event(std::string_view type, nlohmann::json fields) {
  fields["type"] = type;
  return fields.dump();
}

std::string_view video_cap_name(sfu::VideoCap cap) {
  switch (cap) {
    case sfu::VideoCap::Low: return "low";
    case sfu::VideoCap::Medium: return "medium";
    case sfu::VideoCap::High: return "high";
  }
  return "high";
}

std::optional<sfu::VideoCap> parse_video_cap(std::string_view name) {
  if (name == "low") return sfu::VideoCap::Low;
  if (name == "medium") return sfu::VideoCap::Medium;
  if (name == "high") return sfu::VideoCap::High;
  return std::nullopt;
}

}  // namespace bailanys::signaling
