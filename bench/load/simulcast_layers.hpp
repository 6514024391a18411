// The simulcast layers a publisher sends with --simulcast, like Chromium's camera at 720p: three
// encodings named by rid (RFC 8851) from the lowest to the highest, each on its own SSRC with the
// RID header extension (RFC 8852) on every packet, the frame size in each VP8 keyframe header
// (the server learns layer heights from it) and a share of --video-kbps. Layer 0 is the lowest,
// as in the probe's stream id, Bailanys's `media.receiving` and Janus's `substream`.
#pragma once

#include <array>
#include <cstdint>

namespace bailanys::load {

struct SimulcastLayer {
  const char* rid;
  std::uint16_t width, height;
  int bitrate_divisor;        // --video-kbps / this
  std::uint32_t tile_height;  // the tile height (device px) a subscriber asks for to get it
};

inline constexpr int kSimulcastLayers = 3;
inline constexpr int kTopLayer = kSimulcastLayers - 1;
inline constexpr std::array<SimulcastLayer, kSimulcastLayers> kLayers{{
    {"q", 320, 180, 10, 180},
    {"h", 640, 360, 3, 360},
    {"f", 1280, 720, 1, 720},
}};

// Without simulcast the one video stream is layer 0 and 640x360 at --video-kbps.
inline constexpr std::uint16_t kSingleWidth = 640, kSingleHeight = 360;

}  // namespace bailanys::load
