// VP8 payload descriptor, RFC 7741 §4.2:
//   X R N S R PID | I L T K RSV | M PictureID (7 or 15) | TL0PICIDX | TID Y KEYIDX
#include "rtc/rtp/codecs.hpp"

namespace bailanys::rtc::rtp {
namespace {

// Where the optional fields sit, so parse and the rewriters agree.
struct Vp8Layout {
  std::size_t picture_id_offset = 0;  // 0 = absent (offset 0 is the required byte)
  bool picture_id_15bit = false;
  std::size_t tl0_offset = 0;
  std::size_t tid_offset = 0;
  std::size_t header_size = 0;
};

std::optional<Vp8Layout> layout_of(std::span<const std::uint8_t> p) {
  if (p.empty()) return std::nullopt;
  Vp8Layout layout;
  std::size_t pos = 1;
  if ((p[0] & 0x80) != 0) {  // X: extension byte follows
    if (p.size() <= pos) return std::nullopt;
    const std::uint8_t ext = p[pos++];
    if ((ext & 0x80) != 0) {  // I
      if (p.size() <= pos) return std::nullopt;
      layout.picture_id_offset = pos;
      layout.picture_id_15bit = (p[pos] & 0x80) != 0;  // M
      pos += layout.picture_id_15bit ? 2 : 1;
    }
    if ((ext & 0x40) != 0) layout.tl0_offset = pos++;          // L
    if ((ext & 0x30) != 0) layout.tid_offset = pos++;          // T or K
    if (pos > p.size()) return std::nullopt;
  }
  layout.header_size = pos;
  return layout;
}

}  // namespace

std::optional<Vp8Descriptor> parse_vp8(std::span<const std::uint8_t> payload) {
  const auto layout = layout_of(payload);
  // A descriptor with no VP8 data after it is useless and Chromium drops it too.
  if (!layout || layout->header_size >= payload.size()) return std::nullopt;
  Vp8Descriptor d;
  d.non_reference = (payload[0] & 0x20) != 0;
  d.start_of_partition = (payload[0] & 0x10) != 0;
  d.partition_id = payload[0] & 0x07;
  if (layout->picture_id_offset != 0) {
    const std::uint8_t* p = &payload[layout->picture_id_offset];
    d.picture_id_15bit = layout->picture_id_15bit;
    d.picture_id = d.picture_id_15bit ? static_cast<std::uint16_t>(((p[0] & 0x7F) << 8) | p[1])
                                      : static_cast<std::uint16_t>(p[0] & 0x7F);
  }
  if (layout->tl0_offset != 0) d.tl0_pic_idx = payload[layout->tl0_offset];
  if (layout->tid_offset != 0) {
    const std::uint8_t ext = payload[1];
    const std::uint8_t tid = payload[layout->tid_offset];
    if ((ext & 0x20) != 0) {  // T: TID and Y are meaningful
      d.temporal_id = static_cast<std::uint8_t>(tid >> 6);
      d.layer_sync = (tid & 0x20) != 0;
    }
    if ((ext & 0x10) != 0) d.key_idx = tid & 0x1F;  // K
  }
  d.header_size = layout->header_size;
  // RFC 7741 §4.3: the VP8 payload header's P bit is 0 for key frames; it is only
  // present at the start of partition 0.
  d.keyframe = d.start_of_partition && d.partition_id == 0 &&
               (payload[d.header_size] & 0x01) == 0;
  return d;
}

bool rewrite_vp8_picture_id(std::span<std::uint8_t> payload, std::uint16_t picture_id) {
  const auto layout = layout_of(payload);
  if (!layout || layout->picture_id_offset == 0) return false;
  std::uint8_t* p = &payload[layout->picture_id_offset];
  if (layout->picture_id_15bit) {
    p[0] = static_cast<std::uint8_t>(0x80 | ((picture_id >> 8) & 0x7F));
    p[1] = static_cast<std::uint8_t>(picture_id);
  } else {
    p[0] = static_cast<std::uint8_t>(picture_id & 0x7F);
  }
  return true;
}

bool rewrite_vp8_tl0_pic_idx(std::span<std::uint8_t> payload, std::uint8_t tl0_pic_idx) {
  const auto layout = layout_of(payload);
  if (!layout || layout->tl0_offset == 0) return false;
  payload[layout->tl0_offset] = tl0_pic_idx;
  return true;
}

}  // namespace bailanys::rtc::rtp
