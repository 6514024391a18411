// Builds the binding requests a browser (full, controlling ICE agent) would send.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rtc/ice/ice_lite_agent.hpp"
#include "rtc/stun/stun_message.hpp"

namespace bailanys::rtc::ice::test {

inline const IceCredentials kServer{"srvU", "server-password-0123456789"};
inline const IceCredentials kBrowser{"brws", "browser-password-0123456789"};

struct Check {
  bool use_candidate = false;
  bool fingerprint = true;
  bool with_username = true;
  bool with_integrity = true;
  std::string username = kServer.ufrag + ":" + kBrowser.ufrag;
  std::string pwd = kServer.pwd;  // checks are signed with the receiver's password
  std::optional<std::uint64_t> controlled;
  std::vector<std::uint16_t> extra_attributes;  // sent with an empty value
  stun::TransactionId id{0xaa, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};

  [[nodiscard]] std::vector<std::uint8_t> bytes() const {
    stun::StunBuilder b(stun::kBindingMethod, stun::StunClass::Request, id);
    if (with_username) b.username(username);
    b.priority(0x6e7f1eff);
    if (controlled) {
      b.ice_controlled(*controlled);
    } else {
      b.ice_controlling(0x1122334455667788);
    }
    if (use_candidate) b.use_candidate();
    for (const std::uint16_t type : extra_attributes) b.attribute(type, {});
    return b.finish(with_integrity ? stun::as_bytes(pwd) : std::span<const std::uint8_t>(),
                    fingerprint);
  }
};

inline std::vector<std::uint8_t> check_bytes() { return Check{}.bytes(); }
inline std::vector<std::uint8_t> nomination_bytes() {
  Check c;
  c.use_candidate = true;
  return c.bytes();
}

inline IcePath udp_path(std::uint64_t id, const char* ip = "198.51.100.7",
                        std::uint16_t port = 50000) {
  return IcePath{id, *SocketAddress::parse(ip, port), false};
}

}  // namespace bailanys::rtc::ice::test
