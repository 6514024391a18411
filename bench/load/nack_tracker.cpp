#include "nack_tracker.hpp"

namespace bailanys::load {

NackTracker::Arrival NackTracker::on_packet(std::uint16_t sequence, TimeUs now) {
  if (!started_) {
    started_ = true;
    highest_ = sequence;
    return Arrival::New;
  }
  // Extend to the value nearest the highest seen (RFC 3550 A.1 style wrap handling).
  const auto delta = static_cast<std::int16_t>(static_cast<std::uint16_t>(sequence - static_cast<std::uint16_t>(highest_)));
  const std::int64_t extended = highest_ + delta;
  if (extended > highest_) {
    const std::int64_t gap = extended - highest_ - 1;
    if (gap > 0 && static_cast<std::size_t>(gap) <= kMaxMissing) {
      for (std::int64_t s = highest_ + 1; s < extended; ++s) missing_[s] = Missing{now, 0};
      counters_.gaps_detected += static_cast<std::uint64_t>(gap);
    } else if (gap > 0) {
      counters_.abandoned += static_cast<std::uint64_t>(gap);
    }
    highest_ = extended;
    while (missing_.size() > kMaxMissing) {
      missing_.erase(missing_.begin());
      ++counters_.abandoned;
    }
    return Arrival::New;
  }
  if (const auto it = missing_.find(extended); it != missing_.end()) {
    missing_.erase(it);
    ++counters_.recovered;
    return Arrival::Recovered;
  }
  if (extended == highest_ || highest_ - extended < 1024) {
    ++counters_.duplicates;
    return Arrival::Duplicate;
  }
  return Arrival::Old;
}

std::size_t NackTracker::due(TimeUs now, std::vector<std::uint16_t>& out) {
  std::size_t given_up = 0;
  for (auto it = missing_.begin(); it != missing_.end();) {
    Missing& m = it->second;
    if (now - m.detected >= kGiveUpUs) {
      it = missing_.erase(it);
      ++counters_.abandoned;
      ++given_up;
      continue;
    }
    if (m.last_request == 0 || now - m.last_request >= kRetryUs) {
      m.last_request = now;
      out.push_back(static_cast<std::uint16_t>(it->first));
      ++counters_.requested;
    }
    ++it;
  }
  return given_up;
}

}  // namespace bailanys::load
