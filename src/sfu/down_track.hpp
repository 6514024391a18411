// One published track as one subscriber receives it: its own SSRC (and RTX SSRC), a continuous
// sequence/timestamp space (StreamRewriter), the subscriber's payload types and header-extension
// ids, a retransmission buffer for the subscriber's NACKs, and packet/octet counts for the sender
// reports it gets. Owned by the subscriber's receive slot; the PublishedTrack it is fed by holds
// a plain pointer back and the Room keeps both sides in step.
#pragma once

#include "common/clock.hpp"
#include "rtc/rtcp/rtcp_packets.hpp"
#include "rtc/rtp/rtp_packet.hpp"
#include "rtc/transport/webrtc_transport.hpp"
#include "sdp/answer.hpp"
#include "sfu/published_track.hpp"
#include "sfu/retransmission_buffer.hpp"
#include "sfu/stream_rewriter.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace bailanys::sfu {

// Header-extension ids in the subscriber's session (0 = not negotiated).
struct DownExtensionIds {
  std::uint8_t mid = 0, audio_level = 0, abs_send_time = 0, video_orientation = 0, transport_cc = 0;
};

class SendSide;

struct DownTrackCounters {
  std::uint64_t forwarded = 0;
  std::uint64_t dropped_unmapped_codec = 0;  // the subscriber did not accept this codec
  std::uint64_t dropped_rewrite = 0;         // StreamRewriter said no (keyframe wait, stale, …)
  std::uint64_t dropped_paused = 0;          // video paused for this subscriber (allocator)
  std::uint64_t dropped_other_layer = 0;     // a simulcast layer this subscriber does not get
  std::uint64_t layer_switches = 0;
  std::uint64_t nacked = 0, retransmitted = 0, nack_missed = 0;
  std::uint64_t nack_before_switch = 0;  // for the layer left at a switch: not resent
};

class DownTrack {
 public:
  // `output`: the subscriber's receive transport (outlives this DownTrack).
  DownTrack(PublishedTrack& track, rtc::transport::WebRtcTransport& output, std::string mid,
            std::uint32_t ssrc, std::optional<std::uint32_t> rtx_ssrc);

  // From the subscriber's answer: accepted codecs (its payload types) and extensions.
  void configure(const sdp::NegotiatedSection& section);
  [[nodiscard]] bool negotiated() const { return negotiated_; }

  // Writes the packet as this subscriber gets it into `out`; 0 = do not send (see counters).
  // `layer` is the packet's simulcast layer (0 without simulcast). `publisher_ids` are the
  // publisher session's extension ids (to read its audio level and orientation). A transport-cc
  // extension, when negotiated, is written as 0 for SendSide::stamp to number.
  std::size_t forward(const rtc::rtp::RtpPacket& packet, int layer,
                      const rtc::rtp::ExtensionIds& publisher_ids, bool keyframe, TimeMs now,
                      std::span<std::uint8_t> out);
  // Which layer this subscriber should get; -1 pauses the track (video only). A different
  // layer is switched to at its next keyframe (the current one is forwarded until then); after
  // a pause, forwarding resumes at a keyframe of the target layer.
  // `now_if_lower`: a congested downlink cannot wait for the lower layer's keyframe while the
  // higher one keeps filling its queue; forwarding stops at once and resumes at that keyframe.
  void set_target_layer(int layer, bool now_if_lower = false);
  [[nodiscard]] int target_layer() const { return target_layer_; }
  [[nodiscard]] int current_layer() const { return current_layer_; }
  // The layer whose keyframe this track waits for (a switch or a start), or -1.
  [[nodiscard]] int keyframe_wanted_layer() const {
    if (kind_ != MediaKind::Video || target_layer_ < 0) return -1;
    return target_layer_ != current_layer_ || rewriter_.waiting_for_keyframe() ? target_layer_ : -1;
  }
  // A padding-only RTX packet of `padding` bytes (1-255) for bandwidth probing; 0 when RTX is
  // not negotiated.
  std::size_t padding(std::uint8_t padding, TimeMs now, std::span<std::uint8_t> out);
  [[nodiscard]] bool can_pad() const;
  // A retransmission for a NACKed outgoing sequence number (RTX when negotiated); 0 = gone.
  std::size_t retransmit(std::uint16_t sequence, TimeMs now, std::span<std::uint8_t> out);
  // The packet forward() wrote, as it finally went out (with its transport-wide sequence
  // number): the copy kept for retransmission becomes byte for byte what was protected, so that
  // a resend under the same SSRC and SRTP index is the same plaintext. Under AEAD_AES_128_GCM a
  // second, different packet under one index would reuse the nonce and leak the GHASH key.
  void sent_as(std::span<const std::uint8_t> packet);
  // The publisher's sender report as this subscriber should see it; nullopt before the
  // stream forwards from the SR's SSRC.
  [[nodiscard]] std::optional<rtc::rtcp::SenderReport> sender_report(
      const rtc::rtcp::SenderReport& publisher) const;

  void detach() { track_ = nullptr; }
  // The subscriber transport's numbering and estimator (not owned); nullptr = none.
  void set_send_side(SendSide* send_side) { send_side_ = send_side; }
  [[nodiscard]] SendSide* send_side() const { return send_side_; }
  [[nodiscard]] PublishedTrack* track() const { return track_; }
  [[nodiscard]] rtc::transport::WebRtcTransport& output() const { return *output_; }
  [[nodiscard]] const std::string& mid() const { return mid_; }
  [[nodiscard]] std::uint32_t ssrc() const { return ssrc_; }
  [[nodiscard]] std::optional<std::uint32_t> rtx_ssrc() const { return rtx_ssrc_; }
  [[nodiscard]] bool video() const { return kind_ == MediaKind::Video; }
  [[nodiscard]] bool waiting_for_keyframe() const { return rewriter_.waiting_for_keyframe(); }
  [[nodiscard]] const DownTrackCounters& counters() const { return counters_; }

  // The offer version this track was first offered in (0 = not offered yet): only the answer
  // to that offer or a later one may configure it.
  std::uint64_t offered_in = 0;

 private:
  // Subscriber payload type for a publisher payload type; -1 when the subscriber lacks it.
  int map_payload_type(std::uint8_t publisher_pt);
  bool is_vp8(std::uint8_t publisher_pt);
  // Rewrites the VP8 picture id and TL0PICIDX of a forwarded payload so that they continue
  // across layer switches and publisher restarts.
  void continue_vp8(std::span<std::uint8_t> payload, bool source_started);

  PublishedTrack* track_;
  rtc::transport::WebRtcTransport* output_;
  std::string mid_;
  MediaKind kind_;
  std::uint32_t ssrc_;
  std::optional<std::uint32_t> rtx_ssrc_;
  std::uint16_t rtx_sequence_;
  StreamRewriter rewriter_;
  RetransmissionBuffer sent_;
  std::vector<sdp::Codec> accepted_;
  DownExtensionIds ids_;
  bool negotiated_ = false;
  std::array<std::int16_t, 128> pt_map_{};
  std::uint32_t pt_map_version_ = 0;
  bool pt_map_valid_ = false;
  std::uint32_t packets_sent_ = 0;
  std::uint32_t octets_sent_ = 0;
  std::uint8_t last_payload_type_ = 0;  // subscriber PT of the last forwarded packet
  DownTrackCounters counters_;
  int target_layer_ = 0;
  bool has_switch_ = false;
  std::uint16_t switch_sequence_ = 0;  // outgoing sequence of the last layer switch point
  std::uint16_t last_sequence_ = 0;    // outgoing sequence of the newest forwarded packet
  std::size_t last_header_size_ = 0;   // of the last forwarded packet (sent_as)
  // VP8 continuity (continue_vp8).
  int vp8_pt_ = -1, non_vp8_pt_ = -1;  // publisher payload types known to be / not to be VP8
  bool vp8_started_ = false;
  std::uint32_t picture_id_offset_ = 0;
  std::uint16_t last_picture_id_ = 0;
  std::uint8_t tl0_offset_ = 0;
  std::uint8_t last_tl0_ = 0;
  int current_layer_ = -1;
  SendSide* send_side_ = nullptr;
};

}  // namespace bailanys::sfu
