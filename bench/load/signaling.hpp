// How a synthetic participant talks to the server under test, whatever its protocol. The
// Bailanys adapter (bailanys_signaling.hpp) speaks docs/PROTOCOL.md; a Janus VideoRoom adapter
// fits the same shape: the publisher offers and the server answers, the server offers what to
// receive (again whenever publishers come and go) and the participant answers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace bailanys::load {

struct OfferedTrackInfo {
  std::string mid, participant_id, source;
  bool video = false;
};

struct SubscribeOffer {
  std::string sdp;
  std::uint64_t version = 0;
  std::vector<OfferedTrackInfo> tracks;
};

// Called on the session's io_context thread. The listener may call back into the session.
class SignalingListener {
 public:
  virtual ~SignalingListener() = default;
  virtual void on_signaling_open() = 0;                       // connection to the server is up
  virtual void on_joined(const std::string& self_id) = 0;     // in the room: publish now
  virtual void on_publish_answer(const std::string& sdp) = 0;
  virtual void on_subscribe_offer(const SubscribeOffer& offer) = 0;
  // `fatal`: the session is over (socket closed, refused join, media refused).
  virtual void on_signaling_error(const std::string& code, const std::string& message, bool fatal) = 0;
};

class SignalingSession {
 public:
  virtual ~SignalingSession() = default;
  // Connects and joins; the listener hears open, joined, then the first subscribe offer.
  virtual void start() = 0;
  // sources: mid -> "mic" / "camera".
  virtual void publish(const std::string& offer_sdp, const std::map<std::string, std::string>& sources) = 0;
  virtual void answer_subscribe(const std::string& answer_sdp, std::uint64_t version) = 0;
  // Simulcast: the layer (0 lowest .. simulcast_layers.hpp's kTopLayer) to receive of every
  // camera, from now on and for cameras that appear later. Bailanys: `media.view` with a tile
  // height that wants that layer; Janus: `configure` with `substream`.
  virtual void want_video_layer(int layer) { (void)layer; }
  // Leaves cleanly and closes; no listener calls afterwards.
  virtual void close() = 0;
};

class SignalingAdapter {
 public:
  virtual ~SignalingAdapter() = default;
  // Once, on the main thread, before any session: creates `rooms` rooms when none was given
  // (with a given room, `rooms` is 1). Throws std::runtime_error with a readable message.
  virtual void prepare(int rooms) = 0;
  [[nodiscard]] virtual std::string server_name() const = 0;  // "bailanys"
  [[nodiscard]] virtual const std::vector<std::string>& rooms() const = 0;
  // A session joining rooms()[room].
  virtual std::unique_ptr<SignalingSession> create_session(boost::asio::io_context& io,
                                                           SignalingListener& listener,
                                                           const std::string& display_name,
                                                           std::size_t room) = 0;
};

}  // namespace bailanys::load
