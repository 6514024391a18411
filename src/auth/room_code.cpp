#include "auth/room_code.hpp"

#include "common/random.hpp"

namespace bailanys::auth {
namespace {
constexpr std::size_t kLetters = 10;

std::string with_dashes(const std::string& letters) {
  return letters.substr(0, 3) + "-" + letters.substr(3, 4) + "-" + letters.substr(7, 3);
}
}  // namespace

std::string generate_room_code() {
  std::string letters;
  for (std::size_t i = 0; i < kLetters; ++i) {
    letters += kRoomCodeAlphabet[random_below(static_cast<std::uint32_t>(kRoomCodeAlphabet.size()))];
  }
  return with_dashes(letters);
}

std::optional<std::string> normalize_room_code(std::string_view input) {
  if (input.size() > 32) return std::nullopt;
  std::string letters;
  for (char c : input) {
    if (c == '-' || c == ' ') continue;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (kRoomCodeAlphabet.find(c) == std::string_view::npos) return std::nullopt;
    letters += c;
  }
  if (letters.size() != kLetters) return std::nullopt;
  return with_dashes(letters);
}

}  // namespace bailanys::auth
