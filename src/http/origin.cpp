#include "http/origin.hpp"

#include "common/text.hpp"

namespace bailanys::http {

bool origin_allowed(const HttpRequest& request, const std::vector<std::string>& allowed) {
  const std::string* origin = request.header("origin");
  if (origin == nullptr) return false;
  const std::string o = ascii_lower(*origin);
  for (const auto& a : allowed) {
    if (ascii_lower(a) == o) return true;
  }
  const std::string* host = request.header("host");
  if (host == nullptr || host->empty()) return false;
  const auto scheme_end = o.find("://");
  if (scheme_end == std::string::npos) return false;
  const std::string scheme = o.substr(0, scheme_end);
  // A page served over http cannot be the origin of a server speaking https, and back.
  if (scheme != (request.secure ? "https" : "http")) return false;
  std::string origin_host = o.substr(scheme_end + 3);
  std::string h = ascii_lower(*host);
  // Default ports may be written or left out on either side.
  auto strip_default = [&](std::string& s) {
    const std::string port80 = ":80";
    const std::string port443 = ":443";
    if (scheme == "http" && s.size() > port80.size() &&
        s.compare(s.size() - port80.size(), port80.size(), port80) == 0) {
      s.resize(s.size() - port80.size());
    }
    if (scheme == "https" && s.size() > port443.size() &&
        s.compare(s.size() - port443.size(), port443.size(), port443) == 0) {
      s.resize(s.size() - port443.size());
    }
  };
  strip_default(origin_host);
  strip_default(h);
  return origin_host == h;
}

}  // namespace bailanys::http
