// What a Room needs from the media worker it lives on: transports registered with the
// worker's demultiplexer, the worker's candidates, and a way to tell the control thread.
#pragma once

#include "rtc/transport/webrtc_transport.hpp"
#include "sdp/session_description.hpp"
#include "sfu/room_events.hpp"

#include <memory>
#include <string>
#include <vector>

namespace bailanys::sfu {

class RoomHost {
 public:
  virtual ~RoomHost() = default;
  // A new transport, already known to the demultiplexer.
  virtual std::unique_ptr<rtc::transport::WebRtcTransport> create_transport(
      rtc::transport::WebRtcTransportListener& listener) = 0;
  // Closes it (DTLS close_notify) and forgets it in the demultiplexer.
  virtual void destroy_transport(std::unique_ptr<rtc::transport::WebRtcTransport> transport) = 0;
  [[nodiscard]] virtual std::vector<sdp::Candidate> room_candidates() const = 0;
  virtual void emit(RoomEvent event) = 0;
};

struct RoomOptions {
  std::string video_codec = "VP8";  // the room's one video codec (docs/PROTOCOL.md, "Media")
  // A receive offer holds one m-section per track; the SDP parser caps offers at 64.
  std::size_t max_receive_sections = 63;
  TimeMs keyframe_interval_ms = 500;  // at most one keyframe request per publisher stream
  TimeMs publisher_keyframe_interval_ms = 100;  // and per publisher, over all its layers
  std::size_t last_n = 9;  // most cameras one subscriber receives video of (docs/ALLOCATOR.md)
  TimeMs speaker_interval_ms = 300;
};

}  // namespace bailanys::sfu
