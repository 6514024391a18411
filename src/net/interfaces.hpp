// The machine's own addresses, for ICE candidates when the media sockets bind to a wildcard.
#pragma once

#include <string>
#include <vector>

namespace bailanys::net {

// Up, non-loopback IPv4 addresses, then global IPv6 ones (link-local excluded: browsers cannot
// use them without a scope). Empty when the machine has none.
std::vector<std::string> interface_addresses();

}  // namespace bailanys::net
