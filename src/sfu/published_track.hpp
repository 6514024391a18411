// One track a participant publishes (a microphone, a camera, a screen): what its publish
// m-section negotiated, its simulcast layers, and the subscribers' DownTracks it feeds. Owned by
// the publisher's RoomParticipant; DownTracks point back at it until it goes away.
#pragma once

#include "common/clock.hpp"
#include "rtc/rtp/codecs.hpp"
#include "sdp/session_description.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace bailanys::sfu {

class DownTrack;

// One encoding of a track: the only one, or one simulcast layer (RFC 8853) named by its rid.
// A layer with no packet for this long is off (Chromium stops sending a layer its uplink cannot
// carry; several frame intervals of the slowest layer, so a hiccup does not count).
inline constexpr TimeMs kLayerActiveMs = 1500;

struct TrackLayer {
  std::string rid;         // empty without simulcast
  std::uint32_t ssrc = 0;  // learned from a=ssrc, the RID or the MID header extension; 0 = not yet
  std::uint64_t packets = 0, bytes = 0;  // payload bytes received
  TimeMs last_packet_at = -1;
  [[nodiscard]] bool active(TimeMs now) const {
    return ssrc != 0 && last_packet_at >= 0 && now - last_packet_at < kLayerActiveMs;
  }
  // Measured over the last interval (room timer); 0 until measured.
  std::uint64_t bitrate_bps = 0;
  std::uint64_t bytes_at_last_measure = 0;
  std::uint32_t width = 0, height = 0;  // from the last VP8 keyframe; 0 = unknown
  // Upstream loss (publisher -> server), from sequence numbers.
  bool seq_started = false;
  std::int64_t highest_seq = 0;  // extended
  std::uint64_t expected_at_measure = 0, received_at_measure = 0;
  std::int64_t first_seq = 0;
};

struct PublishedTrack {
  std::string publisher_id;  // participant id
  std::string mid;           // in the publisher's session
  std::string source;        // mic, camera, screen
  sdp::MediaKind kind = sdp::MediaKind::Audio;
  // Layers from the lowest to the highest quality; exactly one without simulcast.
  std::vector<TrackLayer> layers = std::vector<TrackLayer>(1);
  bool ssrc_signalled = false;       // from a=ssrc: a packet's MID cannot move the track elsewhere
  std::vector<sdp::Codec> codecs;    // the publisher's payload types, as answered
  std::uint32_t codecs_version = 0;  // bumped on renegotiation (DownTracks re-map PTs)
  std::vector<DownTrack*> down_tracks;
  std::uint64_t packets = 0;

  [[nodiscard]] bool video() const { return kind == sdp::MediaKind::Video; }
  [[nodiscard]] bool simulcast() const { return layers.size() > 1 || !layers.front().rid.empty(); }
  // The SSRC of the only (or lowest) layer; 0 = not known yet.
  [[nodiscard]] std::uint32_t ssrc() const { return layers.front().ssrc; }
  // The layer an SSRC belongs to, or -1.
  [[nodiscard]] int layer_of(std::uint32_t ssrc) const {
    for (std::size_t i = 0; i < layers.size(); ++i) {
      if (layers[i].ssrc == ssrc && ssrc != 0) return static_cast<int>(i);
    }
    return -1;
  }
  // The codec of a payload type, or nullptr.
  [[nodiscard]] const sdp::Codec* codec(std::uint8_t payload_type) const {
    for (const auto& c : codecs) {
      if (c.payload_type == payload_type) return &c;
    }
    return nullptr;
  }
};

}  // namespace bailanys::sfu
