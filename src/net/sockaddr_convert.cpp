#include "net/sockaddr_convert.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace bailanys::net {

socklen_t to_sockaddr(const SocketAddress& a, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof out);
  if (a.is_v6()) {
    auto* s6 = reinterpret_cast<sockaddr_in6*>(&out);
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(a.port);
    std::memcpy(&s6->sin6_addr, a.ip.data(), 16);
    return sizeof(sockaddr_in6);
  }
  auto* s4 = reinterpret_cast<sockaddr_in*>(&out);
  s4->sin_family = AF_INET;
  s4->sin_port = htons(a.port);
  std::memcpy(&s4->sin_addr, a.ip.data(), 4);
  return sizeof(sockaddr_in);
}

SocketAddress from_sockaddr(const sockaddr_storage& in) {
  SocketAddress a;
  if (in.ss_family == AF_INET6) {
    const auto* s6 = reinterpret_cast<const sockaddr_in6*>(&in);
    // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is reported as IPv4.
    if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
      a.family = SocketAddress::Family::V4;
      std::memcpy(a.ip.data(), reinterpret_cast<const std::uint8_t*>(&s6->sin6_addr) + 12, 4);
    } else {
      a.family = SocketAddress::Family::V6;
      std::memcpy(a.ip.data(), &s6->sin6_addr, 16);
    }
    a.port = ntohs(s6->sin6_port);
    return a;
  }
  const auto* s4 = reinterpret_cast<const sockaddr_in*>(&in);
  a.family = SocketAddress::Family::V4;
  std::memcpy(a.ip.data(), &s4->sin_addr, 4);
  a.port = ntohs(s4->sin_port);
  return a;
}

}  // namespace bailanys::net
