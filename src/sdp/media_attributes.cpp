// The attributes of one m-section: mid, direction, codecs (rtpmap/fmtp/rtcp-fb),
// extmap, rid/simulcast, msid/ssrc, candidates and SCTP (RFC 8829 §5.8).
#include <algorithm>
#include <limits>

#include "sdp/attributes.hpp"
#include "sdp/sdp_parser.hpp"
#include "sdp/sdp_text.hpp"

namespace bailanys::sdp::detail {

Error SdpParser::media_attribute(MediaSection& m, std::string_view name, std::string_view value,
                                 std::string_view raw) {
  bool handled = false;
  auto error = transport_attribute(m.ice_ufrag, m.ice_pwd, m.fingerprint, m.setup, name, value, raw,
                                   m.other_attributes, handled);
  if (handled) return error;
  if (const auto direction = parse_direction(name)) {
    if (seen_direction_) return "more than one direction attribute in a media section";
    seen_direction_ = true;
    m.direction = *direction;
  } else if (name == "mid") {
    if (seen_mid_) return "a=mid repeated";
    if (!is_token(value) || value.size() > 256) return "invalid a=mid";
    if (!mids_.insert(std::string(value)).second) return "a=mid value used by two media sections";
    seen_mid_ = true;
    m.mid = std::string(value);
  } else if (name == "rtcp-mux") {
    m.rtcp_mux = true;
  } else if (name == "rtcp-rsize") {
    m.rtcp_rsize = true;
  } else if (name == "ice-options") {
    for (const auto option : split(value, ' ')) m.ice_options.emplace_back(option);
  } else if (name == "extmap") {
    auto extmap = parse_extmap(value);
    if (!extmap) return "invalid a=extmap (expected <1-255>[/<direction>] <uri>)";
    for (const auto& existing : m.extmaps) {
      if (existing.id == extmap->id) return "a=extmap id used twice in a media section";
    }
    m.extmaps.push_back(std::move(*extmap));
  } else if ((name == "rtpmap" || name == "fmtp" || name == "rtcp-fb") &&
             is_rtp_protocol(m.protocol)) {
    return codec_attribute(m, name, value);
  } else if (name == "rid") {
    auto rid = parse_rid(value);
    if (!rid) return "invalid a=rid (expected <id> send|recv [params])";
    for (const auto& existing : m.rids) {
      if (existing.id == rid->id) return "a=rid id used twice in a media section";
    }
    m.rids.push_back(std::move(*rid));
  } else if (name == "simulcast") {
    if (m.simulcast) return "a=simulcast repeated";
    m.simulcast = parse_simulcast(value);
    if (!m.simulcast) return "invalid a=simulcast (RFC 8853 §5.1 syntax)";
  } else if (name == "msid" && m.msid.empty()) {
    m.msid = join_words(value);
    if (m.msid.empty()) return "empty a=msid";
  } else if (name == "ssrc") {
    return ssrc_attribute(m, value);
  } else if (name == "ssrc-group") {
    auto group = parse_ssrc_group(value);
    if (!group) return "invalid a=ssrc-group (expected <semantics> <ssrc>...)";
    m.ssrc_groups.push_back(std::move(*group));
  } else if (name == "candidate") {
    auto candidate = parse_candidate(value);
    if (!candidate) return "invalid a=candidate (RFC 8839 §5.1 syntax)";
    m.candidates.push_back(std::move(*candidate));
  } else if (name == "end-of-candidates") {
    m.end_of_candidates = true;
  } else if (name == "sctp-port") {
    const auto port = parse_decimal(trim_spaces(value), 65535);
    if (!port || m.sctp_port) return "invalid or repeated a=sctp-port";
    m.sctp_port = static_cast<std::uint16_t>(*port);
  } else if (name == "max-message-size") {
    const auto size = parse_decimal(trim_spaces(value), std::numeric_limits<std::uint32_t>::max());
    if (!size || m.max_message_size) return "invalid or repeated a=max-message-size";
    m.max_message_size = static_cast<std::uint32_t>(*size);
  } else {
    m.other_attributes.emplace_back(raw);
  }
  return std::nullopt;
}

Error SdpParser::codec_attribute(MediaSection& m, std::string_view name, std::string_view value) {
  const auto find = [&m](std::uint8_t pt) -> Codec* {
    for (auto& codec : m.codecs) {
      if (codec.payload_type == pt) return &codec;
    }
    return nullptr;  // not on the m= line: meaningless, ignored (RFC 8866 §6.6)
  };
  if (name == "rtpmap") {
    const auto map = parse_rtpmap(value);
    if (!map) return "invalid a=rtpmap (expected <pt> <name>/<clock rate>[/<channels>])";
    if (!rtpmap_seen_.insert(map->payload_type).second)
      return "a=rtpmap repeated for a payload type";
    if (Codec* codec = find(map->payload_type)) {
      codec->name = map->name;
      codec->clock_rate = map->clock_rate;
      codec->channels = map->channels;
    }
  } else if (name == "fmtp") {
    auto fmtp = parse_fmtp(value);
    if (!fmtp) return "invalid a=fmtp (expected <pt> <parameters>)";
    if (!fmtp_seen_.insert(fmtp->payload_type).second) return "a=fmtp repeated for a payload type";
    if (Codec* codec = find(fmtp->payload_type)) codec->fmtp = std::move(fmtp->parameters);
  } else {
    auto fb = parse_rtcp_fb(value);
    if (!fb) return "invalid a=rtcp-fb (expected <pt>|* <feedback>)";
    if (!fb->payload_type) {
      // "*" applies to every payload type of the section (RFC 4585 §4.2).
      for (auto& codec : m.codecs) codec.feedback.push_back(fb->value);
    } else if (Codec* codec = find(*fb->payload_type)) {
      codec->feedback.push_back(std::move(fb->value));
    }
  }
  return std::nullopt;
}

Error SdpParser::ssrc_attribute(MediaSection& m, std::string_view value) {
  const auto parsed = parse_ssrc_attribute(value);
  if (!parsed) return "invalid a=ssrc (expected <ssrc> <attribute>[:<value>])";
  auto it = std::find_if(m.ssrcs.begin(), m.ssrcs.end(),
                         [&](const SsrcInfo& info) { return info.ssrc == parsed->ssrc; });
  if (it == m.ssrcs.end()) {
    m.ssrcs.push_back(SsrcInfo{parsed->ssrc, {}, {}, {}});
    it = std::prev(m.ssrcs.end());
  }
  if (parsed->attribute == "cname" && it->cname.empty() && !parsed->value.empty()) {
    it->cname = parsed->value;
  } else if (parsed->attribute == "msid" && it->msid.empty() &&
             !join_words(parsed->value).empty()) {
    it->msid = join_words(parsed->value);
  } else {
    it->other.push_back(parsed->has_value ? parsed->attribute + ':' + parsed->value
                                          : parsed->attribute);
  }
  return std::nullopt;
}

}  // namespace bailanys::sdp::detail
