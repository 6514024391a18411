// libFuzzer target for rtc/rtp: RtpPacket::parse, the header extension readers, a
// rebuild through RtpPacketBuilder that must parse back to the same packet, in-place
// rewrites, and the VP8/VP9/H.264/AV1 descriptor parsers.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "rtc/rtp/codecs.hpp"
#include "rtc/rtp/rtp_packet.hpp"

namespace {

using namespace bailanys::rtc::rtp;

void check(bool invariant) {
  if (!invariant) __builtin_trap();
}

bool same_bytes(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

void rebuild_and_compare(const RtpPacket& p) {
  RtpPacketBuilder builder;
  builder.payload_type(p.payload_type())
      .marker(p.marker())
      .sequence(p.sequence())
      .timestamp(p.timestamp())
      .ssrc(p.ssrc());
  std::vector<std::uint32_t> csrcs;
  for (std::size_t i = 0; i < p.csrc_count(); ++i) csrcs.push_back(p.csrc(i));
  builder.csrcs(csrcs);
  std::vector<std::uint8_t> ids;
  std::size_t cursor = 0;
  ExtensionElement element;
  while (p.next_extension(cursor, element)) {
    check(element.id != 0);
    builder.add_extension(element.id, element.value);
    ids.push_back(element.id);
  }
  builder.payload(p.payload()).padding(static_cast<std::uint8_t>(p.padding_size()));

  std::vector<std::uint8_t> rebuilt = builder.build();
  check(rebuilt.size() == builder.size());
  const auto q = RtpPacket::parse(rebuilt);
  check(q.has_value());
  check(q->payload_type() == p.payload_type() && q->marker() == p.marker());
  check(q->sequence() == p.sequence() && q->timestamp() == p.timestamp());
  check(q->ssrc() == p.ssrc() && q->csrc_count() == p.csrc_count());
  check(same_bytes(q->payload(), p.payload()) && q->padding_size() == p.padding_size());
  for (const std::uint8_t id : ids) {
    check(q->has_extension(id));
    check(same_bytes(q->extension(id), p.extension(id)));
  }
}

void exercise_readers(RtpPacket& p) {
  ExtensionIds ids;
  ids.mid = 1;
  ids.rid = 2;
  ids.repaired_rid = 3;
  ids.abs_send_time = 4;
  ids.transport_cc = 5;
  ids.audio_level = 6;
  ids.video_orientation = 7;
  ids.playout_delay = 8;
  (void)read_mid(p, ids);
  (void)read_rid(p, ids);
  (void)read_repaired_rid(p, ids);
  (void)read_abs_send_time(p, ids);
  (void)read_audio_level(p, ids);
  (void)read_video_orientation(p, ids);
  (void)read_playout_delay(p, ids);
  if (read_transport_cc(p, ids)) {
    check(write_transport_cc(p, ids, 0x1234));
    check(read_transport_cc(p, ids) == 0x1234);
  }
}

void exercise_codecs(std::span<const std::uint8_t> payload) {
  if (const auto vp8 = parse_vp8(payload)) {
    check(vp8->header_size < payload.size());
    check(vp8->keyframe == is_keyframe(VideoCodec::Vp8, payload));
    std::vector<std::uint8_t> copy(payload.begin(), payload.end());
    if (vp8->picture_id) {
      check(rewrite_vp8_picture_id(copy, 0x5a5a));
      const auto after = parse_vp8(copy);
      check(after && after->picture_id == (vp8->picture_id_15bit ? 0x5a5a : 0x5a));
    }
    if (vp8->tl0_pic_idx) {
      check(rewrite_vp8_tl0_pic_idx(copy, 0x77));
      check(parse_vp8(copy)->tl0_pic_idx == 0x77);
    }
  }
  if (const auto vp9 = parse_vp9(payload)) check(vp9->header_size <= payload.size());
  if (const auto h264 = parse_h264(payload)) check(h264->nal_count >= 1);
  if (const auto av1 = parse_av1(payload)) check(av1->element_count >= 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::uint8_t> buffer(data, data + size);
  (void)looks_like_rtp_or_rtcp(buffer);
  (void)is_rtcp(buffer);
  exercise_codecs(buffer);

  auto packet = RtpPacket::parse(buffer);
  if (!packet) return 0;
  check(packet->header_size() + packet->payload().size() + packet->padding_size() == size);
  rebuild_and_compare(*packet);
  exercise_codecs(packet->payload());
  exercise_readers(*packet);

  // Rewrites keep the packet valid.
  packet->set_sequence(static_cast<std::uint16_t>(packet->sequence() + 1));
  packet->set_payload_type(static_cast<std::uint8_t>(packet->payload_type() ^ 0x40));
  packet->set_marker(!packet->marker());
  check(RtpPacket::parse(buffer).has_value());
  return 0;
}
