// MAPPED-ADDRESS and XOR-MAPPED-ADDRESS values (RFC 8489 §14.1, §14.2).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/socket_address.hpp"
#include "rtc/stun/stun_message.hpp"

namespace bailanys::rtc::stun {

// The value bytes: reserved, family (0x01 IPv4 / 0x02 IPv6), port, address. With `xored`, the
// port is XORed with the cookie's top half and the address with cookie || transaction id.
std::vector<std::uint8_t> encode_address(const SocketAddress& address, bool xored,
                                         const TransactionId& id);
// nullopt for an unknown family or a length that does not match it.
std::optional<SocketAddress> decode_address(std::span<const std::uint8_t> value, bool xored,
                                            const TransactionId& id);

}  // namespace bailanys::rtc::stun
