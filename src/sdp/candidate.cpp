// a=candidate (RFC 8839 §5.1) with RFC 6544 §4.5 tcptype:
//   candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type>
//             [raddr <address>] [rport <port>] *(<extension name> <extension value>)
#include <limits>
#include <string>

#include "common/text.hpp"
#include "sdp/sdp_text.hpp"
#include "sdp/session_description.hpp"

namespace bailanys::sdp {

std::optional<Candidate> parse_candidate(std::string_view value) {
  using detail::parse_decimal;
  value = detail::trim_spaces(value);
  if (value.starts_with("a=")) value.remove_prefix(2);
  if (value.starts_with("candidate:")) value.remove_prefix(10);
  const auto words = detail::split(value, ' ');
  if (words.size() < 8 || words[6] != "typ" || words.size() % 2 != 0) return std::nullopt;

  Candidate c;
  if (words[0].size() > 32 || !detail::is_ice_chars(words[0])) return std::nullopt;
  c.foundation = std::string(words[0]);
  const auto component = parse_decimal(words[1], 256);  // component-id = 1*3DIGIT
  const auto priority = parse_decimal(words[3], std::numeric_limits<std::uint32_t>::max());
  const auto port = parse_decimal(words[5], 65535);
  if (!component || *component == 0 || !priority || !port) return std::nullopt;
  if (!detail::is_token(words[2]) || !detail::is_token(words[7])) return std::nullopt;
  c.component = static_cast<std::uint32_t>(*component);
  c.transport = ascii_lower(words[2]);
  c.priority = static_cast<std::uint32_t>(*priority);
  c.address = std::string(words[4]);
  c.port = static_cast<std::uint16_t>(*port);
  c.type = ascii_lower(words[7]);

  for (std::size_t i = 8; i + 1 < words.size(); i += 2) {
    const auto name = words[i];
    const auto val = words[i + 1];
    if (name == "raddr") {
      c.related_address = std::string(val);
    } else if (name == "rport") {
      const auto rport = parse_decimal(val, 65535);
      if (!rport) return std::nullopt;
      c.related_port = static_cast<std::uint16_t>(*rport);
    } else if (name == "tcptype") {
      c.tcp_type = ascii_lower(val);
      if (c.tcp_type != "active" && c.tcp_type != "passive" && c.tcp_type != "so") {
        return std::nullopt;
      }
    } else {
      if (!detail::is_token(name)) return std::nullopt;
      c.extensions.emplace_back(std::string(name), std::string(val));
    }
  }
  return c;
}

std::string serialize_candidate(const Candidate& c) {
  std::string out = "candidate:" + c.foundation + ' ' + std::to_string(c.component) + ' ' +
                    c.transport + ' ' + std::to_string(c.priority) + ' ' + c.address + ' ' +
                    std::to_string(c.port) + " typ " + c.type;
  if (!c.related_address.empty()) out += " raddr " + c.related_address;
  if (c.related_port) out += " rport " + std::to_string(*c.related_port);
  if (!c.tcp_type.empty()) out += " tcptype " + c.tcp_type;
  for (const auto& [name, val] : c.extensions) (((out += ' ') += name) += ' ') += val;
  return out;
}

}  // namespace bailanys::sdp
