// An IPv4 or IPv6 address with a port, as plain data: what the protocol engines
// (STUN XOR-MAPPED-ADDRESS, ICE paths, SDP candidates) need without any socket API.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace bailanys {

struct SocketAddress {
  enum class Family : std::uint8_t { V4 = 4, V6 = 6 };

  Family family = Family::V4;
  // IPv4 uses the first 4 bytes; network byte order.
  std::array<std::uint8_t, 16> ip{};
  std::uint16_t port = 0;

  // Parses a numeric address ("127.0.0.1", "::1"); nullopt for anything else.
  static std::optional<SocketAddress> parse(std::string_view ip_text, std::uint16_t port);
  static SocketAddress v4(std::uint32_t ip_host_order, std::uint16_t port);

  [[nodiscard]] bool is_v6() const { return family == Family::V6; }
  [[nodiscard]] std::size_t ip_size() const { return is_v6() ? 16 : 4; }
  // "127.0.0.1" or "::1".
  [[nodiscard]] std::string ip_string() const;
  // "127.0.0.1:5000" or "[::1]:5000".
  [[nodiscard]] std::string to_string() const;

  friend bool operator==(const SocketAddress&, const SocketAddress&) = default;
};

struct SocketAddressHash {
  std::size_t operator()(const SocketAddress& a) const noexcept;
};

}  // namespace bailanys
