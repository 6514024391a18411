// serialize_sdp: writes the description with \r\n line ends, in the attribute order
// Chromium uses (JSEP, RFC 8829 §5.2.1), so browsers and diff tools see a familiar layout.
#include <string>

#include "sdp/attributes.hpp"
#include "sdp/sdp_text.hpp"
#include "sdp/session_description.hpp"

namespace bailanys::sdp {
namespace {

class Writer {
 public:
  void line(char type, std::string_view value) {
    out_ += type;
    out_ += '=';
    out_ += value;
    out_ += "\r\n";
  }
  void attribute(std::string_view name) { line('a', name); }
  void attribute(std::string_view name, std::string_view value) {
    std::string text(name);
    text += ':';
    text += value;
    line('a', text);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) {
    if (!out.empty()) out += ' ';
    out += word;
  }
  return out;
}

void write_transport(Writer& w, const std::optional<std::string>& ufrag,
                     const std::optional<std::string>& pwd,
                     const std::vector<std::string>& ice_options,
                     const std::optional<Fingerprint>& fingerprint,
                     const std::optional<SetupRole>& setup) {
  if (ufrag) w.attribute("ice-ufrag", *ufrag);
  if (pwd) w.attribute("ice-pwd", *pwd);
  if (!ice_options.empty()) w.attribute("ice-options", join(ice_options));
  if (fingerprint) w.attribute("fingerprint", fingerprint->algorithm + ' ' + fingerprint->value);
  if (setup) w.attribute("setup", to_string(*setup));
}

bool is_rtp(const MediaSection& m) { return detail::is_rtp_protocol(m.protocol); }

std::string media_line(const MediaSection& m) {
  std::string text = m.kind_name.empty() ? std::string(to_string(m.kind)) : m.kind_name;
  text += ' ' + std::to_string(m.port) + ' ' + m.protocol;
  if (is_rtp(m) && !m.codecs.empty()) {
    for (const auto& codec : m.codecs) text += ' ' + std::to_string(codec.payload_type);
  } else if (!m.formats.empty()) {
    for (const auto& format : m.formats) text += ' ' + format;
  } else {
    text += " 0";  // RFC 8866 §5.14 needs at least one format
  }
  return text;
}

void write_codecs(Writer& w, const MediaSection& m) {
  for (const auto& codec : m.codecs) {
    const std::string pt = std::to_string(codec.payload_type);
    if (!codec.name.empty()) {
      std::string map = pt + ' ' + codec.name + '/' + std::to_string(codec.clock_rate);
      if (codec.channels != 1) map += '/' + std::to_string(codec.channels);
      w.attribute("rtpmap", map);
    }
    for (const auto& fb : codec.feedback) w.attribute("rtcp-fb", pt + ' ' += fb);
    if (!codec.fmtp.empty()) w.attribute("fmtp", pt + ' ' += codec.fmtp);
  }
}

void write_ssrcs(Writer& w, const MediaSection& m) {
  for (const auto& group : m.ssrc_groups) {
    std::string text = group.semantics;
    for (const auto ssrc : group.ssrcs) (text += ' ') += std::to_string(ssrc);
    w.attribute("ssrc-group", text);
  }
  for (const auto& info : m.ssrcs) {
    const std::string ssrc = std::to_string(info.ssrc);
    if (!info.cname.empty()) w.attribute("ssrc", ssrc + " cname:" += info.cname);
    if (!info.msid.empty()) w.attribute("ssrc", ssrc + " msid:" += info.msid);
    for (const auto& other : info.other) w.attribute("ssrc", ssrc + ' ' += other);
  }
}

void write_media(Writer& w, const MediaSection& m) {
  w.line('m', media_line(m));
  if (!m.connection.empty()) w.line('c', m.connection);
  for (const auto& bandwidth : m.bandwidths) w.line('b', bandwidth);
  write_transport(w, m.ice_ufrag, m.ice_pwd, m.ice_options, m.fingerprint, m.setup);
  if (!m.mid.empty()) w.attribute("mid", m.mid);
  for (const auto& extmap : m.extmaps) {
    std::string text = std::to_string(extmap.id);
    if (!extmap.direction.empty()) text += '/' + extmap.direction;
    text += ' ' + extmap.uri;
    if (!extmap.attributes.empty()) text += ' ' + extmap.attributes;
    w.attribute("extmap", text);
  }
  // Data sections carry no direction (RFC 8841 §5); write one only if it says something.
  if (is_rtp(m) || m.direction != Direction::SendRecv) w.attribute(to_string(m.direction));
  if (!m.msid.empty()) w.attribute("msid", m.msid);
  if (m.rtcp_mux) w.attribute("rtcp-mux");
  if (m.rtcp_rsize) w.attribute("rtcp-rsize");
  write_codecs(w, m);
  write_ssrcs(w, m);
  for (const auto& rid : m.rids) {
    std::string text = rid.id + (rid.send ? " send" : " recv");
    if (!rid.params.empty()) text += ' ' + rid.params;
    w.attribute("rid", text);
  }
  if (m.simulcast) w.attribute("simulcast", serialize_simulcast(*m.simulcast));
  if (m.sctp_port) w.attribute("sctp-port", std::to_string(*m.sctp_port));
  if (m.max_message_size) w.attribute("max-message-size", std::to_string(*m.max_message_size));
  for (const auto& other : m.other_attributes) w.attribute(other);
  for (const auto& candidate : m.candidates) w.attribute(serialize_candidate(candidate));
  if (m.end_of_candidates) w.attribute("end-of-candidates");
}

}  // namespace

std::string serialize_sdp(const SessionDescription& s) {
  Writer w;
  w.line('v', "0");
  w.line('o', s.origin_username + ' ' + std::to_string(s.session_id) + ' ' +
                  std::to_string(s.session_version) + ' ' + s.origin_address);
  w.line('s', s.session_name);
  if (!s.connection.empty()) w.line('c', s.connection);
  w.line('t', s.timing);
  if (!s.bundle_mids.empty()) w.attribute("group", "BUNDLE " + join(s.bundle_mids));
  if (s.extmap_allow_mixed) w.attribute("extmap-allow-mixed");
  if (s.ice_lite) w.attribute("ice-lite");
  write_transport(w, s.ice_ufrag, s.ice_pwd, s.ice_options, s.fingerprint, s.setup);
  if (!s.msid_semantic.empty()) w.attribute("msid-semantic", ' ' + s.msid_semantic);
  for (const auto& other : s.other_attributes) w.attribute(other);
  for (const auto& m : s.media) write_media(w, m);
  return w.take();
}

}  // namespace bailanys::sdp
