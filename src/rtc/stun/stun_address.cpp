#include "rtc/stun/stun_address.hpp"

#include <array>

#include "common/bytes.hpp"
#include "rtc/stun/stun_attributes.hpp"

namespace bailanys::rtc::stun {
namespace {

constexpr std::uint8_t kFamilyV4 = 0x01;
constexpr std::uint8_t kFamilyV6 = 0x02;

// §14.2: the XOR pad is the magic cookie followed by the transaction id (IPv4 uses 4 bytes).
std::array<std::uint8_t, 16> xor_pad(const TransactionId& id) {
  std::array<std::uint8_t, 16> pad{};
  store_be32(pad.data(), kMagicCookie);
  for (std::size_t i = 0; i < id.size(); ++i) pad[4 + i] = id[i];
  return pad;
}

}  // namespace

std::vector<std::uint8_t> encode_address(const SocketAddress& address, bool xored,
                                         const TransactionId& id) {
  const auto pad = xor_pad(id);
  std::vector<std::uint8_t> out;
  ByteWriter w(out);
  w.u8(0);
  w.u8(address.is_v6() ? kFamilyV6 : kFamilyV4);
  w.u16(xored ? static_cast<std::uint16_t>(address.port ^ (kMagicCookie >> 16)) : address.port);
  for (std::size_t i = 0; i < address.ip_size(); ++i) {
    w.u8(xored ? static_cast<std::uint8_t>(address.ip[i] ^ pad[i]) : address.ip[i]);
  }
  return out;
}

std::optional<SocketAddress> decode_address(std::span<const std::uint8_t> value, bool xored,
                                            const TransactionId& id) {
  ByteReader r(value);
  r.u8();  // reserved; ignored on receipt
  const std::uint8_t family = r.u8();
  std::uint16_t port = r.u16();
  SocketAddress address;
  if (family == kFamilyV4 && value.size() == 8) {
    address.family = SocketAddress::Family::V4;
  } else if (family == kFamilyV6 && value.size() == 20) {
    address.family = SocketAddress::Family::V6;
  } else {
    return std::nullopt;
  }
  const auto pad = xor_pad(id);
  if (xored) port = static_cast<std::uint16_t>(port ^ (kMagicCookie >> 16));
  address.port = port;
  const auto ip = r.bytes(address.ip_size());
  if (!r.ok()) return std::nullopt;
  for (std::size_t i = 0; i < ip.size(); ++i) {
    address.ip[i] = xored ? static_cast<std::uint8_t>(ip[i] ^ pad[i]) : ip[i];
  }
  return address;
}

}  // namespace bailanys::rtc::stun
