#include "rtc/ice/ice_credentials.hpp"

#include <cstddef>
#include <string_view>

#include "common/random.hpp"

namespace bailanys::rtc::ice {
namespace {

// RFC 8839 §5.4 ice-char. random_token() is base64url ('-', '_'), which SDP would reject.
constexpr std::string_view kIceChars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string random_ice_string(std::size_t length) {
  std::string out(length, '\0');
  for (char& c : out) c = kIceChars[random_below(static_cast<std::uint32_t>(kIceChars.size()))];
  return out;
}

}  // namespace

IceCredentials generate_ice_credentials() {
  // 8 and 24 characters give 48 and 144 bits: above the 24 / 128 bits RFC 8445 §5.3 asks for.
  return IceCredentials{random_ice_string(8), random_ice_string(24)};
}

}  // namespace bailanys::rtc::ice
