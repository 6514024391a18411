#pragma once

#include "http/types.hpp"

#include <string>
#include <vector>

namespace bailanys::http {

// True when the request's Origin is this server itself (same scheme as the
// connection, host:port equal to the Host header) or is listed in `allowed`
// (full origins such as "https://meet.example.org", e.g. behind a TLS proxy).
// A missing Origin is refused: browsers always send it on WebSocket upgrades.
bool origin_allowed(const HttpRequest& request, const std::vector<std::string>& allowed);

}  // namespace bailanys::http
