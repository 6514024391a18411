#include "auth/validation.hpp"

#include "common/text.hpp"

namespace bailanys::auth {

std::optional<std::string> clean_username(std::string_view s) {
  if (s.size() < 3 || s.size() > 32) return std::nullopt;
  std::string out = ascii_lower(s);
  for (const char c : out) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                    c == '-';
    if (!ok) return std::nullopt;
  }
  return out;
}

std::optional<std::string> clean_display_name(std::string_view s) {
  if (!is_valid_utf8(s)) return std::nullopt;
  std::string out = trim(s);
  const std::size_t n = utf8_length(out);
  if (n < 1 || n > kMaxDisplayNameChars || has_control_chars(out, false)) return std::nullopt;
  return out;
}

bool valid_password(std::string_view s) { return s.size() >= 8 && s.size() <= 256; }

bool valid_language(std::string_view s) {
  return s == "en" || s == "kk" || s == "ru" || s == "uk";
}

std::optional<std::string> clean_room_name(std::string_view s) {
  if (!is_valid_utf8(s)) return std::nullopt;
  std::string out = trim(s);
  if (utf8_length(out) > kMaxRoomNameChars || has_control_chars(out, false)) return std::nullopt;
  return out;
}

bool valid_client_id(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (const char c : s) {
    if (c < 0x21 || c > 0x7E) return false;
  }
  return true;
}

CleanChat clean_chat_text(std::string_view s) {
  if (!is_valid_utf8(s) || has_control_chars(s, true)) return {{}, ChatTextError::kInvalid};
  std::string out = trim(s);
  if (out.empty()) return {{}, ChatTextError::kEmpty};
  if (utf8_length(out) > kMaxChatChars) return {{}, ChatTextError::kTooLong};
  return {std::move(out), ChatTextError::kNone};
}

}  // namespace bailanys::auth
