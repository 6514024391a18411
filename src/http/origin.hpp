#pragma once

#include "http/types.hpp"

#include <string>
#include <vector>

namespace bailanys::http {

// True when the request's Origin is this server itself (its host:port equals
// the Host header; the scheme is not compared so a TLS-terminating proxy works)
// or is listed in `allowed` (full origins such as "https://meet.example.org").
// A missing Origin is refused: browsers always send it on WebSocket upgrades.
bool origin_allowed(const HttpRequest& request, const std::vector<std::string>& allowed);

}  // namespace bailanys::http
