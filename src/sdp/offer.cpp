// create_subscriber_offer / apply_subscriber_answer: the server as JSEP offerer
// (RFC 8829 §5.2) on a subscriber transport, ICE-lite, DTLS-SRTP, one BUNDLE group
// (RFC 8843) tagged by the always-present "probe" m-section.
#include "sdp/offer.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "sdp/sdp_text.hpp"

namespace bailanys::sdp {
namespace {

constexpr const char* kProtocol = "UDP/TLS/RTP/SAVPF";
constexpr std::size_t kMaxMidBytes = 16;  // RFC 8843 §15.2 + RFC 8285 one-byte header

bool sends(Direction d) { return d == Direction::SendRecv || d == Direction::SendOnly; }
bool receives(Direction d) { return d == Direction::SendRecv || d == Direction::RecvOnly; }

std::string quoted(const std::string& text) { return "'" + text + "'"; }

bool scope_includes(ExtmapScope scope, MediaKind kind) {
  switch (scope) {
    case ExtmapScope::AudioAndVideo:
      return true;
    case ExtmapScope::AudioOnly:
      return kind == MediaKind::Audio;
    case ExtmapScope::VideoOnly:
      return kind == MediaKind::Video;
  }
  return false;
}

Codec make_codec(std::uint8_t pt, std::string name, std::uint32_t clock_rate, std::uint8_t channels,
                 std::string fmtp, std::vector<std::string> feedback) {
  return Codec{pt, std::move(name), clock_rate, channels, std::move(fmtp), std::move(feedback)};
}

// The m= port and c= address browsers expect next to full candidates (RFC 8839 §4.2.1.1).
void set_default_destination(MediaSection& m, const std::vector<Candidate>& candidates) {
  const auto udp = std::find_if(candidates.begin(), candidates.end(),
                                [](const Candidate& c) { return c.transport == "udp"; });
  const auto chosen = udp != candidates.end() ? udp : candidates.begin();
  if (chosen == candidates.end()) {
    m.port = 9;  // RFC 8840 §4.1.1: the discard port when there is no candidate
    m.connection = "IN IP4 0.0.0.0";
    return;
  }
  m.port = chosen->port;
  const bool v6 = chosen->address.find(':') != std::string::npos;
  m.connection = std::string(v6 ? "IN IP6 " : "IN IP4 ") + chosen->address;
}

// An inactive m-section of `kind` with every transport attribute (JSEP §5.2.1: each
// m-section that is not bundle-only carries them; Chromium writes them everywhere too).
MediaSection base_section(MediaKind kind, const std::string& mid, const OfferOptions& options) {
  MediaSection m;
  m.kind = kind;
  m.kind_name = std::string(to_string(kind));
  m.protocol = kProtocol;
  m.codecs = kind == MediaKind::Audio ? options.audio_codecs : options.video_codecs;
  for (const auto& codec : m.codecs) m.formats.push_back(std::to_string(codec.payload_type));
  const auto& local = options.transport;
  set_default_destination(m, local.candidates);
  m.ice_ufrag = local.ice_ufrag;
  m.ice_pwd = local.ice_pwd;
  m.fingerprint = local.fingerprint;
  m.setup = SetupRole::ActPass;  // RFC 8842 §5.2: the offerer leaves the DTLS role open
  m.mid = mid;
  for (const auto& offered : options.extmaps) {
    if (scope_includes(offered.scope, kind)) m.extmaps.push_back(offered.extmap);
  }
  m.direction = Direction::Inactive;
  m.rtcp_mux = true;
  m.rtcp_rsize = true;  // RFC 5506
  m.candidates = local.candidates;
  m.end_of_candidates = true;  // ICE-lite: every candidate is known up front
  return m;
}

void add_stream(MediaSection& m, const OfferedTrack& track) {
  m.direction = Direction::SendOnly;
  const std::string stream_id = track.stream_id.empty() ? "-" : track.stream_id;
  m.msid = track.track_id.empty() ? stream_id : stream_id + ' ' + track.track_id;
  m.ssrcs.push_back(SsrcInfo{track.ssrc, track.cname, m.msid, {}});
  const bool rtx = std::any_of(m.codecs.begin(), m.codecs.end(),
                               [](const Codec& c) { return rtx_apt(c).has_value(); });
  if (rtx && track.rtx_ssrc) {
    // RFC 4588 §8.7 / RFC 5576 §4.2: the RTX stream is tied to its primary by FID.
    m.ssrc_groups.push_back(SsrcGroup{"FID", {track.ssrc, *track.rtx_ssrc}});
    m.ssrcs.push_back(SsrcInfo{*track.rtx_ssrc, track.cname, m.msid, {}});
  }
}

std::string codecs_problem(const std::vector<Codec>& codecs, const char* kind) {
  std::set<std::uint8_t> pts;
  for (const auto& c : codecs) {
    if (c.payload_type > 127 || !pts.insert(c.payload_type).second || c.name.empty()) {
      return std::string("the ") + kind + " codec with payload type " +
             std::to_string(c.payload_type) + " is repeated, above 127 or has no name";
    }
  }
  for (const auto& c : codecs) {
    const auto apt = rtx_apt(c);
    if (detail::iequals(c.name, "rtx") && (!apt || !pts.contains(*apt))) {
      return std::string("the ") + kind + " rtx codec " + std::to_string(c.payload_type) +
             " has no apt naming an offered codec (RFC 4588 §8.6)";
    }
  }
  return {};
}

// --- the answer ---

std::string codec_text(const Codec& c) {
  std::string text = c.name + '/' + std::to_string(c.clock_rate);
  if (c.channels != 1) text += '/' + std::to_string(c.channels);
  return text;
}

class AnswerChecker {
 public:
  AnswerChecker(const SessionDescription& offer, const SessionDescription& answer)
      : offer_(offer), answer_(answer) {}
  SubscriberAnswerResult run();

 private:
  std::string check_section(std::size_t index);
  std::string check_codecs(const MediaSection& o, const MediaSection& a, NegotiatedSection& out);
  std::string check_bundle() const;
  std::string check_transport();

  const SessionDescription& offer_;
  const SessionDescription& answer_;
  SubscriberAnswer result_;
  std::size_t tag_ = 0;  // index of the offer's BUNDLE tag section
};

SubscriberAnswerResult AnswerChecker::run() {
  SubscriberAnswerResult out;
  if (offer_.media.empty()) {
    out.error = "the offer has no media sections";
    return out;
  }
  if (answer_.media.size() != offer_.media.size()) {
    out.error = "the answer has " + std::to_string(answer_.media.size()) +
                " media sections but the offer has " + std::to_string(offer_.media.size()) +
                "; an answer has exactly one per offered section (RFC 3264 §6)";
    return out;
  }
  if (!offer_.bundle_mids.empty()) {
    for (std::size_t i = 0; i < offer_.media.size(); ++i) {
      if (offer_.media[i].mid == offer_.bundle_mids.front()) tag_ = i;
    }
  }
  if (answer_.ice_lite) {
    out.error =
        "the answer is ICE-lite like this server; one side must run full ICE "
        "(RFC 8445 §2.5)";
    return out;
  }
  for (std::size_t i = 0; i < offer_.media.size(); ++i) {
    if (auto error = check_section(i); !error.empty()) {
      out.error = std::move(error);
      return out;
    }
  }
  if (auto error = check_bundle(); !error.empty()) {
    out.error = std::move(error);
    return out;
  }
  if (auto error = check_transport(); !error.empty()) {
    out.error = std::move(error);
    return out;
  }
  out.answer = std::move(result_);
  return out;
}

std::string AnswerChecker::check_section(std::size_t index) {
  const auto& o = offer_.media[index];
  const auto& a = answer_.media[index];
  const std::string where = "media section " + std::to_string(index) + " of the answer";
  // RFC 3264 §6 / RFC 8843 §7.3: the answer echoes our mids in m-line order.
  if (a.mid != o.mid) {
    return where + " has mid " + quoted(a.mid) + " where the offer has " + quoted(o.mid) +
           " (same mids in the same order)";
  }
  const std::string section = "section mid " + quoted(o.mid) + " of the answer";
  if (a.kind != o.kind || a.kind_name != o.kind_name) {
    return section + " is " + a.kind_name + " but the offer's is " + o.kind_name;
  }
  NegotiatedSection negotiated;
  negotiated.mid = o.mid;
  negotiated.kind = o.kind;
  negotiated.direction = Direction::Inactive;
  if (a.port == 0) {
    // RFC 8843 §7.3.3: a rejected section leaves the BUNDLE group; the tag cannot.
    if (index == tag_) {
      return section +
             " is rejected (port 0), but it is the BUNDLE tag that carries the "
             "transport";
    }
    result_.rejected.push_back(RejectedSection{index, o.mid, "rejected by the browser (port 0)"});
    result_.sections.push_back(std::move(negotiated));
    return {};
  }
  if (a.protocol != o.protocol) {
    return section + " uses protocol " + a.protocol + " but the offer " + o.protocol;
  }
  if (sends(a.direction)) {
    return section + " is " + std::string(to_string(a.direction)) +
           ", but a subscriber transport only receives (recvonly or inactive)";
  }
  if (receives(a.direction) && !sends(o.direction)) {
    return section + " is recvonly where the offer is " + std::string(to_string(o.direction)) +
           " (RFC 3264 §6.1)";
  }
  if (!a.rtcp_mux) return section + " has no a=rtcp-mux (RFC 5761); the offer requires it";
  if (auto error = check_codecs(o, a, negotiated); !error.empty()) return section + error;
  for (const auto& e : a.extmaps) {
    const bool offered = std::any_of(o.extmaps.begin(), o.extmaps.end(), [&](const Extmap& x) {
      return x.id == e.id && x.uri == e.uri;
    });
    if (!offered) {
      return section + " has a=extmap:" + std::to_string(e.id) + ' ' + e.uri +
             ", which the offer does not have under that id (RFC 8285 §7)";
    }
    negotiated.extmaps.push_back(e);
  }
  negotiated.direction = receives(a.direction) ? Direction::SendOnly : Direction::Inactive;
  negotiated.remote_ssrcs = a.ssrcs;
  negotiated.remote_groups = a.ssrc_groups;
  result_.sections.push_back(std::move(negotiated));
  return {};
}

// Returns the end of a sentence that starts with the section's name.
std::string AnswerChecker::check_codecs(const MediaSection& o, const MediaSection& a,
                                        NegotiatedSection& out) {
  for (const auto& answered : a.codecs) {
    const std::string pt = std::to_string(answered.payload_type);
    const auto offered = std::find_if(o.codecs.begin(), o.codecs.end(), [&](const Codec& c) {
      return c.payload_type == answered.payload_type;
    });
    if (offered == o.codecs.end()) {
      return " uses payload type " + pt + ", which the offer does not have (RFC 3264 §6.1)";
    }
    const bool same = detail::iequals(answered.name, offered->name) &&
                      answered.clock_rate == offered->clock_rate &&
                      answered.channels == offered->channels;
    if (!same) {
      return " maps payload type " + pt + " to " + codec_text(answered) + " but the offer to " +
             codec_text(*offered);
    }
    if (rtx_apt(*offered) && rtx_apt(answered) != rtx_apt(*offered)) {
      return " changes the apt of rtx payload type " + pt + " (RFC 4588 §8.6)";
    }
    if (const auto apt = rtx_apt(answered)) {
      const bool primary = std::any_of(a.codecs.begin(), a.codecs.end(),
                                       [&](const Codec& c) { return c.payload_type == *apt; });
      if (!primary)
        return " has rtx payload type " + pt + " without its primary " + std::to_string(*apt);
    }
    Codec codec = answered;
    std::erase_if(codec.feedback, [&](const std::string& fb) {
      return std::find(offered->feedback.begin(), offered->feedback.end(), fb) ==
             offered->feedback.end();
    });
    out.codecs.push_back(std::move(codec));
  }
  const bool media_codec = std::any_of(a.codecs.begin(), a.codecs.end(),
                                       [](const Codec& c) { return !rtx_apt(c).has_value(); });
  if (!media_codec) return " has no codec besides RTX";
  return {};
}

std::string AnswerChecker::check_bundle() const {
  std::vector<std::string> accepted;
  for (std::size_t i = 0; i < answer_.media.size(); ++i) {
    if (answer_.media[i].port != 0) accepted.push_back(answer_.media[i].mid);
  }
  const auto& group = answer_.bundle_mids;
  if (group.empty()) {
    if (offer_.media.size() == 1) return {};  // one section: one transport anyway
    return "the answer has no a=group:BUNDLE, but this server carries all media on one "
           "transport (RFC 8843)";
  }
  const std::string& tag = offer_.media[tag_].mid;
  if (group.front() != tag) {
    return "the answer's BUNDLE group starts with mid " + quoted(group.front()) +
           " instead of the offer's tag " + quoted(tag) + " (RFC 8843 §7.3.1)";
  }
  for (const auto& mid : group) {
    const bool offered = offer_.bundle_mids.empty() ||
                         std::find(offer_.bundle_mids.begin(), offer_.bundle_mids.end(), mid) !=
                             offer_.bundle_mids.end();
    if (!offered || std::find(accepted.begin(), accepted.end(), mid) == accepted.end()) {
      return "the answer's BUNDLE group names mid " + quoted(mid) +
             ", which is not an accepted section of the offer's group";
    }
  }
  for (const auto& mid : accepted) {
    if (std::find(group.begin(), group.end(), mid) == group.end()) {
      return "section mid " + quoted(mid) +
             " of the answer is accepted but left out of its "
             "BUNDLE group";
    }
  }
  return {};
}

std::string AnswerChecker::check_transport() {
  result_.remote = transport_params(answer_, answer_.media[tag_]);
  const auto& remote = result_.remote;
  if (remote.ice_ufrag.empty()) return "the answer has no a=ice-ufrag (RFC 8839 §5.4)";
  if (remote.ice_pwd.empty()) return "the answer has no a=ice-pwd (RFC 8839 §5.4)";
  if (!remote.fingerprint) return "the answer has no DTLS fingerprint (a=fingerprint, RFC 8122)";
  if (!remote.setup) {
    return "the answer has no a=setup; it must say active or passive (RFC 8842 §5.3)";
  }
  if (*remote.setup == SetupRole::ActPass) {
    return "the answer says a=setup:actpass; an answer must choose active or passive "
           "(RFC 5763 §5)";
  }
  for (const auto& m : answer_.media) {
    if (m.port == 0) continue;
    // RFC 8843 §7.3.1: other bundled sections may leave the transport attributes out.
    const auto params = transport_params(answer_, m);
    const bool differs = (!params.ice_ufrag.empty() && params.ice_ufrag != remote.ice_ufrag) ||
                         (!params.ice_pwd.empty() && params.ice_pwd != remote.ice_pwd) ||
                         (params.fingerprint && params.fingerprint != remote.fingerprint) ||
                         (params.setup && params.setup != remote.setup);
    if (differs) {
      return "bundled sections of the answer use different ICE credentials, fingerprints or "
             "DTLS roles (mid " +
             quoted(m.mid) + ")";
    }
  }
  return {};
}

}  // namespace

std::vector<Codec> default_subscriber_audio_codecs() {
  return {make_codec(111, "opus", 48000, 2, "minptime=10;useinbandfec=1", {"transport-cc"})};
}

std::vector<Codec> default_subscriber_video_codecs() {
  const std::vector<std::string> fb = {"goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"};
  return {
      make_codec(96, "VP8", 90000, 1, "", fb),
      make_codec(97, "rtx", 90000, 1, "apt=96", {}),
      make_codec(98, "VP9", 90000, 1, "profile-id=0", fb),
      make_codec(99, "rtx", 90000, 1, "apt=98", {}),
      make_codec(108, "H264", 90000, 1,
                 "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", fb),
      make_codec(109, "rtx", 90000, 1, "apt=108", {}),
      make_codec(45, "AV1", 90000, 1, "level-idx=5;profile=0;tier=0", fb),
      make_codec(46, "rtx", 90000, 1, "apt=45", {}),
  };
}

std::vector<OfferedExtmap> default_subscriber_extmaps() {
  return {
      {{1, "urn:ietf:params:rtp-hdrext:ssrc-audio-level", "", ""}, ExtmapScope::AudioOnly},
      {{2, "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "", ""},
       ExtmapScope::AudioAndVideo},
      {{3, "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", "", ""},
       ExtmapScope::AudioAndVideo},
      {{4, "urn:ietf:params:rtp-hdrext:sdes:mid", "", ""}, ExtmapScope::AudioAndVideo},
      {{13, "urn:3gpp:video-orientation", "", ""}, ExtmapScope::VideoOnly},
  };
}

std::string subscriber_offer_problem(const std::vector<OfferedTrack>& tracks,
                                     const OfferOptions& options) {
  if (options.audio_codecs.empty()) return "no audio codec (the probe section needs one)";
  if (auto error = codecs_problem(options.audio_codecs, "audio"); !error.empty()) return error;
  if (auto error = codecs_problem(options.video_codecs, "video"); !error.empty()) return error;
  if (tracks.size() + 1 > kMaxMediaSections) {
    return std::to_string(tracks.size()) + " tracks make more than " +
           std::to_string(kMaxMediaSections) +
           " media sections; reuse the m-sections of inactive tracks";
  }
  std::set<std::string> mids = {kProbeMid};
  for (const auto& track : tracks) {
    if (track.mid.empty() || track.mid.size() > kMaxMidBytes || !detail::is_token(track.mid)) {
      return "track mid " + quoted(track.mid) + " is not 1-16 token characters (RFC 8843 §15.2)";
    }
    if (!mids.insert(track.mid).second) {
      return "track mid " + quoted(track.mid) + " is used twice or is the reserved probe mid";
    }
    if (track.kind != MediaKind::Audio && track.kind != MediaKind::Video) {
      return "track mid " + quoted(track.mid) + " is neither audio nor video";
    }
    if (track.kind == MediaKind::Video && options.video_codecs.empty()) {
      return "track mid " + quoted(track.mid) + " is video but there is no video codec";
    }
  }
  std::map<std::uint8_t, std::string> uri_of;
  for (const auto& offered : options.extmaps) {
    const auto& e = offered.extmap;
    if (e.id == 0 || e.uri.empty()) return "an extmap has id 0 or no URI (RFC 8285 §5)";
    const auto [it, inserted] = uri_of.emplace(e.id, e.uri);
    const auto same_uri =
        std::count_if(options.extmaps.begin(), options.extmaps.end(),
                      [&](const OfferedExtmap& x) { return x.extmap.uri == e.uri; });
    if (!inserted || same_uri > 1) {
      return "extmap id " + std::to_string(e.id) + " or URI " + e.uri +
             " is used twice; one BUNDLE group needs one id per URI (RFC 8843 §9.1.1)";
    }
  }
  return {};
}

SessionDescription create_subscriber_offer(const std::vector<OfferedTrack>& tracks,
                                           const OfferOptions& options) {
  SessionDescription d;
  d.session_id = options.session_id;
  d.session_version = options.session_version;
  d.extmap_allow_mixed = true;  // RFC 8285 §6: ids above 14 use the two-byte form
  d.ice_lite = true;            // RFC 8445 §2.5: the server only answers checks
  d.msid_semantic = "WMS *";
  d.media.push_back(base_section(MediaKind::Audio, kProbeMid, options));
  for (const auto& track : tracks) {
    auto m = base_section(track.kind == MediaKind::Audio ? MediaKind::Audio : MediaKind::Video,
                          track.mid, options);
    if (track.active) add_stream(m, track);
    d.media.push_back(std::move(m));
  }
  // Every section stays BUNDLEd, inactive ones too: a live port outside the group would
  // ask for a transport of its own (RFC 8843 §7.2). The probe, first, is the tag.
  for (const auto& m : d.media) d.bundle_mids.push_back(m.mid);
  return d;
}

SubscriberAnswerResult apply_subscriber_answer(const SessionDescription& offer,
                                               const SessionDescription& answer) {
  return AnswerChecker(offer, answer).run();
}

}  // namespace bailanys::sdp
