// Text validation shared by the API and the signaling layer.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace bailanys {

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool is_valid_utf8(std::string_view s);
// Number of code points in valid UTF-8.
std::size_t utf8_length(std::string_view s);
// Strips ASCII and Unicode white space (U+00A0, U+2000–U+200B, U+3000…) at both ends.
std::string trim(std::string_view s);
// True when the text holds a C0/C1 control character other than \n and \t (when allowed).
bool has_control_chars(std::string_view s, bool allow_newlines);
// ASCII lower-casing.
std::string ascii_lower(std::string_view s);

}  // namespace bailanys
