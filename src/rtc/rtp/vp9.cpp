// VP9 payload descriptor, RFC 9628 §4.2:
//   I P L F B E V Z | M PictureID (7 or 15) | TID U SID D | TL0PICIDX (non-flexible)
//   | P_DIFF N (flexible, up to 3) | SS (§4.2.1)
#include "rtc/rtp/codecs.hpp"

#include "common/bytes.hpp"

namespace bailanys::rtc::rtp {
namespace {

constexpr std::size_t kMaxPDiffs = 3;

// Scalability structure, RFC 9628 §4.2.1:
//   N_S Y G - - - | (WIDTH HEIGHT) x (N_S+1) if Y | N_G if G | (T U R - - | P_DIFF x R) x N_G
bool parse_scalability_structure(ByteReader& in, Vp9Descriptor& d) {
  const std::uint8_t head = in.u8();
  d.has_scalability_structure = true;
  d.spatial_layers = static_cast<std::uint8_t>((head >> 5) + 1);
  d.has_resolutions = (head & 0x10) != 0;
  if (d.has_resolutions) {
    for (std::size_t i = 0; i < d.spatial_layers; ++i) {
      d.widths[i] = in.u16();
      d.heights[i] = in.u16();
    }
  }
  if ((head & 0x08) != 0) {  // G: picture group description
    const std::uint8_t groups = in.u8();
    for (std::size_t g = 0; g < groups && in.ok(); ++g) {
      const std::uint8_t references = (in.u8() >> 2) & 0x03;  // R
      in.skip(references);
    }
  }
  return in.ok();
}

}  // namespace

std::optional<Vp9Descriptor> parse_vp9(std::span<const std::uint8_t> payload) {
  ByteReader in(payload);
  const std::uint8_t head = in.u8();
  if (!in.ok()) return std::nullopt;
  Vp9Descriptor d;
  const bool has_picture_id = (head & 0x80) != 0;
  d.inter_picture_predicted = (head & 0x40) != 0;
  const bool has_layers = (head & 0x20) != 0;
  d.flexible = (head & 0x10) != 0;
  d.start_of_frame = (head & 0x08) != 0;
  d.end_of_frame = (head & 0x04) != 0;
  const bool has_ss = (head & 0x02) != 0;
  d.not_upper_spatial_reference = (head & 0x01) != 0;

  if (has_picture_id) {
    const std::uint8_t first = in.u8();
    d.picture_id_15bit = (first & 0x80) != 0;  // M
    d.picture_id = d.picture_id_15bit
                       ? static_cast<std::uint16_t>(((first & 0x7F) << 8) | in.u8())
                       : static_cast<std::uint16_t>(first & 0x7F);
  }
  if (has_layers) {
    const std::uint8_t layers = in.u8();
    d.temporal_id = static_cast<std::uint8_t>(layers >> 5);
    d.switching_up_point = (layers & 0x10) != 0;
    d.spatial_id = static_cast<std::uint8_t>((layers >> 1) & 0x07);
    d.inter_layer_dependency = (layers & 0x01) != 0;
    if (!d.flexible) d.tl0_pic_idx = in.u8();
  }
  if (d.flexible && d.inter_picture_predicted) {
    bool more = true;
    while (more && in.ok()) {
      if (d.p_diff_count == kMaxPDiffs) return std::nullopt;  // §4.2: at most 3
      const std::uint8_t diff = in.u8();
      d.p_diffs[d.p_diff_count++] = static_cast<std::uint8_t>(diff >> 1);
      more = (diff & 0x01) != 0;  // N
    }
  }
  if (has_ss && !parse_scalability_structure(in, d)) return std::nullopt;
  if (!in.ok()) return std::nullopt;
  d.header_size = in.position();
  d.keyframe = !d.inter_picture_predicted && d.start_of_frame &&
               (!d.spatial_id || *d.spatial_id == 0);
  return d;
}

}  // namespace bailanys::rtc::rtp
