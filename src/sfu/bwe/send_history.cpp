#include "sfu/bwe/send_history.hpp"

#include <algorithm>

namespace bailanys::sfu::bwe {

namespace {

constexpr TimeUs kReferenceUnitUs = 64'000;  // reference time unit (§3.1)
// Garbage bounds: a receive delta on the wire is at most ±8.2 s; anything beyond ±1 h is
// clamped so sums of 2^16 of them stay far from overflow.
constexpr std::int64_t kMaxDeltaUs = 3'600'000'000;
constexpr std::int64_t kMaxReferenceUnits = std::int64_t{1} << 40;

std::int32_t wrap24(std::int64_t value) {
  return static_cast<std::int32_t>((value & 0xFFFFFF) ^ 0x800000) - 0x800000;
}

}  // namespace

SendHistory::SendHistory(TimeUs max_age_us, std::size_t max_packets)
    : max_age_us_(std::max<TimeUs>(max_age_us, 0)),
      max_packets_(std::clamp<std::size_t>(max_packets, 64, 16384)) {}

std::int64_t SendHistory::unwrap(std::uint16_t sequence) const {
  const auto diff = static_cast<std::int16_t>(sequence - static_cast<std::uint16_t>(highest_));
  return highest_ + diff;
}

void SendHistory::pop_front() {
  const Entry& front = packets_.front();
  if (front.sent && front.status == Status::NoFeedback) ++stats_.evicted_unacked;
  packets_.pop_front();
  ++begin_;
}

void SendHistory::evict(TimeUs now) {
  while (!packets_.empty() &&
         (packets_.size() > max_packets_ || !packets_.front().sent ||
          now - packets_.front().send_us > max_age_us_)) {
    pop_front();
  }
  if (packets_.empty()) begin_ = highest_ + 1;
}

void SendHistory::on_packet_sent(std::uint16_t sequence, std::size_t bytes, TimeUs now,
                                 int probe_cluster) {
  ++stats_.sent;
  if (!started_) {
    started_ = true;
    highest_ = static_cast<std::int64_t>(sequence) - 1;
    begin_ = sequence;
  }
  const std::int64_t seq = unwrap(sequence);
  const Entry entry{.send_us = now, .bytes = bytes, .probe_cluster = probe_cluster,
                    .status = Status::NoFeedback, .sent = true};
  if (seq <= highest_) {
    // Sent again under a number already used: keep the newest (a restart is caught below).
    if (seq >= begin_) packets_[static_cast<std::size_t>(seq - begin_)] = entry;
    return;
  }
  if (seq - highest_ > static_cast<std::int64_t>(max_packets_)) {
    // A jump past the whole history: the numbering restarted; nothing held can match.
    packets_.clear();
    begin_ = seq;
  } else {
    while (highest_ + 1 < seq) {
      packets_.push_back(Entry{});
      ++highest_;
    }
  }
  packets_.push_back(entry);
  highest_ = seq;
  evict(now);
}

TimeUs SendHistory::reference_us(std::int32_t reference_time_64ms) {
  if (!have_reference_) {
    have_reference_ = true;
    reference_unwrapped_ = 0;
  } else {
    reference_unwrapped_ += wrap24(std::int64_t{reference_time_64ms} - last_reference_);
    reference_unwrapped_ = std::clamp(reference_unwrapped_, -kMaxReferenceUnits, kMaxReferenceUnits);
  }
  last_reference_ = reference_time_64ms;
  return reference_unwrapped_ * kReferenceUnitUs;
}

std::vector<PacketResult> SendHistory::on_feedback(const rtc::rtcp::TransportFeedback& feedback) {
  std::vector<PacketResult> out;
  if (!started_ || feedback.packets.empty()) return out;
  out.reserve(feedback.packets.size());
  TimeUs arrival = reference_us(feedback.reference_time_64ms);
  for (const auto& p : feedback.packets) {
    if (p.received) arrival += std::clamp(p.delta_us, -kMaxDeltaUs, kMaxDeltaUs);
    const std::int64_t seq = unwrap(p.sequence);
    if (seq < begin_ || seq > highest_) {
      ++stats_.unknown;
      continue;
    }
    Entry& e = packets_[static_cast<std::size_t>(seq - begin_)];
    if (!e.sent) {
      ++stats_.unknown;
      continue;
    }
    const Status now_status = p.received ? Status::Received : Status::Lost;
    if (e.status == Status::Received || e.status == now_status) {
      ++stats_.duplicates;
      continue;
    }
    if (e.status == Status::Lost) ++stats_.late;
    e.status = now_status;
    out.push_back(PacketResult{.sequence = seq, .send_us = e.send_us, .arrival_us = arrival,
                               .bytes = e.bytes, .probe_cluster = e.probe_cluster,
                               .received = p.received});
  }
  return out;
}

}  // namespace bailanys::sfu::bwe
