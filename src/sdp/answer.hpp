// The server's answer to a browser's offer (JSEP RFC 8829 §5.3): the server is
// ICE-lite, DTLS-SRTP, everything BUNDLEd on one transport, rtcp-mux required.
// Pure function: offer + policy in, answer SDP + what was negotiated out.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sdp/session_description.hpp"

namespace bailanys::sdp {

struct LocalTransport {
  std::string ice_ufrag, ice_pwd;
  Fingerprint fingerprint;
  std::vector<Candidate> candidates;  // all of them: an ICE-lite agent does not trickle
};

struct CodecPolicy {
  std::vector<std::string> audio = {"opus", "PCMU", "PCMA"};  // preference order, case-insensitive
  std::vector<std::string> video = {"VP8", "VP9", "H264",
                                    "AV1"};  // H264 only with packetization-mode=1
  bool accept_rtx = true;
  std::vector<std::string> feedback = {"nack", "nack pli", "ccm fir", "goog-remb", "transport-cc"};
  // Header extensions accepted (same id as offered); others dropped. The default is what
  // an SFU needs: MID and RID for demuxing/simulcast (RFC 9143, RFC 8852), send time and
  // transport-wide sequence numbers for bandwidth estimation, and the audio level.
  std::vector<std::string> extension_uris = {
      "urn:ietf:params:rtp-hdrext:sdes:mid",
      "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
      "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id",
      "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
      "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
      "urn:ietf:params:rtp-hdrext:ssrc-audio-level",
  };
};

struct SendStream {
  std::uint32_t ssrc = 0;
  std::optional<std::uint32_t> rtx_ssrc;
  std::string cname, stream_id, track_id;
};

struct AnswerOptions {
  LocalTransport transport;
  CodecPolicy codecs;
  // Our direction per accepted audio/video section (echo: SendRecv; publish: RecvOnly).
  // It is narrowed to what the offer allows: we never send where the offer does not
  // receive, nor receive where it does not send. Unset: the mirror of the offer.
  std::function<Direction(const MediaSection& offered)> direction;
  std::map<std::string, SendStream> send_streams;  // by mid, for sections where we send
  bool accept_data_channel = false;
  std::uint16_t sctp_port = 5000;           // ours, in a=sctp-port (RFC 8841 §5)
  std::uint32_t max_message_size = 262144;  // ours, in a=max-message-size (RFC 8841 §6)
  std::uint64_t session_id = 0;             // o= line; the caller picks it (no randomness here)
  std::uint64_t session_version = 1;
};

struct NegotiatedSection {
  std::string mid;
  MediaKind kind = MediaKind::Other;
  Direction direction = Direction::Inactive;  // ours
  std::vector<Codec> codecs;  // accepted, preference order; RTX entries right after their primary
  std::vector<Extmap> extmaps;
  std::vector<SsrcInfo> remote_ssrcs;  // what the browser announced it sends (when we receive)
  std::vector<SsrcGroup> remote_groups;
  std::vector<Rid> remote_rids;  // the browser's send rids when we accepted simulcast
  std::optional<std::uint16_t> remote_sctp_port;  // data channel sections
  std::optional<std::uint32_t> remote_max_message_size;
};

struct RejectedSection {
  std::size_t index = 0;  // m-line index in the offer
  std::string mid;
  std::string reason;
};

struct Answer {
  SessionDescription description;
  std::vector<NegotiatedSection> sections;  // accepted sections only, in m-line order
  std::vector<RejectedSection> rejected;    // port 0 in the answer (RFC 8843 §7.3.3)
  TransportParams remote;  // the browser's ICE/DTLS parameters (BUNDLE tag section)
};

struct AnswerResult {
  std::optional<Answer> answer;
  std::string error;  // one sentence when the offer as a whole cannot be answered
};

AnswerResult create_answer(const SessionDescription& offer, const AnswerOptions& options);

}  // namespace bailanys::sdp
