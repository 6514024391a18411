// The USERNAME of an ICE connectivity check: "<receiver ufrag>:<sender ufrag>" (RFC 8445 §7.2.2).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace bailanys::rtc::ice {

struct IceUsername {
  std::string_view local;   // ours: the receiver of the check
  std::string_view remote;  // the sender's
};

// Splits at the first colon (ice-chars never contain one); nullopt when there is none.
std::optional<IceUsername> split_ice_username(std::string_view username);

// For the port demultiplexer: the local ufrag (before ':') in a binding request's USERNAME,
// without verifying integrity. nullopt for anything else.
std::optional<std::string> local_ufrag_of(std::span<const std::uint8_t> packet);

}  // namespace bailanys::rtc::ice
