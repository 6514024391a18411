// The measurement block every generated RTP payload carries right after its codec header
// (the Opus TOC byte; the VP8 payload descriptor and, at a frame start, the VP8 frame header):
//   magic "BL" | stream id (u32) | packet number in the stream (u32) | send time, steady µs (u64)
// Subscribers read it back to match what they got with what was sent, whatever the SFU did to
// the RTP header (SSRC, sequence numbers, timestamps are all rewritten per subscriber).
#pragma once

#include "common/bytes.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace bailanys::load {

inline constexpr std::size_t kProbeSize = 18;

// stream id = run id (16 bits, random per process) | publisher index (13 bits) | simulcast
// layer (2 bits: 0 lowest; 0 without simulcast) | video bit.
inline std::uint32_t make_stream_id(std::uint16_t run_id, int publisher_index, bool video,
                                    int layer = 0) {
  return (std::uint32_t{run_id} << 16) |
         (static_cast<std::uint32_t>(publisher_index & 0x1FFF) << 3) |
         (static_cast<std::uint32_t>(layer & 3) << 1) | (video ? 1U : 0U);
}
inline std::uint16_t stream_run_id(std::uint32_t stream_id) {
  return static_cast<std::uint16_t>(stream_id >> 16);
}
inline int stream_publisher(std::uint32_t stream_id) {
  return static_cast<int>((stream_id >> 3) & 0x1FFF);
}
inline int stream_layer(std::uint32_t stream_id) { return static_cast<int>((stream_id >> 1) & 3U); }
// The stream id of a publisher's track whatever its layer (the layer bits cleared).
inline std::uint32_t stream_track(std::uint32_t stream_id) { return stream_id & ~std::uint32_t{6}; }
inline bool stream_is_video(std::uint32_t stream_id) { return (stream_id & 1U) != 0; }

struct Probe {
  std::uint32_t stream_id = 0;
  std::uint32_t number = 0;
  std::int64_t sent_us = 0;
};

inline void write_probe(std::uint8_t* out, const Probe& p) {
  out[0] = 'B';
  out[1] = 'L';
  store_be32(out + 2, p.stream_id);
  store_be32(out + 6, p.number);
  store_be64(out + 10, static_cast<std::uint64_t>(p.sent_us));
}

inline std::optional<Probe> read_probe(std::span<const std::uint8_t> payload, std::size_t offset) {
  if (payload.size() < offset + kProbeSize) return std::nullopt;
  const std::uint8_t* p = payload.data() + offset;
  if (p[0] != 'B' || p[1] != 'L') return std::nullopt;
  return Probe{load_be32(p + 2), load_be32(p + 6), static_cast<std::int64_t>(load_be64(p + 10))};
}

}  // namespace bailanys::load
