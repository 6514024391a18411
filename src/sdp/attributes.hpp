// Parsers for the values of single SDP attributes (the text after "a=<name>:").
// Each returns nullopt on malformed input; the SDP parser turns that into an error
// naming the attribute and the line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sdp/session_description.hpp"

namespace bailanys::sdp {

// a=rtpmap:<pt> <name>/<clock rate>[/<channels>] (RFC 8866 §6.6).
struct RtpMap {
  std::uint8_t payload_type = 0;
  std::string name;
  std::uint32_t clock_rate = 0;
  std::uint8_t channels = 1;
};
std::optional<RtpMap> parse_rtpmap(std::string_view value);

// a=fmtp:<pt> <parameters> (RFC 8866 §6.15).
struct Fmtp {
  std::uint8_t payload_type = 0;
  std::string parameters;
};
std::optional<Fmtp> parse_fmtp(std::string_view value);

// a=rtcp-fb:<pt|*> <type> [<subtype>] (RFC 4585 §4.2); payload_type nullopt means "*".
struct RtcpFeedback {
  std::optional<std::uint8_t> payload_type;
  std::string value;
};
std::optional<RtcpFeedback> parse_rtcp_fb(std::string_view value);

std::optional<Extmap> parse_extmap(std::string_view value);
std::optional<Fingerprint> parse_fingerprint(std::string_view value);
std::optional<SetupRole> parse_setup(std::string_view value);
std::optional<Direction> parse_direction(std::string_view attribute_name);
std::optional<Rid> parse_rid(std::string_view value);
std::optional<SimulcastSpec> parse_simulcast(std::string_view value);
std::string serialize_simulcast(const SimulcastSpec&);

// a=ssrc:<ssrc> <attribute>[:<value>] (RFC 5576 §4.1).
struct SsrcAttribute {
  std::uint32_t ssrc = 0;
  std::string attribute;
  std::string value;
  bool has_value = false;
};
std::optional<SsrcAttribute> parse_ssrc_attribute(std::string_view value);
// a=ssrc-group:<semantics> <ssrc>... (RFC 5576 §4.2).
std::optional<SsrcGroup> parse_ssrc_group(std::string_view value);

}  // namespace bailanys::sdp
