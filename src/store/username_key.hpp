// The form a username is stored and looked up in. Both backends use it, so the
// case-insensitive uniqueness rule is the same on SQLite and PostgreSQL (their
// own lower() functions disagree on non-ASCII letters).
#pragma once

#include <string>
#include <string_view>

namespace bailanys::store {

// Lower-cases ASCII letters only; every other byte (UTF-8 included) is kept.
inline std::string username_key(std::string_view username) {
  std::string key(username);
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

}  // namespace bailanys::store
