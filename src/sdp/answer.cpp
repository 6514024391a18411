// create_answer: JSEP answer generation (RFC 8829 §5.3.1) for an ICE-lite DTLS-SRTP
// server that BUNDLEs every accepted m-section on one transport (RFC 8843 §7.3).
#include "sdp/answer.hpp"

#include <algorithm>

#include "sdp/codec_negotiation.hpp"
#include "sdp/sdp_text.hpp"
#include "sdp/static_payload_types.hpp"

namespace bailanys::sdp {
namespace {

constexpr const char* kRidExtension = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";

bool sends(Direction d) { return d == Direction::SendRecv || d == Direction::SendOnly; }
bool receives(Direction d) { return d == Direction::SendRecv || d == Direction::RecvOnly; }

Direction make_direction(bool send, bool receive) {
  if (send && receive) return Direction::SendRecv;
  if (send) return Direction::SendOnly;
  if (receive) return Direction::RecvOnly;
  return Direction::Inactive;
}

Direction mirror(Direction offered) { return make_direction(receives(offered), sends(offered)); }

bool has_attribute(const MediaSection& m, std::string_view name) {
  return std::find(m.other_attributes.begin(), m.other_attributes.end(), name) !=
         m.other_attributes.end();
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Why an offered section cannot be accepted on its own merits; empty when it can.
std::string section_problem(const MediaSection& m, const AnswerOptions& options) {
  // Port 0 means the offerer disabled it, unless it is bundle-only (RFC 8843 §6).
  if (m.port == 0 && !has_attribute(m, "bundle-only")) return "disabled by the offer (port 0)";
  if (m.kind == MediaKind::Application) {
    if (!options.accept_data_channel) return "data channels are not accepted";
    const bool sctp = m.protocol == "UDP/DTLS/SCTP" || m.protocol == "TCP/DTLS/SCTP";
    if (!sctp || !contains(m.formats, "webrtc-datachannel")) {
      return "unsupported data channel protocol " + m.protocol + " (RFC 8841 needs UDP/DTLS/SCTP)";
    }
    return {};
  }
  if (m.kind != MediaKind::Audio && m.kind != MediaKind::Video) {
    return "unsupported media type " + m.kind_name;
  }
  if (m.protocol != "UDP/TLS/RTP/SAVPF" && m.protocol != "TCP/TLS/RTP/SAVPF") {
    return "protocol " + m.protocol + " is not DTLS-SRTP (RFC 5764)";
  }
  if (select_codecs(m, options.codecs).empty()) return "no usable codec";
  return {};
}

// The m= port and c= address browsers expect next to full candidates (RFC 8839 §4.2.1.1).
void set_default_destination(MediaSection& m, const std::vector<Candidate>& candidates) {
  const auto udp = std::find_if(candidates.begin(), candidates.end(),
                                [](const Candidate& c) { return c.transport == "udp"; });
  const auto chosen = udp != candidates.end() ? udp : candidates.begin();
  if (chosen == candidates.end()) {
    m.port = 9;
    m.connection = "IN IP4 0.0.0.0";
    return;
  }
  m.port = chosen->port;
  const bool v6 = chosen->address.find(':') != std::string::npos;
  m.connection = std::string(v6 ? "IN IP6 " : "IN IP4 ") + chosen->address;
}

MediaSection rejected_section(const MediaSection& offered) {
  MediaSection m;
  m.kind = offered.kind;
  m.kind_name = offered.kind_name;
  m.port = 0;
  m.protocol = offered.protocol;
  m.formats = offered.formats;
  // An RTP section's formats come back as codecs when parsed; keep the two in step.
  for (const auto& codec : offered.codecs) m.codecs.push_back(static_codec(codec.payload_type));
  m.mid = offered.mid;
  m.direction = Direction::Inactive;
  return m;
}

// Simulcast offered by the browser (RFC 8853 §5.3): we receive the same rids.
void accept_simulcast(const MediaSection& offered, MediaSection& answer,
                      NegotiatedSection& negotiated) {
  if (!offered.simulcast || offered.simulcast->send.empty()) return;
  const bool rid_extension = std::any_of(answer.extmaps.begin(), answer.extmaps.end(),
                                         [](const Extmap& e) { return e.uri == kRidExtension; });
  if (!rid_extension) return;  // without the RID header extension the layers are unnamed
  SimulcastSpec spec;
  for (const auto& alternatives : offered.simulcast->send) {
    std::vector<std::string> kept;
    for (const auto& id : alternatives) {
      const std::string bare = id.starts_with('~') ? id.substr(1) : id;
      const auto rid = std::find_if(offered.rids.begin(), offered.rids.end(),
                                    [&](const Rid& r) { return r.id == bare && r.send; });
      if (rid == offered.rids.end()) continue;
      kept.push_back(id);
      answer.rids.push_back(Rid{bare, false, {}});
      negotiated.remote_rids.push_back(*rid);
    }
    if (!kept.empty()) spec.recv.push_back(std::move(kept));
  }
  if (!spec.recv.empty()) answer.simulcast = std::move(spec);
}

void add_send_stream(MediaSection& answer, const SendStream& stream) {
  const std::string stream_id = stream.stream_id.empty() ? "-" : stream.stream_id;
  answer.msid = stream.track_id.empty() ? stream_id : stream_id + ' ' + stream.track_id;
  answer.ssrcs.push_back(SsrcInfo{stream.ssrc, stream.cname, answer.msid, {}});
  const bool rtx = std::any_of(answer.codecs.begin(), answer.codecs.end(),
                               [](const Codec& c) { return rtx_apt(c).has_value(); });
  if (rtx && stream.rtx_ssrc) {
    answer.ssrc_groups.push_back(SsrcGroup{"FID", {stream.ssrc, *stream.rtx_ssrc}});
    answer.ssrcs.push_back(SsrcInfo{*stream.rtx_ssrc, stream.cname, answer.msid, {}});
  }
}

class AnswerBuilder {
 public:
  AnswerBuilder(const SessionDescription& offer, const AnswerOptions& options)
      : offer_(offer), options_(options) {}
  AnswerResult build();

 private:
  void answer_rtp(const MediaSection& offered, MediaSection& m);
  void answer_data(const MediaSection& offered, MediaSection& m);
  std::string check_transport(const std::vector<std::size_t>& accepted);
  void add_transport(MediaSection& m) const;

  const SessionDescription& offer_;
  const AnswerOptions& options_;
  Answer answer_;
  SetupRole our_setup_ = SetupRole::Passive;
};

AnswerResult AnswerBuilder::build() {
  AnswerResult result;
  if (offer_.media.empty()) {
    result.error = "the offer has no media sections";
    return result;
  }
  // Decide which sections to accept before writing anything.
  std::vector<std::string> problems(offer_.media.size());
  std::vector<std::size_t> accepted;
  for (std::size_t i = 0; i < offer_.media.size(); ++i) {
    const auto& m = offer_.media[i];
    if (m.mid.empty()) {
      result.error = "media section " + std::to_string(i) + " of the offer has no a=mid";
      return result;
    }
    problems[i] = section_problem(m, options_);
    if (problems[i].empty() && !offer_.bundle_mids.empty() &&
        !contains(offer_.bundle_mids, m.mid)) {
      problems[i] = "not in the offer's BUNDLE group";
    }
    if (problems[i].empty()) accepted.push_back(i);
  }
  if (accepted.empty()) {
    result.error = "no media section of the offer can be accepted:";
    for (std::size_t i = 0; i < offer_.media.size(); ++i) {
      result.error += (i ? "; mid " : " mid ") + offer_.media[i].mid + ": " + problems[i];
    }
    return result;
  }
  if (offer_.bundle_mids.empty() && accepted.size() > 1) {
    result.error =
        "the offer does not BUNDLE its media sections (no a=group:BUNDLE), "
        "but this server carries all media on one transport";
    return result;
  }
  for (const auto i : accepted) {
    const auto& m = offer_.media[i];
    if (m.kind != MediaKind::Application && !m.rtcp_mux) {
      result.error = "the offer does not use rtcp-mux in section mid " + m.mid +
                     "; this server needs RTP and RTCP on one port (RFC 5761)";
      return result;
    }
  }
  if (auto error = check_transport(accepted); !error.empty()) {
    result.error = std::move(error);
    return result;
  }

  auto& d = answer_.description;
  d.session_id = options_.session_id;
  d.session_version = options_.session_version;
  d.extmap_allow_mixed = offer_.extmap_allow_mixed;
  d.ice_lite = true;  // RFC 8445 §2.5: the server only answers checks
  d.msid_semantic = "WMS *";
  for (std::size_t i = 0; i < offer_.media.size(); ++i) {
    const auto& offered = offer_.media[i];
    if (!problems[i].empty()) {
      // RFC 8843 §7.3.3: port 0 and left out of the BUNDLE group.
      d.media.push_back(rejected_section(offered));
      answer_.rejected.push_back(RejectedSection{i, offered.mid, problems[i]});
      continue;
    }
    MediaSection m;
    m.kind = offered.kind;
    m.kind_name = offered.kind_name;
    m.protocol = offered.protocol;
    m.mid = offered.mid;
    add_transport(m);
    if (offered.kind == MediaKind::Application) {
      answer_data(offered, m);
    } else {
      answer_rtp(offered, m);
    }
    d.media.push_back(std::move(m));
  }
  // The BUNDLE tag is the first accepted mid of the offer's group (RFC 8843 §7.3.1).
  for (const auto& mid : offer_.bundle_mids) {
    const bool ok = std::any_of(answer_.sections.begin(), answer_.sections.end(),
                                [&](const NegotiatedSection& s) { return s.mid == mid; });
    if (ok) d.bundle_mids.push_back(mid);
  }
  result.answer = std::move(answer_);
  return result;
}

std::string AnswerBuilder::check_transport(const std::vector<std::size_t>& accepted) {
  std::size_t tag = accepted.front();
  for (const auto& mid : offer_.bundle_mids) {
    const auto it = std::find_if(accepted.begin(), accepted.end(),
                                 [&](std::size_t i) { return offer_.media[i].mid == mid; });
    if (it != accepted.end()) {
      tag = *it;
      break;
    }
  }
  answer_.remote = transport_params(offer_, offer_.media[tag]);
  const auto& remote = answer_.remote;
  if (remote.ice_ufrag.empty() || remote.ice_pwd.empty()) {
    return "the offer has no ICE credentials (a=ice-ufrag and a=ice-pwd, RFC 8839 §5.4)";
  }
  if (!remote.fingerprint) return "the offer has no DTLS fingerprint (a=fingerprint, RFC 8122)";
  for (const auto i : accepted) {
    const auto params = transport_params(offer_, offer_.media[i]);
    if (params.ice_ufrag != remote.ice_ufrag || params.ice_pwd != remote.ice_pwd ||
        params.fingerprint != remote.fingerprint) {
      return "BUNDLEd sections of the offer use different ICE credentials or fingerprints "
             "(mid " +
             offer_.media[i].mid + ")";
    }
  }
  // RFC 5763 §5: the answerer takes the role the offer leaves; actpass/active → passive.
  our_setup_ = remote.setup == SetupRole::Passive ? SetupRole::Active : SetupRole::Passive;
  return {};
}

void AnswerBuilder::add_transport(MediaSection& m) const {
  const auto& local = options_.transport;
  set_default_destination(m, local.candidates);
  m.ice_ufrag = local.ice_ufrag;
  m.ice_pwd = local.ice_pwd;
  m.fingerprint = local.fingerprint;
  m.setup = our_setup_;
  m.candidates = local.candidates;
  m.end_of_candidates = true;  // ICE-lite: every candidate is known up front
}

void AnswerBuilder::answer_rtp(const MediaSection& offered, MediaSection& m) {
  const Direction wanted =
      options_.direction ? options_.direction(offered) : mirror(offered.direction);
  // Never send where the offer does not receive, nor receive what it does not send.
  const bool we_send = sends(wanted) && receives(offered.direction);
  const bool we_receive = receives(wanted) && sends(offered.direction);
  m.direction = make_direction(we_send, we_receive);
  m.codecs = select_codecs(offered, options_.codecs);
  for (const auto& codec : m.codecs) m.formats.push_back(std::to_string(codec.payload_type));
  m.extmaps = select_extmaps(offered, options_.codecs);
  m.rtcp_mux = true;
  m.rtcp_rsize = offered.rtcp_rsize;  // RFC 5506 §5: only when offered

  NegotiatedSection negotiated;
  negotiated.mid = m.mid;
  negotiated.kind = m.kind;
  negotiated.direction = m.direction;
  negotiated.codecs = m.codecs;
  negotiated.extmaps = m.extmaps;
  if (we_receive) {
    negotiated.remote_ssrcs = offered.ssrcs;
    negotiated.remote_groups = offered.ssrc_groups;
    accept_simulcast(offered, m, negotiated);
  }
  if (we_send) {
    const auto stream = options_.send_streams.find(m.mid);
    if (stream != options_.send_streams.end()) add_send_stream(m, stream->second);
  }
  answer_.sections.push_back(std::move(negotiated));
}

void AnswerBuilder::answer_data(const MediaSection& offered, MediaSection& m) {
  m.formats = {"webrtc-datachannel"};
  m.sctp_port = options_.sctp_port;
  m.max_message_size = options_.max_message_size;
  NegotiatedSection negotiated;
  negotiated.mid = m.mid;
  negotiated.kind = MediaKind::Application;
  negotiated.direction = Direction::SendRecv;
  // RFC 8841 §5: 5000 when the offer leaves a=sctp-port out.
  negotiated.remote_sctp_port = offered.sctp_port.value_or(5000);
  negotiated.remote_max_message_size = offered.max_message_size;
  answer_.sections.push_back(std::move(negotiated));
}

}  // namespace

AnswerResult create_answer(const SessionDescription& offer, const AnswerOptions& options) {
  return AnswerBuilder(offer, options).build();
}

}  // namespace bailanys::sdp
