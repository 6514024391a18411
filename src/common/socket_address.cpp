#include "common/socket_address.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace bailanys {

std::optional<SocketAddress> SocketAddress::parse(std::string_view ip_text, std::uint16_t port) {
  if (ip_text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buf[INET6_ADDRSTRLEN] = {};
  std::memcpy(buf, ip_text.data(), ip_text.size());
  SocketAddress a;
  a.port = port;
  if (inet_pton(AF_INET, buf, a.ip.data()) == 1) {
    a.family = Family::V4;
    return a;
  }
  if (inet_pton(AF_INET6, buf, a.ip.data()) == 1) {
    a.family = Family::V6;
    return a;
  }
  return std::nullopt;
}

SocketAddress SocketAddress::v4(std::uint32_t ip_host_order, std::uint16_t port) {
  SocketAddress a;
  a.ip[0] = static_cast<std::uint8_t>(ip_host_order >> 24);
  a.ip[1] = static_cast<std::uint8_t>(ip_host_order >> 16);
  a.ip[2] = static_cast<std::uint8_t>(ip_host_order >> 8);
  a.ip[3] = static_cast<std::uint8_t>(ip_host_order);
  a.port = port;
  return a;
}

std::string SocketAddress::ip_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(is_v6() ? AF_INET6 : AF_INET, ip.data(), buf, sizeof buf);
  return buf;
}

std::string SocketAddress::to_string() const {
  return is_v6() ? "[" + ip_string() + "]:" + std::to_string(port)
                 : ip_string() + ":" + std::to_string(port);
}

std::size_t SocketAddressHash::operator()(const SocketAddress& a) const noexcept {
  // FNV-1a over the bytes that matter.
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](std::uint8_t b) {
    h ^= b;
    h *= 1099511628211ULL;
  };
  mix(static_cast<std::uint8_t>(a.family));
  for (std::size_t i = 0; i < a.ip_size(); ++i) mix(a.ip[i]);
  mix(static_cast<std::uint8_t>(a.port >> 8));
  mix(static_cast<std::uint8_t>(a.port));
  return static_cast<std::size_t>(h);
}

}  // namespace bailanys
