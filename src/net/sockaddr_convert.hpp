// Conversions between SocketAddress and the BSD socket structures (net/ only).
#pragma once

#include "common/socket_address.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

namespace bailanys::net {

socklen_t to_sockaddr(const SocketAddress& a, sockaddr_storage& out);
SocketAddress from_sockaddr(const sockaddr_storage& in);

}  // namespace bailanys::net
