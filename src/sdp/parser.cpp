// parse_sdp: a line-by-line reader for RFC 8866 text with the WebRTC attributes
// (JSEP RFC 8829 §5.8). It is strict about the syntax of what it interprets and keeps
// unknown attributes verbatim. Every rejection names the line and the reason.
#include <algorithm>
#include <limits>
#include <set>
#include <string>

#include "common/text.hpp"
#include "sdp/attributes.hpp"
#include "sdp/sdp_parser.hpp"
#include "sdp/sdp_text.hpp"
#include "sdp/session_description.hpp"
#include "sdp/static_payload_types.hpp"

namespace bailanys::sdp::detail {
namespace {

bool has_control_chars(std::string_view line) {
  return std::any_of(line.begin(), line.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7F;
  });
}

MediaKind kind_from_name(std::string_view name) {
  if (name == "audio") return MediaKind::Audio;
  if (name == "video") return MediaKind::Video;
  if (name == "application") return MediaKind::Application;
  return MediaKind::Other;
}

// ICE credentials: ufrag 4-256 and pwd 22-256 ice-chars (RFC 8839 §5.4).
Error check_ice_credential(std::string_view value, std::size_t min_length, const char* name) {
  if (value.size() < min_length || value.size() > 256 || !is_ice_chars(value)) {
    return std::string("invalid a=") + name + " (needs " + std::to_string(min_length) +
           "-256 characters of ALPHA / DIGIT / '+' / '/')";
  }
  return std::nullopt;
}

}  // namespace

ParseResult SdpParser::run(std::string_view text) {
  ParseResult result;
  if (text.size() > kMaxSdpBytes) {
    result.error = "SDP is larger than " + std::to_string(kMaxSdpBytes) + " bytes";
    return result;
  }
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    result.error_line = line_number;
    if (raw.ends_with('\r')) raw.remove_suffix(1);
    if (raw.size() > kMaxLineBytes) {
      result.error = "line longer than " + std::to_string(kMaxLineBytes) + " bytes";
      return result;
    }
    if (has_control_chars(raw)) {
      result.error = "control character in line";
      return result;
    }
    raw = trim_spaces(raw);
    if (raw.empty()) continue;  // tolerated, e.g. a blank line at the end
    if (raw.size() < 2 || raw[1] != '=') {
      result.error = "line is not <type>=<value>";
      return result;
    }
    if (auto error = line(raw[0], raw.substr(2))) {
      result.error = std::move(*error);
      return result;
    }
  }
  if (line_number == 0) result.error_line = 1;
  if (content_lines_ < 3) {
    result.error = "description ends before the v=, o= and s= lines";
  } else if (!seen_timing_) {
    result.error = "missing t= line";
  } else {
    result.description = std::move(session_);
    result.error_line = 0;
  }
  return result;
}

Error SdpParser::line(char type, std::string_view value) {
  // RFC 8866 §5: v=, o= and s= come first, in this order.
  const std::size_t index = content_lines_++;
  static constexpr char kFirst[] = {'v', 'o', 's'};
  if (index < 3 && type != kFirst[index]) {
    return std::string("expected ") + kFirst[index] + "= as line " + std::to_string(index + 1);
  }
  const bool in_media = !session_.media.empty();
  switch (type) {
    case 'v':
      if (index != 0) return "v= line repeated";
      if (value != "0") return "unsupported SDP version (v= must be 0)";
      return std::nullopt;
    case 'o':
      if (index != 1) return "o= line repeated";
      return origin(value);
    case 's':
      if (index != 2) return "s= line repeated";
      session_.session_name = std::string(value);
      return std::nullopt;
    case 't':
      if (in_media) return "t= line inside a media section";
      if (!seen_timing_) session_.timing = join_words(value);
      seen_timing_ = true;
      return std::nullopt;
    case 'm':
      if (!seen_timing_) return "m= line before the t= line";
      return media_line(value);
    case 'a':
      return attribute(value);
    case 'c': {
      const auto words = split(value, ' ');
      if (words.size() != 3 || words[0] != "IN")
        return "invalid c= line (expected IN <type> <address>)";
      (in_media ? session_.media.back().connection : session_.connection) = join_words(value);
      return std::nullopt;
    }
    case 'b':
      if (in_media) session_.media.back().bandwidths.emplace_back(value);
      return std::nullopt;  // session-level bandwidth is not used by WebRTC
    case 'i':
    case 'k':
      return std::nullopt;  // informational / obsolete key lines (RFC 8866 §5.12)
    case 'u':
    case 'e':
    case 'p':
    case 'r':
    case 'z':
      if (in_media) return std::string(1, type) + "= line inside a media section";
      return std::nullopt;
    default:
      // RFC 8866 §5: an unknown type letter makes the whole description unusable.
      return std::string("unknown line type '") + type + "'";
  }
}

Error SdpParser::origin(std::string_view value) {
  // o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>
  const auto words = split(value, ' ');
  if (words.size() != 6) return "invalid o= line (expected 6 fields)";
  const auto id = parse_decimal(words[1], std::numeric_limits<std::uint64_t>::max());
  const auto version = parse_decimal(words[2], std::numeric_limits<std::uint64_t>::max());
  if (!id || !version) return "invalid o= line (session id and version must be numbers)";
  session_.origin_username = std::string(words[0]);
  session_.session_id = *id;
  session_.session_version = *version;
  session_.origin_address =
      std::string(words[3]) + ' ' + std::string(words[4]) + ' ' + std::string(words[5]);
  return std::nullopt;
}

Error SdpParser::media_line(std::string_view value) {
  if (session_.media.size() >= kMaxMediaSections) {
    return "more than " + std::to_string(kMaxMediaSections) + " media sections";
  }
  // m=<media> <port>[/<number of ports>] <proto> <fmt> ...
  const auto words = split(value, ' ');
  if (words.size() < 4) return "invalid m= line (expected <media> <port> <proto> <fmt>...)";
  MediaSection m;
  m.connection.clear();  // only what the text says
  m.kind_name = std::string(words[0]);
  m.kind = kind_from_name(words[0]);
  if (!is_token(words[0])) return "invalid m= line (media type)";
  if (words[1].find('/') != std::string_view::npos) return "m= port ranges are not supported";
  const auto port = parse_decimal(words[1], 65535);
  if (!port) return "invalid m= line (port)";
  m.port = static_cast<std::uint16_t>(*port);
  const auto proto_parts = split(words[2], '/');
  if (proto_parts.empty() ||
      std::count(words[2].begin(), words[2].end(), '/') + 1 !=
          static_cast<std::ptrdiff_t>(proto_parts.size()) ||
      !std::all_of(proto_parts.begin(), proto_parts.end(), is_token)) {
    return "invalid m= line (protocol)";
  }
  m.protocol = std::string(words[2]);
  const bool rtp = is_rtp_protocol(m.protocol);
  std::set<std::uint8_t> seen;
  for (std::size_t i = 3; i < words.size(); ++i) {
    if (!rtp) {
      if (!is_token(words[i])) return "invalid m= line (format)";
      m.formats.emplace_back(words[i]);
      continue;
    }
    const auto pt = parse_decimal(words[i], 127);
    if (!pt) return "invalid m= line (RTP payload types are 0-127)";
    const auto payload_type = static_cast<std::uint8_t>(*pt);
    if (!seen.insert(payload_type).second) return "payload type repeated in m= line";
    m.formats.push_back(std::to_string(payload_type));
    m.codecs.push_back(static_codec(payload_type));
  }
  session_.media.push_back(std::move(m));
  seen_direction_ = false;
  seen_mid_ = false;
  rtpmap_seen_.clear();
  fmtp_seen_.clear();
  return std::nullopt;
}

Error SdpParser::attribute(std::string_view raw) {
  // a=<name>[:<value>] (RFC 8866 §5.13)
  const auto [name, value] = split_once(raw, ':');
  if (!is_token(name)) return "invalid attribute name";
  if (session_.media.empty()) return session_attribute(name, value, raw);
  return media_attribute(session_.media.back(), name, value, raw);
}

Error SdpParser::transport_attribute(std::optional<std::string>& ufrag,
                                     std::optional<std::string>& pwd,
                                     std::optional<Fingerprint>& fingerprint,
                                     std::optional<SetupRole>& setup, std::string_view name,
                                     std::string_view value, std::string_view raw,
                                     std::vector<std::string>& other, bool& handled) {
  handled = true;
  if (name == "ice-ufrag" || name == "ice-pwd") {
    const bool is_ufrag = name == "ice-ufrag";
    auto& field = is_ufrag ? ufrag : pwd;
    if (field) return "a=" + std::string(name) + " repeated";
    if (auto error =
            check_ice_credential(value, is_ufrag ? 4 : 22, is_ufrag ? "ice-ufrag" : "ice-pwd")) {
      return error;
    }
    field = std::string(value);
  } else if (name == "fingerprint") {
    const auto parsed = parse_fingerprint(value);
    if (!parsed) return "invalid a=fingerprint (expected <hash> XX:XX:...)";
    if (fingerprint) {
      other.emplace_back(raw);  // RFC 8122 allows several; the first is the one we use
    } else {
      fingerprint = parsed;
    }
  } else if (name == "setup") {
    if (setup) return "a=setup repeated";
    setup = parse_setup(value);
    if (!setup) return "invalid a=setup (expected actpass, active or passive)";
  } else {
    handled = false;
  }
  return std::nullopt;
}

Error SdpParser::session_attribute(std::string_view name, std::string_view value,
                                   std::string_view raw) {
  auto& s = session_;
  bool handled = false;
  auto error = transport_attribute(s.ice_ufrag, s.ice_pwd, s.fingerprint, s.setup, name, value, raw,
                                   s.other_attributes, handled);
  if (handled) return error;
  const auto [semantics, group_mids] = split_once(value, ' ');
  if (name == "group" && semantics == "BUNDLE" && split(group_mids, ' ').empty()) {
    return std::nullopt;  // an empty BUNDLE group means nothing; dropped
  }
  if (name == "group" && !seen_group_ && semantics == "BUNDLE") {
    // a=group:BUNDLE <mid>... (RFC 8843 §7.1); further groups are kept verbatim.
    seen_group_ = true;
    for (const auto mid : split(group_mids, ' ')) {
      if (!is_token(mid)) return "invalid mid in a=group:BUNDLE";
      s.bundle_mids.emplace_back(mid);
    }
  } else if (name == "extmap-allow-mixed") {
    s.extmap_allow_mixed = true;
  } else if (name == "ice-lite") {
    s.ice_lite = true;
  } else if (name == "ice-options") {
    for (const auto option : split(value, ' ')) s.ice_options.emplace_back(option);
  } else if (name == "msid-semantic" && join_words(value).empty()) {
    return std::nullopt;  // says nothing; dropped
  } else if (name == "msid-semantic" && !seen_msid_semantic_) {
    seen_msid_semantic_ = true;
    s.msid_semantic = join_words(value);
  } else {
    s.other_attributes.emplace_back(raw);
  }
  return std::nullopt;
}

}  // namespace bailanys::sdp::detail

namespace bailanys::sdp {

ParseResult parse_sdp(std::string_view text) { return detail::SdpParser{}.run(text); }

}  // namespace bailanys::sdp
