// Rewrites one outgoing RTP stream of one subscriber: whichever source feeds it (a publisher's
// SSRC, a new SSRC after that publisher reconnects, later a simulcast layer) comes out under one
// SSRC with one continuous sequence-number and timestamp space, so the subscriber's jitter
// buffer and decoder never see a jump (RFC 3550 §5.1; RFC 7667, selective forwarding middlebox).
//
// Contract:
// - Pure: no I/O, no clock (time is `now`, monotonic ms), no allocation after construction.
// - One instance per outgoing SSRC for that stream's whole life: a new publisher behind the same
//   subscriber stream is a source change here, not a new rewriter.
// - A source starts at its switch point: the first packet of an audio source, the first keyframe
//   packet of a video source (nothing is forwarded before it; `waiting_for_keyframe()` tells the
//   caller to ask the publisher for one, through KeyframeRequestLimiter). The switch point comes
//   out as last sequence + 1 and last timestamp + the wall time elapsed since the last forwarded
//   packet (at least +1 tick). After it, the source's own sequence and timestamp deltas are kept:
//   losses stay gaps the receiver can NACK, reordered packets keep their order, across the 16-bit
//   sequence and 32-bit timestamp wrap (sequences are extended to 64 bits inside).
// - Retransmissions: the caller stores each rewritten packet in its RetransmissionBuffer under the
//   outgoing sequence number, so a subscriber's NACK is answered by outgoing sequence directly; no
//   outgoing→source map is kept here.
// - A source change is detected by SSRC. Packets of a source left recently (the last
//   kRememberedSources) are dropped as stale, so a late packet of a publisher's old connection
//   cannot take the stream back. To return to a source on purpose (simulcast A → B → A), call
//   switch_source() first. Within one SSRC a sequence jump (more than kMaxDropout ahead or more
//   than kReorderWindow behind) is a restart once the next packet confirms it (RFC 3550 A.1
//   probation); a timestamp jump with continuous sequence numbers (more than kMaxTimestampDriftMs
//   away from what the elapsed time predicts) only re-bases timestamps, with no keyframe wait.
#pragma once

#include "common/clock.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace bailanys::sfu {

enum class MediaKind : std::uint8_t { Audio, Video };

// Why rewrite() dropped a packet; one counter per value in the caller.
enum class RewriteDrop : std::uint8_t {
  None,
  WaitingForKeyframe,  // a video source has not sent its first keyframe yet
  BeforeSwitch,        // older than the switch point of its source
  Duplicate,           // already forwarded
  StaleSource,         // a late packet of a source this stream has left
  SequenceJump,        // far from the newest packet: a very late packet or an unconfirmed restart
};
std::string_view to_string(RewriteDrop drop);

// Where one packet goes in the outgoing stream.
struct Rewrite {
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  // First packet of a new source (or of a restart): codec state the caller rewrites itself
  // (VP8 picture id, TL0PICIDX) must continue from here too.
  bool source_started = false;
};

class StreamRewriter {
 public:
  // Out-of-order packets up to this many behind the newest are forwarded once (duplicates are
  // tracked in a bitmap of this size). SRTP's replay window drops older ones before us anyway.
  static constexpr std::int64_t kReorderWindow = 1024;
  // A forward step larger than this is a jump, not a loss (RFC 3550 A.1 MAX_DROPOUT).
  static constexpr std::int64_t kMaxDropout = 3000;
  // Timestamps further than this from "last timestamp + elapsed time" are re-based.
  static constexpr TimeMs kMaxTimestampDriftMs = 5000;
  // How many left sources are remembered to drop their late packets.
  static constexpr std::size_t kRememberedSources = 4;

  // `clock_rate`: the RTP clock of the stream (48000 Opus, 90000 video); must be > 0.
  StreamRewriter(std::uint32_t outgoing_ssrc, std::uint32_t clock_rate, MediaKind kind);

  // Maps one packet of `source_ssrc` into the outgoing stream; nullopt = drop it (`drop` says
  // why). `keyframe` is whether this packet starts a keyframe (rtp::is_keyframe); audio ignores
  // it. The caller then sets the packet's SSRC to outgoing_ssrc() and these numbers.
  std::optional<Rewrite> rewrite(std::uint32_t source_ssrc, std::uint16_t sequence,
                                 std::uint32_t timestamp, bool keyframe, TimeMs now,
                                 RewriteDrop& drop);
  std::optional<Rewrite> rewrite(std::uint32_t source_ssrc, std::uint16_t sequence,
                                 std::uint32_t timestamp, bool keyframe, TimeMs now) {
    RewriteDrop ignored = RewriteDrop::None;
    return rewrite(source_ssrc, sequence, timestamp, keyframe, now, ignored);
  }

  // Leaves the current source: the next packet, from any SSRC (even the one just left or one
  // left earlier), starts a new source. For simulcast switches and restarts the caller knows of.
  void switch_source();

  // True while a video stream has no source forwarding yet (before its first keyframe, after a
  // switch or restart): the caller should request a keyframe. Always false for audio.
  [[nodiscard]] bool waiting_for_keyframe() const {
    return kind_ == MediaKind::Video && !forwarding_;
  }

  // The source's RTP timestamp in the outgoing stream's clock, for the RTP timestamp of a sender
  // report (RFC 3550 §6.4.1) forwarded under outgoing_ssrc(). nullopt unless `source_ssrc` is the
  // source being forwarded now. Packet and octet counts of the SR are the caller's own.
  [[nodiscard]] std::optional<std::uint32_t> outgoing_rtp_timestamp(
      std::uint32_t source_ssrc, std::uint32_t source_timestamp) const;

  // The SSRC being forwarded (or awaited: a video source before its keyframe), if any.
  [[nodiscard]] std::optional<std::uint32_t> source_ssrc() const {
    return has_source_ ? std::optional<std::uint32_t>(source_ssrc_) : std::nullopt;
  }
  [[nodiscard]] std::uint32_t outgoing_ssrc() const { return outgoing_ssrc_; }
  [[nodiscard]] std::uint32_t clock_rate() const { return clock_rate_; }
  [[nodiscard]] MediaKind kind() const { return kind_; }

 private:
  struct LeftSource {
    std::uint32_t ssrc = 0;
    std::uint16_t highest_sequence = 0;
    bool forwarded = false;  // highest_sequence is meaningful
  };

  std::optional<Rewrite> start(std::uint16_t sequence, std::uint32_t timestamp, bool keyframe,
                               TimeMs now, RewriteDrop& drop);
  std::optional<Rewrite> older(std::int64_t extended, std::uint32_t timestamp, RewriteDrop& drop);
  Rewrite newer(std::int64_t extended, std::uint32_t timestamp, TimeMs now);
  void begin_source(std::uint32_t ssrc);
  void leave_source();
  [[nodiscard]] bool was_left(std::uint32_t ssrc) const;
  [[nodiscard]] bool is_late_from_left_epoch(std::uint16_t sequence) const;
  // Ticks the outgoing timestamp advances at a switch: elapsed wall time, at least 1.
  [[nodiscard]] std::uint32_t advance_since_last_output(TimeMs now) const;
  [[nodiscard]] std::int64_t ticks(TimeMs elapsed_ms) const;
  [[nodiscard]] bool seen(std::int64_t extended) const;
  void mark_seen(std::int64_t extended);
  void clear_seen(std::int64_t extended);

  std::uint32_t outgoing_ssrc_;
  std::uint32_t clock_rate_;
  MediaKind kind_;

  // The current source; its epoch fields are valid while forwarding_.
  bool has_source_ = false;
  bool forwarding_ = false;
  std::uint32_t source_ssrc_ = 0;
  std::int64_t highest_in_ = 0;       // extended sequence of the newest packet
  std::int64_t switch_in_ = 0;        // extended sequence of the switch point
  std::int64_t sequence_offset_ = 0;  // outgoing extended = source extended + offset
  std::uint32_t highest_in_timestamp_ = 0;
  TimeMs highest_in_at_ = 0;
  std::uint32_t timestamp_offset_ = 0;           // outgoing = source + offset (mod 2^32)
  std::uint32_t previous_timestamp_offset_ = 0;  // for late packets from before a re-base
  std::int64_t rebased_at_in_ = 0;               // first extended sequence using timestamp_offset_
  bool jump_pending_ = false;                    // a jump seen, waiting for its next packet
  std::uint16_t jump_next_sequence_ = 0;
  std::array<std::uint64_t, kReorderWindow / 64> seen_{};

  // The outgoing stream; survives source changes.
  bool has_output_ = false;
  std::int64_t last_out_sequence_ = 0;  // extended, of the newest packet forwarded
  std::uint32_t last_out_timestamp_ = 0;
  TimeMs last_out_at_ = 0;

  std::array<LeftSource, kRememberedSources> left_{};
  std::size_t left_count_ = 0;
  std::size_t left_next_ = 0;
};

}  // namespace bailanys::sfu
