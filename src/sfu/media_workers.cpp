#include "sfu/media_workers.hpp"

#include <algorithm>

namespace bailanys::sfu {

MediaWorkers::MediaWorkers(std::vector<std::unique_ptr<MediaWorker>> workers)
    : workers_(std::move(workers)) {}

MediaWorkers::~MediaWorkers() { stop(); }

void MediaWorkers::start() {
  for (auto& w : workers_) w->start();
}

void MediaWorkers::stop() {
  for (auto& w : workers_) w->stop();
}

void MediaWorkers::start_echo(EchoRequest request, std::function<void(EchoResult)> done) {
  if (workers_.empty()) {
    done({503, "", "", "media_unavailable", "this server runs no media workers"});
    return;
  }
  auto least = std::min_element(workers_.begin(), workers_.end(),
                                [](const auto& a, const auto& b) { return a->load() < b->load(); });
  (*least)->start_echo(std::move(request), std::move(done));
}

}  // namespace bailanys::sfu

namespace bailanys::sfu {

void MediaWorkers::set_room_event_sink(RoomEventSink sink) {
  sink_ = sink;
  for (auto& w : workers_) w->set_room_event_sink(sink);
}

MediaWorker* MediaWorkers::worker_for(RoomId room) {
  if (workers_.empty()) return nullptr;
  return workers_[static_cast<std::uint64_t>(room) % workers_.size()].get();
}

void MediaWorkers::unavailable(RoomId room, const std::string& participant_id, std::string ref) {
  if (!sink_) return;
  RoomEvent e;
  e.type = RoomEvent::Type::Error;
  e.room_id = room;
  e.participant_id = participant_id;
  e.code = "media_unavailable";
  e.message = "this server runs no media workers";
  e.ref = std::move(ref);
  sink_(std::move(e));
}

void MediaWorkers::join_media(RoomId room, std::string participant_id) {
  if (auto* w = worker_for(room)) return w->join_media(room, std::move(participant_id));
  unavailable(room, participant_id, "media.join");
}

void MediaWorkers::leave_media(RoomId room, std::string participant_id) {
  if (auto* w = worker_for(room)) w->leave_media(room, std::move(participant_id));
}

void MediaWorkers::publish(RoomId room, std::string participant_id, std::string offer_sdp,
                           TrackSources sources) {
  if (auto* w = worker_for(room)) {
    return w->publish(room, std::move(participant_id), std::move(offer_sdp), std::move(sources));
  }
  unavailable(room, participant_id, "media.publish");
}

void MediaWorkers::subscribe_answer(RoomId room, std::string participant_id,
                                    std::string answer_sdp, std::uint64_t version) {
  if (auto* w = worker_for(room)) {
    return w->subscribe_answer(room, std::move(participant_id), std::move(answer_sdp), version);
  }
  unavailable(room, participant_id, "media.subscribeAnswer");
}

void MediaWorkers::set_view(RoomId room, std::string participant_id, std::vector<TileView> tiles) {
  if (auto* w = worker_for(room)) w->set_view(room, std::move(participant_id), std::move(tiles));
}

void MediaWorkers::set_receive_prefs(RoomId room, std::string participant_id, ReceivePrefs prefs) {
  if (auto* w = worker_for(room)) w->set_receive_prefs(room, std::move(participant_id), std::move(prefs));
}

void MediaWorkers::set_video_cap(RoomId room, VideoCap cap) {
  if (auto* w = worker_for(room)) w->set_video_cap(room, cap);
}

}  // namespace bailanys::sfu
