#include "sfu/active_speaker.hpp"

#include <algorithm>

namespace bailanys::sfu {

ActiveSpeakerDetector::ActiveSpeakerDetector(Options options) : options_(options) {
  options_.bin_ms = std::max<TimeMs>(kMinBinMs, options_.bin_ms);
  window_bins_ = std::clamp<std::int64_t>(options_.window_ms / options_.bin_ms, 1, 100);
  options_.window_ms = window_bins_ * options_.bin_ms;
  options_.takeover_percent = std::clamp(options_.takeover_percent, 1, 100);
  // Round up: 70 % of 10 bins is 7, of 12 bins 9.
  bins_to_lead_ = (window_bins_ * options_.takeover_percent + 99) / 100;
}

void ActiveSpeakerDetector::add(ParticipantId id) {
  auto& participant = participants_[id];
  // One slot more than the window: the bin in progress must not overwrite the window's oldest.
  if (participant.bins.empty()) participant.bins.resize(static_cast<std::size_t>(window_bins_ + 1));
}

bool ActiveSpeakerDetector::remove(ParticipantId id) {
  participants_.erase(id);
  if (dominant_ != id) return false;
  dominant_.reset();
  return true;
}

bool ActiveSpeakerDetector::on_audio_level(ParticipantId id, std::uint8_t level, bool voice,
                                           TimeMs now) {
  const auto it = participants_.find(id);
  if (it == participants_.end()) return false;
  level &= 0x7F;
  if (level > options_.speech_level || (options_.use_voice_flag && !voice)) return true;

  const std::int64_t index = std::max<TimeMs>(0, now) / options_.bin_ms;
  auto& bins = it->second.bins;
  Bin& bin = bins[static_cast<std::size_t>(index) % bins.size()];
  if (bin.index > index) return true;  // older than the window: no longer counts
  if (bin.index < index) bin = Bin{index, 0};
  const auto loudness = static_cast<std::uint8_t>(options_.speech_level - level + 1);
  bin.loudness = std::max(bin.loudness, loudness);
  return true;
}

std::optional<ActiveSpeakerDetector::ParticipantId> ActiveSpeakerDetector::update(TimeMs now) {
  // The last window_bins_ completed bins; the one in progress would count partly.
  const std::int64_t end = std::max<TimeMs>(0, now) / options_.bin_ms;
  const std::int64_t begin = end - window_bins_;
  const Participant* current = nullptr;
  if (dominant_) {
    const auto it = participants_.find(*dominant_);
    if (it != participants_.end()) current = &it->second;
  }

  std::optional<ParticipantId> best;
  std::int64_t best_lead = 0;
  std::int64_t best_loudness = 0;
  for (const auto& [id, participant] : participants_) {
    if (dominant_ == id) continue;
    std::int64_t lead = 0;
    std::int64_t loudness_sum = 0;
    for (std::int64_t index = begin; index < end; ++index) {
      const int mine = loudness_in(participant, index);
      if (mine == 0) continue;
      loudness_sum += mine;
      const int theirs = current != nullptr ? loudness_in(*current, index) : 0;
      if (theirs == 0 || mine >= theirs + options_.lead_margin_db) ++lead;
    }
    if (lead < bins_to_lead_) continue;
    // Most bins led wins; then the louder; then the lower id, so the outcome never depends on
    // hash order.
    const bool better = !best || lead > best_lead ||
                        (lead == best_lead && (loudness_sum > best_loudness ||
                                               (loudness_sum == best_loudness && id < *best)));
    if (better) {
      best = id;
      best_lead = lead;
      best_loudness = loudness_sum;
    }
  }
  if (!best) return std::nullopt;
  dominant_ = best;
  return best;
}

std::uint8_t ActiveSpeakerDetector::loudness_in(const Participant& p, std::int64_t index) const {
  if (index < 0) return 0;
  const Bin& bin = p.bins[static_cast<std::size_t>(index) % p.bins.size()];
  return bin.index == index ? bin.loudness : 0;
}

}  // namespace bailanys::sfu
