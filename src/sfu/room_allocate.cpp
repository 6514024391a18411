// Adaptive quality in a room (issue 5): what each subscriber shows and wants, the owner's cap,
// and (from the bandwidth estimate) which simulcast layer of each video track it gets.
#include "sfu/room.hpp"
#include "sfu/room_participant.hpp"

namespace bailanys::sfu {

void Room::set_view(const std::string& participant_id, const std::vector<TileView>& tiles,
                    TimeMs /*now*/) {
  Participant* p = find(participant_id);
  if (p == nullptr) return;
  p->view = tiles;
  p->view_known = true;
  p->allocation_dirty = true;
}

void Room::set_receive_prefs(const std::string& participant_id, const ReceivePrefs& prefs,
                             TimeMs /*now*/) {
  Participant* p = find(participant_id);
  if (p == nullptr) return;
  p->prefs = prefs;
  p->allocation_dirty = true;
}

void Room::set_video_cap(VideoCap cap, TimeMs /*now*/) {
  video_cap_ = cap;
  for (auto& [id, p] : participants_) p->allocation_dirty = true;
}

}  // namespace bailanys::sfu
