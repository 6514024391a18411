#include "sfu/stream_rewriter.hpp"

#include <algorithm>
#include <cstdlib>

namespace bailanys::sfu {

namespace {

// Signed distance from `from` to `to` on the 16-bit sequence circle, in [-32768, 32767].
std::int64_t sequence_delta(std::uint16_t to, std::uint16_t from) {
  return static_cast<std::int16_t>(static_cast<std::uint16_t>(to - from));
}

// Signed distance on the 32-bit timestamp circle.
std::int64_t timestamp_delta(std::uint32_t to, std::uint32_t from) {
  return static_cast<std::int32_t>(to - from);
}

}  // namespace

std::string_view to_string(RewriteDrop drop) {
  switch (drop) {
    case RewriteDrop::None:
      return "none";
    case RewriteDrop::WaitingForKeyframe:
      return "waiting_for_keyframe";
    case RewriteDrop::BeforeSwitch:
      return "before_switch";
    case RewriteDrop::Duplicate:
      return "duplicate";
    case RewriteDrop::StaleSource:
      return "stale_source";
    case RewriteDrop::SequenceJump:
      return "sequence_jump";
  }
  return "unknown";
}

StreamRewriter::StreamRewriter(std::uint32_t outgoing_ssrc, std::uint32_t clock_rate,
                               MediaKind kind)
    : outgoing_ssrc_(outgoing_ssrc), clock_rate_(clock_rate == 0 ? 1 : clock_rate), kind_(kind) {}

std::optional<Rewrite> StreamRewriter::rewrite(std::uint32_t source_ssrc, std::uint16_t sequence,
                                               std::uint32_t timestamp, bool keyframe, TimeMs now,
                                               RewriteDrop& drop) {
  drop = RewriteDrop::None;
  if (!has_source_) {
    begin_source(source_ssrc);
  } else if (source_ssrc != source_ssrc_) {
    if (was_left(source_ssrc)) {
      drop = RewriteDrop::StaleSource;
      return std::nullopt;
    }
    leave_source();
    begin_source(source_ssrc);
  }
  if (!forwarding_) return start(sequence, timestamp, keyframe, now, drop);

  const std::int64_t delta = sequence_delta(sequence, static_cast<std::uint16_t>(highest_in_));
  if (delta <= 0 && delta > -kReorderWindow) {
    jump_pending_ = false;
    return older(highest_in_ + delta, timestamp, drop);
  }
  if (delta > 0 && delta <= kMaxDropout) {
    jump_pending_ = false;
    return newer(highest_in_ + delta, timestamp, now);
  }
  // Far from the newest packet. A late packet of the epoch a restart left is stale; otherwise
  // the jump is believed once the next packet follows it (RFC 3550 A.1), so one stray packet
  // cannot restart the stream.
  if (is_late_from_left_epoch(sequence)) {
    drop = RewriteDrop::StaleSource;
    return std::nullopt;
  }
  if (jump_pending_ && sequence == jump_next_sequence_) {
    leave_source();
    begin_source(source_ssrc);
    return start(sequence, timestamp, keyframe, now, drop);
  }
  jump_pending_ = true;
  jump_next_sequence_ = static_cast<std::uint16_t>(sequence + 1);
  drop = RewriteDrop::SequenceJump;
  return std::nullopt;
}

std::optional<Rewrite> StreamRewriter::start(std::uint16_t sequence, std::uint32_t timestamp,
                                             bool keyframe, TimeMs now, RewriteDrop& drop) {
  if (kind_ == MediaKind::Video && !keyframe) {
    drop = RewriteDrop::WaitingForKeyframe;
    return std::nullopt;
  }
  // The first source of the stream keeps its own numbers; later ones continue the stream.
  const std::int64_t out_sequence = has_output_ ? last_out_sequence_ + 1 : sequence;
  const std::uint32_t out_timestamp =
      has_output_ ? last_out_timestamp_ + advance_since_last_output(now) : timestamp;

  forwarding_ = true;
  jump_pending_ = false;
  highest_in_ = sequence;
  switch_in_ = sequence;
  rebased_at_in_ = sequence;
  sequence_offset_ = out_sequence - highest_in_;
  timestamp_offset_ = out_timestamp - timestamp;
  previous_timestamp_offset_ = timestamp_offset_;
  highest_in_timestamp_ = timestamp;
  highest_in_at_ = now;
  seen_.fill(0);
  mark_seen(highest_in_);

  has_output_ = true;
  last_out_sequence_ = out_sequence;
  last_out_timestamp_ = out_timestamp;
  last_out_at_ = now;
  return Rewrite{static_cast<std::uint16_t>(out_sequence), out_timestamp, true};
}

std::optional<Rewrite> StreamRewriter::older(std::int64_t extended, std::uint32_t timestamp,
                                             RewriteDrop& drop) {
  if (extended < switch_in_) {
    drop = RewriteDrop::BeforeSwitch;
    return std::nullopt;
  }
  if (seen(extended)) {
    drop = RewriteDrop::Duplicate;
    return std::nullopt;
  }
  mark_seen(extended);
  // A late packet keeps its place: the same offsets as its neighbours had.
  const std::uint32_t offset =
      extended >= rebased_at_in_ ? timestamp_offset_ : previous_timestamp_offset_;
  return Rewrite{static_cast<std::uint16_t>(extended + sequence_offset_), timestamp + offset,
                 false};
}

Rewrite StreamRewriter::newer(std::int64_t extended, std::uint32_t timestamp, TimeMs now) {
  // Slots of the sequences now falling out of the window become those of the new ones.
  if (extended - highest_in_ >= kReorderWindow) {
    seen_.fill(0);
  } else {
    for (std::int64_t s = highest_in_ + 1; s <= extended; ++s) clear_seen(s);
  }
  mark_seen(extended);

  // Sequence numbers run on but the timestamp is far from where the elapsed time puts it (a
  // sender that restarted its clock, or stopped stamping while paused): re-base it like a
  // switch. The decoder's reference chain is intact, so no keyframe is needed.
  const std::int64_t expected = ticks(std::max<TimeMs>(0, now - highest_in_at_));
  const std::int64_t drift = timestamp_delta(timestamp, highest_in_timestamp_) - expected;
  if (std::abs(drift) > ticks(kMaxTimestampDriftMs)) {
    previous_timestamp_offset_ = timestamp_offset_;
    rebased_at_in_ = extended;
    timestamp_offset_ = last_out_timestamp_ + advance_since_last_output(now) - timestamp;
  }

  highest_in_ = extended;
  highest_in_timestamp_ = timestamp;
  highest_in_at_ = now;
  last_out_sequence_ = extended + sequence_offset_;
  last_out_timestamp_ = timestamp + timestamp_offset_;
  last_out_at_ = now;
  return Rewrite{static_cast<std::uint16_t>(last_out_sequence_), last_out_timestamp_, false};
}

void StreamRewriter::switch_source() {
  has_source_ = false;
  forwarding_ = false;
  jump_pending_ = false;
  left_count_ = 0;
  left_next_ = 0;
}

std::optional<std::uint32_t> StreamRewriter::outgoing_rtp_timestamp(
    std::uint32_t source_ssrc, std::uint32_t source_timestamp) const {
  if (!forwarding_ || source_ssrc != source_ssrc_) return std::nullopt;
  return source_timestamp + timestamp_offset_;
}

void StreamRewriter::begin_source(std::uint32_t ssrc) {
  has_source_ = true;
  forwarding_ = false;
  jump_pending_ = false;
  source_ssrc_ = ssrc;
}

void StreamRewriter::leave_source() {
  if (!has_source_) return;
  left_[left_next_] =
      LeftSource{source_ssrc_, static_cast<std::uint16_t>(highest_in_), forwarding_};
  left_next_ = (left_next_ + 1) % left_.size();
  left_count_ = std::min(left_count_ + 1, left_.size());
  has_source_ = false;
  forwarding_ = false;
}

bool StreamRewriter::was_left(std::uint32_t ssrc) const {
  for (std::size_t i = 0; i < left_count_; ++i) {
    if (left_[i].ssrc == ssrc) return true;
  }
  return false;
}

bool StreamRewriter::is_late_from_left_epoch(std::uint16_t sequence) const {
  for (std::size_t i = 0; i < left_count_; ++i) {
    const LeftSource& left = left_[i];
    if (left.ssrc != source_ssrc_ || !left.forwarded) continue;
    const std::int64_t delta = sequence_delta(sequence, left.highest_sequence);
    if (delta > -kReorderWindow && delta <= kMaxDropout) return true;
  }
  return false;
}

std::uint32_t StreamRewriter::advance_since_last_output(TimeMs now) const {
  return static_cast<std::uint32_t>(std::max<std::int64_t>(1, ticks(now - last_out_at_)));
}

std::int64_t StreamRewriter::ticks(TimeMs elapsed_ms) const {
  return elapsed_ms * static_cast<std::int64_t>(clock_rate_) / 1000;
}

bool StreamRewriter::seen(std::int64_t extended) const {
  const auto bit = static_cast<std::uint64_t>(extended) % kReorderWindow;
  return ((seen_[bit / 64] >> (bit % 64)) & 1U) != 0;
}

void StreamRewriter::mark_seen(std::int64_t extended) {
  const auto bit = static_cast<std::uint64_t>(extended) % kReorderWindow;
  seen_[bit / 64] |= std::uint64_t{1} << (bit % 64);
}

void StreamRewriter::clear_seen(std::int64_t extended) {
  const auto bit = static_cast<std::uint64_t>(extended) % kReorderWindow;
  seen_[bit / 64] &= ~(std::uint64_t{1} << (bit % 64));
}

}  // namespace bailanys::sfu
