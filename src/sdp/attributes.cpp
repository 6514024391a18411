#include "sdp/attributes.hpp"

#include <algorithm>
#include <limits>

#include "common/text.hpp"
#include "sdp/sdp_text.hpp"

namespace bailanys::sdp {
namespace {

using detail::parse_decimal;
using detail::split;
using detail::split_once;
using detail::trim_spaces;

constexpr std::uint64_t kMaxPayloadType = 127;  // 7-bit PT field, RFC 3550 §5.1

std::optional<std::uint8_t> parse_payload_type(std::string_view text) {
  const auto pt = parse_decimal(text, kMaxPayloadType);
  if (!pt) return std::nullopt;
  return static_cast<std::uint8_t>(*pt);
}

std::optional<std::uint32_t> parse_u32(std::string_view text) {
  const auto v = parse_decimal(text, std::numeric_limits<std::uint32_t>::max());
  if (!v) return std::nullopt;
  return static_cast<std::uint32_t>(*v);
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::optional<std::vector<std::vector<std::string>>> parse_stream_list(std::string_view text) {
  std::vector<std::vector<std::string>> streams;
  for (const auto stream : split(text, ';')) {
    std::vector<std::string> alternatives;
    for (const auto id : split(stream, ',')) {
      const std::string_view bare = id.starts_with('~') ? id.substr(1) : id;
      if (!detail::is_rid_id(bare)) return std::nullopt;
      alternatives.emplace_back(id);
    }
    if (alternatives.empty()) return std::nullopt;
    streams.push_back(std::move(alternatives));
  }
  if (streams.empty()) return std::nullopt;
  return streams;
}

std::string join_stream_list(const std::vector<std::vector<std::string>>& streams) {
  std::string out;
  for (std::size_t s = 0; s < streams.size(); ++s) {
    if (s > 0) out += ';';
    for (std::size_t a = 0; a < streams[s].size(); ++a) {
      if (a > 0) out += ',';
      out += streams[s][a];
    }
  }
  return out;
}

}  // namespace

std::optional<RtpMap> parse_rtpmap(std::string_view value) {
  const auto [pt_text, rest] = split_once(trim_spaces(value), ' ');
  const auto pt = parse_payload_type(pt_text);
  const auto encoding = trim_spaces(rest);
  if (!pt) return std::nullopt;
  const auto parts = split(encoding, '/');
  const auto slashes = static_cast<std::size_t>(std::count(encoding.begin(), encoding.end(), '/'));
  if (parts.size() < 2 || parts.size() > 3 || slashes + 1 != parts.size()) return std::nullopt;
  if (!detail::is_token(parts[0])) return std::nullopt;
  RtpMap map;
  map.payload_type = *pt;
  map.name = std::string(parts[0]);
  const auto clock = parse_u32(parts[1]);
  if (!clock || *clock == 0) return std::nullopt;
  map.clock_rate = *clock;
  if (parts.size() == 3) {
    const auto channels = parse_decimal(parts[2], 255);
    if (!channels || *channels == 0) return std::nullopt;
    map.channels = static_cast<std::uint8_t>(*channels);
  }
  return map;
}

std::optional<Fmtp> parse_fmtp(std::string_view value) {
  const auto [pt_text, rest] = split_once(trim_spaces(value), ' ');
  const auto pt = parse_payload_type(pt_text);
  if (!pt) return std::nullopt;
  return Fmtp{*pt, std::string(trim_spaces(rest))};
}

std::optional<RtcpFeedback> parse_rtcp_fb(std::string_view value) {
  const auto [pt_text, rest] = split_once(trim_spaces(value), ' ');
  RtcpFeedback fb;
  if (pt_text != "*") {
    fb.payload_type = parse_payload_type(pt_text);
    if (!fb.payload_type) return std::nullopt;
  }
  fb.value = detail::join_words(rest);
  if (fb.value.empty()) return std::nullopt;
  return fb;
}

std::optional<Extmap> parse_extmap(std::string_view value) {
  const auto [id_part, rest] = split_once(trim_spaces(value), ' ');
  const auto [id_text, direction] = split_once(id_part, '/');
  const auto id = parse_decimal(id_text, 255);  // two-byte header IDs go to 255 (RFC 8285 §4.3)
  if (!id || *id == 0) return std::nullopt;
  Extmap extmap;
  extmap.id = static_cast<std::uint8_t>(*id);
  if (id_part.find('/') != std::string_view::npos) {
    if (direction != "sendonly" && direction != "recvonly" && direction != "sendrecv" &&
        direction != "inactive") {
      return std::nullopt;
    }
    extmap.direction = std::string(direction);
  }
  const auto [uri, attributes] = split_once(trim_spaces(rest), ' ');
  if (uri.empty()) return std::nullopt;
  extmap.uri = std::string(uri);
  extmap.attributes = std::string(trim_spaces(attributes));
  return extmap;
}

std::optional<Fingerprint> parse_fingerprint(std::string_view value) {
  const auto [algorithm, hex] = split_once(trim_spaces(value), ' ');
  const auto digest = trim_spaces(hex);
  if (!detail::is_token(algorithm) || digest.empty()) return std::nullopt;
  // fingerprint = 2UHEX *(":" 2UHEX) (RFC 8122 §5); lower case is accepted too.
  if ((digest.size() + 1) % 3 != 0 || digest.size() > std::size_t{64} * 3) return std::nullopt;
  for (std::size_t i = 0; i < digest.size(); ++i) {
    const bool ok = (i % 3 == 2) ? digest[i] == ':' : is_hex(digest[i]);
    if (!ok) return std::nullopt;
  }
  return Fingerprint{ascii_lower(algorithm), std::string(digest)};
}

std::optional<SetupRole> parse_setup(std::string_view value) {
  const auto role = trim_spaces(value);
  if (detail::iequals(role, "actpass")) return SetupRole::ActPass;
  if (detail::iequals(role, "active")) return SetupRole::Active;
  if (detail::iequals(role, "passive")) return SetupRole::Passive;
  return std::nullopt;  // "holdconn" has no meaning for DTLS-SRTP (RFC 5763 §5)
}

std::optional<Direction> parse_direction(std::string_view attribute_name) {
  if (attribute_name == "sendrecv") return Direction::SendRecv;
  if (attribute_name == "sendonly") return Direction::SendOnly;
  if (attribute_name == "recvonly") return Direction::RecvOnly;
  if (attribute_name == "inactive") return Direction::Inactive;
  return std::nullopt;
}

std::optional<Rid> parse_rid(std::string_view value) {
  const auto [id, rest] = split_once(trim_spaces(value), ' ');
  const auto [direction, params] = split_once(trim_spaces(rest), ' ');
  if (!detail::is_rid_id(id) || (direction != "send" && direction != "recv")) return std::nullopt;
  return Rid{std::string(id), direction == "send", std::string(trim_spaces(params))};
}

std::optional<SimulcastSpec> parse_simulcast(std::string_view value) {
  // sc-value = ( sc-send [SP sc-recv] ) / ( sc-recv [SP sc-send] )  (RFC 8853 §5.1)
  const auto words = split(trim_spaces(value), ' ');
  if (words.size() != 2 && words.size() != 4) return std::nullopt;
  SimulcastSpec spec;
  bool seen_send = false;
  bool seen_recv = false;
  for (std::size_t i = 0; i < words.size(); i += 2) {
    const bool send = words[i] == "send";
    if ((!send && words[i] != "recv") || (send ? seen_send : seen_recv)) return std::nullopt;
    auto streams = parse_stream_list(words[i + 1]);
    if (!streams) return std::nullopt;
    (send ? spec.send : spec.recv) = std::move(*streams);
    (send ? seen_send : seen_recv) = true;
  }
  return spec;
}

std::string serialize_simulcast(const SimulcastSpec& spec) {
  std::string out;
  if (!spec.send.empty()) out += "send " + join_stream_list(spec.send);
  if (!spec.recv.empty()) {
    if (!out.empty()) out += ' ';
    out += "recv " + join_stream_list(spec.recv);
  }
  return out;
}

std::optional<SsrcAttribute> parse_ssrc_attribute(std::string_view value) {
  const auto [ssrc_text, rest] = split_once(trim_spaces(value), ' ');
  const auto ssrc = parse_u32(ssrc_text);
  const auto [name, attr_value] = split_once(trim_spaces(rest), ':');
  if (!ssrc || !detail::is_token(name)) return std::nullopt;
  SsrcAttribute attribute;
  attribute.ssrc = *ssrc;
  attribute.attribute = std::string(name);
  attribute.has_value = trim_spaces(rest).find(':') != std::string_view::npos;
  attribute.value = std::string(attr_value);
  return attribute;
}

std::optional<SsrcGroup> parse_ssrc_group(std::string_view value) {
  const auto words = split(trim_spaces(value), ' ');
  if (words.size() < 2 || !detail::is_token(words[0])) return std::nullopt;
  SsrcGroup group;
  group.semantics = std::string(words[0]);
  for (std::size_t i = 1; i < words.size(); ++i) {
    const auto ssrc = parse_u32(words[i]);
    if (!ssrc) return std::nullopt;
    group.ssrcs.push_back(*ssrc);
  }
  return group;
}

}  // namespace bailanys::sdp
