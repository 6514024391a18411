// One track a participant publishes (a microphone, a camera, a screen): what its publish
// m-section negotiated, and the subscribers' DownTracks it feeds. Owned by the publisher's
// RoomParticipant; DownTracks point back at it until it goes away.
#pragma once

#include "rtc/rtp/codecs.hpp"
#include "sdp/session_description.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace bailanys::sfu {

class DownTrack;

struct PublishedTrack {
  std::string publisher_id;  // participant id
  std::string mid;           // in the publisher's session
  std::string source;        // mic, camera, screen
  sdp::MediaKind kind = sdp::MediaKind::Audio;
  std::uint32_t ssrc = 0;  // learned from a=ssrc or the MID header extension; 0 = not yet
  bool ssrc_signalled = false;  // from a=ssrc: a packet's MID cannot move the track elsewhere
  std::vector<sdp::Codec> codecs;  // the publisher's payload types, as answered
  std::uint32_t codecs_version = 0;  // bumped on renegotiation (DownTracks re-map PTs)
  std::vector<DownTrack*> down_tracks;
  std::uint64_t packets = 0;

  [[nodiscard]] bool video() const { return kind == sdp::MediaKind::Video; }
  // The codec of a payload type, or nullptr.
  [[nodiscard]] const sdp::Codec* codec(std::uint8_t payload_type) const {
    for (const auto& c : codecs) {
      if (c.payload_type == payload_type) return &c;
    }
    return nullptr;
  }
};

}  // namespace bailanys::sfu
