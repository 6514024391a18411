// All media workers of the process, behind the MediaService command API. New sessions go to
// the least loaded worker; a room is pinned to one worker by its id.
#pragma once

#include "sfu/media_service.hpp"
#include "sfu/media_worker.hpp"

#include <memory>
#include <vector>

namespace bailanys::sfu {

class MediaWorkers final : public MediaService {
 public:
  explicit MediaWorkers(std::vector<std::unique_ptr<MediaWorker>> workers);
  ~MediaWorkers() override;

  void start();
  void stop();
  void start_echo(EchoRequest request, std::function<void(EchoResult)> done) override;
  void set_room_event_sink(RoomEventSink sink) override;
  void join_media(RoomId room, std::string participant_id) override;
  void leave_media(RoomId room, std::string participant_id) override;
  void publish(RoomId room, std::string participant_id, std::string offer_sdp,
               TrackSources sources) override;
  void subscribe_answer(RoomId room, std::string participant_id, std::string answer_sdp,
                        std::uint64_t version) override;
  void set_view(RoomId room, std::string participant_id, std::vector<TileView> tiles) override;
  void set_receive_prefs(RoomId room, std::string participant_id, ReceivePrefs prefs) override;
  void set_video_cap(RoomId room, VideoCap cap) override;

  [[nodiscard]] const std::vector<std::unique_ptr<MediaWorker>>& workers() const { return workers_; }

 private:
  // A room lives on one worker for its whole life: the room id picks it.
  MediaWorker* worker_for(RoomId room);
  void unavailable(RoomId room, const std::string& participant_id, std::string ref);

  std::vector<std::unique_ptr<MediaWorker>> workers_;
  RoomEventSink sink_;
};

}  // namespace bailanys::sfu
