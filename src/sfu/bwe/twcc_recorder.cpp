#include "sfu/bwe/twcc_recorder.hpp"

#include <algorithm>
#include <utility>
#include <variant>

namespace bailanys::sfu::bwe {

namespace rtcp = rtc::rtcp;

namespace {

constexpr std::int64_t kTickUs = 250;             // receive delta unit (§3.1.5)
constexpr std::int64_t kTicksPerReference = 256;  // 64 ms reference time unit (§3.1)
constexpr std::int64_t kMinDeltaTicks = -32768;   // 16-bit signed "large" delta
constexpr std::int64_t kMaxDeltaTicks = 32767;
constexpr std::size_t kMaxStatuses = 0xFFFF;  // packet status count is 16 bits
constexpr std::size_t kFixedBytes = 20;       // RTCP header, SSRCs, base, count, reference
// Consecutive packets older than the whole history: the sender's numbering restarted.
constexpr std::uint32_t kResyncAfter = 64;
constexpr std::int64_t kSequenceCycle = 0x10000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if (a % b != 0 && (a < 0) != (b < 0)) --q;
  return q;
}

// The reference time is a signed 24-bit field; the sender only looks at differences
// between feedbacks, modulo 2^24, so any clock origin works.
std::int32_t wrap24(std::int64_t value) {
  return static_cast<std::int32_t>((value & 0xFFFFFF) ^ 0x800000) - 0x800000;
}

TwccRecorderConfig clamped(TwccRecorderConfig c) {
  // Below 2^15 the history never spans half the 16-bit space, so unwrapping stays exact.
  c.max_packets = std::clamp<std::size_t>(c.max_packets, 16, 16384);
  c.max_feedback_bytes = std::max<std::size_t>(c.max_feedback_bytes, 64);
  c.max_age_us = std::max<TimeUs>(c.max_age_us, 0);
  c.early_feedback_packets = std::max<std::size_t>(c.early_feedback_packets, 1);
  return c;
}

}  // namespace

TwccRecorder::TwccRecorder(const TwccRecorderConfig& config) : config_(clamped(config)) {}

std::int64_t TwccRecorder::unwrap(std::uint16_t sequence) const {
  const auto diff = static_cast<std::int16_t>(sequence - static_cast<std::uint16_t>(highest_));
  return highest_ + diff;
}

void TwccRecorder::start_over(std::int64_t seq) {
  drop_front(arrivals_.size());
  begin_ = seq;
  highest_ = seq - 1;
  next_report_ = seq;
  stale_in_a_row_ = 0;
}

void TwccRecorder::drop_front(std::size_t count) {
  for (std::size_t i = 0; i < count && !arrivals_.empty(); ++i) {
    if (begin_ >= next_report_ && arrivals_.front() != kNotReceived) ++stats_.unreported;
    arrivals_.pop_front();
    ++begin_;
  }
  next_report_ = std::max(next_report_, begin_);
}

// Grows the history to end at `seq`, gaps marked not received, within max_packets.
void TwccRecorder::append_up_to(std::int64_t seq) {
  const auto limit = static_cast<std::int64_t>(config_.max_packets);
  if (seq - limit + 1 > highest_) {
    // Nothing held would stay: a jump of thousands is a restart rather than a loss burst
    // worth thousands of "not received" statuses.
    ++stats_.resyncs;
    start_over(seq);
  } else if (seq - limit + 1 > begin_) {
    drop_front(static_cast<std::size_t>(seq - limit + 1 - begin_));
  }
  while (highest_ < seq) {
    arrivals_.push_back(kNotReceived);
    ++highest_;
  }
}

// History already reported is kept max_age_us for late arrivals. A gap at the front goes
// as soon as it is reported: what came after it is about as old.
void TwccRecorder::drop_reported(TimeUs now_us) {
  const TimeUs horizon = now_us > std::numeric_limits<TimeUs>::min() + config_.max_age_us
                             ? now_us - config_.max_age_us
                             : std::numeric_limits<TimeUs>::min();
  while (!arrivals_.empty() && begin_ < next_report_ &&
         (arrivals_.front() == kNotReceived || arrivals_.front() < horizon)) {
    arrivals_.pop_front();
    ++begin_;
  }
}

TimeUs TwccRecorder::arrival(std::int64_t seq) const {
  return arrivals_[static_cast<std::size_t>(seq - begin_)];
}

void TwccRecorder::record(std::uint16_t sequence, TimeUs arrival_us) {
  arrival_us = std::max(arrival_us, kNotReceived + 1);
  if (!started_) {
    started_ = true;
    start_over(sequence);
  }
  drop_reported(arrival_us);
  std::int64_t seq = unwrap(sequence);
  if (seq < begin_) {
    if (++stale_in_a_row_ < kResyncAfter) {
      ++stats_.too_old;
      return;
    }
    // Continue in the next 2^16 cycle so unwrapped sequence numbers keep growing.
    ++stats_.resyncs;
    seq = (highest_ / kSequenceCycle + 1) * kSequenceCycle + sequence;
    start_over(seq);
  }
  stale_in_a_row_ = 0;
  if (seq > highest_) {
    append_up_to(seq);
    arrivals_.back() = arrival_us;
  } else {
    TimeUs& slot = arrivals_[static_cast<std::size_t>(seq - begin_)];
    if (slot != kNotReceived) {
      ++stats_.duplicates;
      return;
    }
    slot = arrival_us;
    if (seq < next_report_) {
      // Reported not received already: report again from here, as libwebrtc's receiver
      // does, so the sender's loss estimate does not count reordering as loss.
      ++stats_.late;
      next_report_ = seq;
    }
  }
  ++stats_.recorded;
  ++received_since_feedback_;
  if (!feedback_clock_started_) {
    feedback_clock_started_ = true;
    last_feedback_us_ = arrival_us;
  }
}

bool TwccRecorder::feedback_due(TimeUs now_us) const {
  if (received_since_feedback_ == 0 || next_report_ > highest_) return false;
  return received_since_feedback_ >= config_.early_feedback_packets ||
         now_us - last_feedback_us_ >= config_.feedback_interval_us;
}

rtcp::TransportFeedback TwccRecorder::next_feedback(std::int64_t from, std::int64_t end) const {
  rtcp::TransportFeedback fb;
  fb.sender_ssrc = config_.sender_ssrc;
  fb.media_ssrc = config_.media_ssrc;
  fb.base_sequence = static_cast<std::uint16_t>(from);
  fb.reference_time_64ms = last_reference_;  // kept if nothing in it was received
  // Every received packet costs at least a byte of delta: walking further than this is
  // wasted, the size trim would cut there anyway.
  const std::size_t max_received = config_.max_feedback_bytes - kFixedBytes;
  fb.packets.reserve(std::min(static_cast<std::size_t>(end - from), max_received));
  std::size_t received = 0;
  bool have_reference = false;
  std::int64_t previous_tick = 0;
  for (std::int64_t seq = from; seq < end && fb.packets.size() < kMaxStatuses; ++seq) {
    rtcp::TransportFeedback::Packet packet{static_cast<std::uint16_t>(seq), false, 0};
    const TimeUs at = arrival(seq);
    if (at != kNotReceived) {
      if (received++ == max_received) break;
      // Deltas go from tick to tick, not from exact times, so rounding never accumulates.
      const std::int64_t tick = floor_div(at, kTickUs);
      if (!have_reference) {
        // The first delta is from the reference time (§3.1), so 0..255 ticks: 1 byte.
        const std::int64_t reference = floor_div(tick, kTicksPerReference);
        fb.reference_time_64ms = wrap24(reference);
        previous_tick = reference * kTicksPerReference;
        have_reference = true;
      }
      const std::int64_t delta = tick - previous_tick;
      if (delta < kMinDeltaTicks || delta > kMaxDeltaTicks) break;  // next one, new reference
      packet.received = true;
      packet.delta_us = delta * kTickUs;
      previous_tick = tick;
    }
    fb.packets.push_back(packet);
  }
  return fb;
}

// Keeps the longest prefix whose encoding (the rtcp module's own chunk choice) fits
// max_feedback_bytes. Measured by encoding, so it holds whatever chunks the writer picks.
void TwccRecorder::trim_to_size(rtcp::TransportFeedback& fb) const {
  std::vector<std::uint8_t> scratch;
  scratch.reserve(config_.max_feedback_bytes + 16);
  rtcp::RtcpPacket probe = fb;
  const auto fits = [&] {
    scratch.clear();
    return rtcp::try_append_rtcp(scratch, probe) && scratch.size() <= config_.max_feedback_bytes;
  };
  if (fits()) return;
  auto& candidate = std::get<rtcp::TransportFeedback>(probe);
  // One status always fits (24 bytes); the whole does not. Bytes grow with the prefix, up
  // to a chunk's worth of difference, so the search lands on (nearly) the longest prefix.
  std::size_t fit = 1;
  std::size_t too_long = fb.packets.size();
  while (too_long - fit > 1) {
    const std::size_t mid = fit + (too_long - fit) / 2;
    candidate.packets.assign(fb.packets.begin(),
                             fb.packets.begin() + static_cast<std::ptrdiff_t>(mid));
    if (fits()) {
      fit = mid;
    } else {
      too_long = mid;
    }
  }
  fb.packets.resize(fit);
}

std::vector<rtcp::TransportFeedback> TwccRecorder::build_feedback(TimeUs now_us) {
  std::vector<rtcp::TransportFeedback> out;
  if (started_ && next_report_ <= highest_) {
    const std::int64_t end = highest_ + 1;
    for (std::int64_t from = next_report_; from < end;) {
      rtcp::TransportFeedback fb = next_feedback(from, end);
      trim_to_size(fb);
      from += static_cast<std::int64_t>(fb.packets.size());
      fb.feedback_count = feedback_count_++;  // 8 bits, wraps (§3.1)
      last_reference_ = fb.reference_time_64ms;
      out.push_back(std::move(fb));
    }
    next_report_ = end;
    stats_.feedbacks += out.size();
  }
  received_since_feedback_ = 0;
  last_feedback_us_ = now_us;
  feedback_clock_started_ = true;
  drop_reported(now_us);
  return out;
}

}  // namespace bailanys::sfu::bwe
