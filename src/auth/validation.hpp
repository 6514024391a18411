// Field rules shared by the REST API and the socket (docs/API.md, docs/PROTOCOL.md).
// Each check returns the cleaned value or nullopt.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bailanys::auth {

inline constexpr std::size_t kMaxChatChars = 2000;
inline constexpr std::size_t kMaxDisplayNameChars = 64;
inline constexpr std::size_t kMaxRoomNameChars = 100;

// 3–32 of a–z 0–9 . _ - ; returned lower-cased.
std::optional<std::string> clean_username(std::string_view s);
// 1–64 code points after trimming, valid UTF-8, no control characters.
std::optional<std::string> clean_display_name(std::string_view s);
// 8–256 bytes.
bool valid_password(std::string_view s);
bool valid_language(std::string_view s);
// 0–100 code points after trimming, no control characters.
std::optional<std::string> clean_room_name(std::string_view s);
// 1–64 printable ASCII characters.
bool valid_client_id(std::string_view s);

enum class ChatTextError { kNone, kEmpty, kTooLong, kInvalid };
struct CleanChat {
  std::string text;
  ChatTextError error = ChatTextError::kNone;
};
// Trims; allows newlines and tabs; at most kMaxChatChars code points.
CleanChat clean_chat_text(std::string_view s);

}  // namespace bailanys::auth
