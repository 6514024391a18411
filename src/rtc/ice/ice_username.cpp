#include "rtc/ice/ice_username.hpp"

#include "rtc/stun/stun_message.hpp"

namespace bailanys::rtc::ice {

std::optional<IceUsername> split_ice_username(std::string_view username) {
  const auto colon = username.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return IceUsername{username.substr(0, colon), username.substr(colon + 1)};
}

std::optional<std::string> local_ufrag_of(std::span<const std::uint8_t> packet) {
  const auto msg = stun::parse_stun(packet);
  if (!msg || msg->method != stun::kBindingMethod ||
      msg->message_class != stun::StunClass::Request || !msg->username) {
    return std::nullopt;
  }
  const auto parts = split_ice_username(*msg->username);
  if (!parts) return std::nullopt;
  return std::string(parts->local);
}

}  // namespace bailanys::rtc::ice
