#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bailanys::auth {

// 23 letters: the Latin alphabet without i, l and o, which read like 1 and 0.
inline constexpr std::string_view kRoomCodeAlphabet = "abcdefghjkmnpqrstuvwxyz";

// A new random code "xxx-xxxx-xxx" (10 letters, about 45 bits).
std::string generate_room_code();
// Accepts any case, with or without dashes or spaces; returns the canonical
// form, or nullopt when it cannot be a room code.
std::optional<std::string> normalize_room_code(std::string_view input);

}  // namespace bailanys::auth
