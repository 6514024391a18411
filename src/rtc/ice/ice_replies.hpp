// The binding responses an ICE-lite agent sends (RFC 8445 §7.3, RFC 8489 §6.3).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/socket_address.hpp"
#include "rtc/stun/stun_message.hpp"

namespace bailanys::rtc::ice {

constexpr int kBadRequest = 400;
constexpr int kUnauthorized = 401;
constexpr int kUnknownAttribute = 420;
constexpr int kRoleConflict = 487;

// Success: XOR-MAPPED-ADDRESS of where the request came from, MESSAGE-INTEGRITY keyed with
// our password, FINGERPRINT (RFC 8445 §7.3.1.4 / §7.1.1 ask every ICE message to carry one).
std::vector<std::uint8_t> binding_success(const stun::TransactionId& id,
                                          const SocketAddress& mapped, std::string_view local_pwd);

// Error: ERROR-CODE (+ UNKNOWN-ATTRIBUTES for 420), MESSAGE-INTEGRITY only when `local_pwd`
// is non-empty (i.e. the request itself authenticated; RFC 8489 §9.1.3), then FINGERPRINT.
std::vector<std::uint8_t> binding_error(const stun::TransactionId& id, int code,
                                        std::string_view local_pwd,
                                        std::span<const std::uint16_t> unknown = {});

}  // namespace bailanys::rtc::ice
