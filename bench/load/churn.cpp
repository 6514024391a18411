#include "churn.hpp"

#include <map>

namespace bailanys::load {

Churn::Churn(const LoadOptions& options, Crowd& crowd,
             std::vector<std::vector<Participant*>> occupants, Replace replace)
    : options_(options),
      crowd_(crowd),
      occupants_(std::move(occupants)),
      cursor_(occupants_.size(), 0),
      replace_(std::move(replace)) {
  for (const auto& room : occupants_) busy_.emplace_back(room.size(), false);
}

void Churn::run(TimeUs window_start) {
  const int events = churn_events(options_);
  const auto drain = static_cast<TimeUs>(options_.leave_drain_s * 1e6);
  const auto event_at = [&](int j) {
    return window_start + static_cast<TimeUs>(static_cast<double>(j) / options_.churn_per_s * 1e6);
  };
  std::multimap<TimeUs, Leaving> closing;  // second steps, by time
  int next = 1;
  while (next <= events || !closing.empty()) {
    const bool event_first =
        next <= events && (closing.empty() || event_at(next) <= closing.begin()->first);
    if (event_first) {
      sleep_until(event_at(next));
      if (const auto l = leave(static_cast<std::size_t>(next - 1) % occupants_.size())) {
        closing.emplace(now_us() + drain, *l);
      }
      ++next;
    } else {
      sleep_until(closing.begin()->first);
      replace(closing.begin()->second);
      closing.erase(closing.begin());
    }
  }
}

std::optional<Churn::Leaving> Churn::leave(std::size_t room) {
  const int places = static_cast<int>(occupants_[room].size());
  for (int tried = 0; tried < places; ++tried) {
    const int slot = cursor_[room];
    cursor_[room] = (slot + 1) % places;
    const auto s = static_cast<std::size_t>(slot);
    if (busy_[room][s]) continue;
    busy_[room][s] = true;
    Participant* leaver = occupants_[room][s];
    crowd_.post(*leaver, [](Participant& p) { p.begin_leave(now_us()); });
    return Leaving{room, slot, leaver};
  }
  return std::nullopt;  // every place of the room is changing hands already: nobody to move
}

void Churn::replace(const Leaving& l) {
  crowd_.post(*l.leaver, [](Participant& p) { p.close(); });
  Participant& fresh = replace_(l.room, l.slot);
  crowd_.start(fresh);
  const auto s = static_cast<std::size_t>(l.slot);
  occupants_[l.room][s] = &fresh;
  busy_[l.room][s] = false;
}

}  // namespace bailanys::load
