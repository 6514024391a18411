// The server's offer on a subscriber transport (JSEP RFC 8829 §5.2) and the check of the
// browser's answer to it (§5.3, RFC 3264 §6). On this PeerConnection the server sends the
// other participants' tracks and is always the offerer, so it renegotiates as people come
// and go without glare. Pure functions: no I/O, no randomness, never throw.
//
// Layout of every subscriber offer (so that renegotiation never removes or reorders an
// m-section, JSEP §5.2.2):
//   m-section 0: mid "probe", audio, a=inactive, no ssrc. It carries the transport and is the
//                BUNDLE tag (RFC 8843 §7.2). It is always there, not only when there are no
//                tracks: a later offer must keep every earlier m-section in place, so a
//                placeholder added only for the empty case could never go away again.
//   m-section 1+: one per OfferedTrack, in the caller's order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sdp/answer.hpp"
#include "sdp/session_description.hpp"

namespace bailanys::sdp {

// The mid of the always-present first m-section. Reserved: no track may use it.
inline constexpr const char* kProbeMid = "probe";

// One track the subscriber should receive, i.e. one m-section of the offer.
struct OfferedTrack {
  // Stable for the life of the transport: the caller keeps the list of tracks it has ever
  // offered in order and only appends. 1-16 token characters (16 is what the RFC 8843
  // §15.2 mid header extension carries in a one-byte header), unique, not "probe".
  std::string mid;
  MediaKind kind = MediaKind::Audio;      // Audio or Video
  std::uint32_t ssrc = 0;                 // the SSRC the server sends with (after rewriting)
  std::optional<std::uint32_t> rtx_ssrc;  // RTX stream (RFC 4588); written only for video
                                          // sections whose codecs include rtx
  std::string cname;                      // a=ssrc:<ssrc> cname:<cname> (RFC 7022)
  std::string stream_id, track_id;        // a=msid:<stream_id> <track_id> (RFC 8830); "-" if empty
  // false: the track went away. Its m-section stays with the same mid, a=inactive, without
  // msid/ssrc lines, still BUNDLEd with a live port. Not port 0 (RFC 8843 §7.3.3): a rejected
  // m-section makes the browser stop its transceiver for good, and JSEP §5.2.2 lets a later
  // offer recycle it only under a new mid, which would break the stable-mid promise above.
  // An inactive slot may be reused for a new track of the same kind (set active again with
  // the new ssrc/msid); the browser then reuses that transceiver. Reuse keeps the number of
  // m-sections bounded (the parser refuses more than kMaxMediaSections).
  bool active = true;
};

// Which m-sections an extension is offered in. The ids live in one BUNDLE group, so one id
// means one URI across audio and video (RFC 8843 §9.1.1), whatever the scope.
enum class ExtmapScope : std::uint8_t { AudioAndVideo, AudioOnly, VideoOnly };
struct OfferedExtmap {
  Extmap extmap;  // id chosen by the server; direction normally empty
  ExtmapScope scope = ExtmapScope::AudioAndVideo;
};

struct OfferOptions {
  LocalTransport transport;  // the same for every offer of one transport (no ICE restart)
  // Payload types chosen by the server, in preference order, each RTX right after its
  // primary, with the rtcp-fb we want. Must not be empty (the probe needs an audio codec).
  std::vector<Codec> audio_codecs, video_codecs;
  std::vector<OfferedExtmap> extmaps;
  // o= line (RFC 8866 §5.2): one session_id for the transport (at most 2^63-1, JSEP §5.2.1),
  // session_version + 1 for each renegotiation.
  std::uint64_t session_id = 0;
  std::uint64_t session_version = 1;
};

// Server choices that match Chromium's own numbering: opus 111; VP8 96/rtx 97, VP9
// profile 0 98/99, H.264 constrained baseline packetization-mode=1 108/109, AV1 45/46.
std::vector<Codec> default_subscriber_audio_codecs();
std::vector<Codec> default_subscriber_video_codecs();
// audio level (1, audio only), abs-send-time (2), transport-wide cc (3), mid (4),
// video orientation (13, video only).
std::vector<OfferedExtmap> default_subscriber_extmaps();

// Empty when create_subscriber_offer's preconditions hold; else one sentence naming the
// first problem: a bad, repeated or reserved mid; a kind other than audio/video; no audio
// codec (or no video codec while there is a video track); an extmap id 0 or one id for two
// URIs; more m-sections than kMaxMediaSections.
std::string subscriber_offer_problem(const std::vector<OfferedTrack>& tracks,
                                     const OfferOptions& options);

// A complete offer: ice-lite, a=group:BUNDLE of every mid (probe first), a=setup:actpass,
// ICE credentials and fingerprint in every m-section, rtcp-mux, rtcp-rsize, all candidates
// and a=end-of-candidates (an ICE-lite server does not trickle), msid-semantic WMS *,
// extmap-allow-mixed. Active tracks: a=sendonly, a=msid, a=ssrc cname/msid (+ a FID group
// with the RTX SSRC). Inactive tracks and the probe: a=inactive, no msid/ssrc.
// Call subscriber_offer_problem first when the inputs are not known to be good; with bad
// inputs the result is still well-formed data but a browser may refuse it.
SessionDescription create_subscriber_offer(const std::vector<OfferedTrack>& tracks,
                                           const OfferOptions& options);

struct SubscriberAnswer {
  TransportParams remote;  // the browser's ICE/DTLS; setup Active (we are DTLS server) or
                           // Passive (we are DTLS client)
  // One per m-section of the offer, same order (sections[0] is the probe). direction is
  // ours: SendOnly where the browser receives, else Inactive. codecs are the answer's, in the
  // browser's preference order, with our payload types; rtcp-fb limited to what we offered.
  // remote_ssrcs: the browser's receiver SSRCs it announced (usually none).
  std::vector<NegotiatedSection> sections;
  // m-sections the browser refused with port 0 (index = m-line index); their
  // sections[i].direction is Inactive and codecs empty.
  std::vector<RejectedSection> rejected;
};
struct SubscriberAnswerResult {
  std::optional<SubscriberAnswer> answer;
  std::string error;  // one sentence when the answer is refused
};

// Checks the browser's answer against the offer we sent (RFC 3264 §6, JSEP §5.3, RFC 8843
// §7.3): same number of m-sections with the same mids and kinds in the same order;
// directions recvonly or inactive (inactive only, where we offered inactive); codecs a
// subset of ours with the same payload type, name, clock rate and channels, RTX with the
// same apt and its primary present, at least one non-RTX codec in an accepted section;
// extmaps a subset of ours with the same ids; rtcp-mux; a=group:BUNDLE whose first mid is
// our tag (the probe) and that holds every accepted section (may be absent for a
// one-section offer); non-empty ICE ufrag/pwd and a fingerprint, the same in every
// bundled section; not ice-lite (RFC 8445 §2.5: two lite agents never check).
// a=setup: active (the browser is DTLS client: what Chromium does) or passive (we become
// client); actpass or missing is refused (RFC 8842 §5.3). Port 0 is accepted for any
// section but the probe (the BUNDLE tag) and reported in `rejected`.
SubscriberAnswerResult apply_subscriber_answer(const SessionDescription& offer,
                                               const SessionDescription& answer);

}  // namespace bailanys::sdp
