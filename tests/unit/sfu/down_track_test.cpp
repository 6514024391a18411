// DownTrack: one published track as one subscriber gets it. The publisher's packets (VP8 on
// PT 120, Opus on PT 109, its own extension ids) come out under the subscriber's SSRC, payload
// types (VP8 96 + RTX 97, Opus 111) and extension ids, with one sequence space across a
// publisher restart; NACKs are answered from the buffer (RTX when negotiated), sender reports
// are mapped into the outgoing timestamp space. Time is injected.
#include "sfu/down_track.hpp"

#include "../support/rtc_test_client.hpp"
#include "rtc/rtp/codecs.hpp"
#include "rtc/rtp/rtp_packet.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string_view>
#include <vector>

namespace bailanys::sfu {
namespace {

namespace rtp = rtc::rtp;
using Bytes = std::vector<std::uint8_t>;

constexpr std::uint32_t kPublisherVideo = 0xA0A0'0001, kRestartedVideo = 0xA0A0'0002;
constexpr std::uint32_t kPublisherAudio = 0xA0A0'00A1, kRestartedAudio = 0xA0A0'00A2;
constexpr std::uint32_t kDownSsrc = 0xD0D0'0001, kDownRtx = 0xD0D0'0002;

// VP8 payload descriptors (RFC 7741 §4.2) with a key frame / inter frame header after them,
// as in tests/unit/rtp/vp8_vp9_test.cpp.
Bytes vp8_key(std::uint8_t fill) {
  Bytes b = {0x90, 0xe0, 0x81, 0x23, 0x05, 0xa0, 0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a};
  b.resize(40, fill);
  return b;
}
Bytes vp8_delta(std::uint8_t fill) {
  Bytes b = {0x90, 0x80, 0x7f, 0x51};
  b.resize(40, fill);
  return b;
}

sdp::Codec codec(std::uint8_t pt, const char* name, std::uint32_t rate, std::string fmtp = "") {
  sdp::Codec c;
  c.payload_type = pt;
  c.name = name;
  c.clock_rate = rate;
  c.fmtp = std::move(fmtp);
  return c;
}

sdp::Extmap extmap(std::uint8_t id, std::string_view uri) { return {id, std::string(uri), "", ""}; }

// What the subscriber's answer negotiated for its m-section.
sdp::NegotiatedSection video_section(bool rtx) {
  sdp::NegotiatedSection s;
  s.mid = "t2";
  s.kind = sdp::MediaKind::Video;
  s.direction = sdp::Direction::SendOnly;
  s.codecs = {codec(96, "VP8", 90000)};
  if (rtx) s.codecs.push_back(codec(97, "rtx", 90000, "apt=96"));
  s.extmaps = {extmap(4, rtp::kMidUri), extmap(2, rtp::kAbsSendTimeUri),
               extmap(13, rtp::kVideoOrientationUri), extmap(3, rtp::kTransportCcUri)};
  return s;
}
sdp::NegotiatedSection audio_section() {
  sdp::NegotiatedSection s;
  s.mid = "t1";
  s.kind = sdp::MediaKind::Audio;
  s.direction = sdp::Direction::SendOnly;
  s.codecs = {codec(111, "opus", 48000)};
  s.extmaps = {extmap(1, rtp::kAudioLevelUri), extmap(2, rtp::kAbsSendTimeUri),
               extmap(4, rtp::kMidUri)};
  return s;
}

struct NoListener : rtc::transport::WebRtcTransportListener {
  void on_transport_connected(rtc::transport::WebRtcTransport&) override {}
  void on_transport_failed(rtc::transport::WebRtcTransport&, std::string_view) override {}
  void on_rtp(rtc::transport::WebRtcTransport&, rtp::RtpPacket&, std::span<std::uint8_t>,
              TimeMs) override {}
  void on_rtcp(rtc::transport::WebRtcTransport&, std::span<const std::uint8_t>, TimeMs) override {}
};

class DownTrackTest : public ::testing::Test {
 protected:
  DownTrackTest()
      : certificate_((test_support::ensure_crypto(), rtc::dtls::DtlsCertificate::generate())),
        output_(1, certificate_, sink_, listener_) {
    video_.publisher_id = audio_.publisher_id = "alice";
    video_.mid = "1";
    video_.source = "camera";
    video_.kind = sdp::MediaKind::Video;
    video_.codecs = {codec(120, "VP8", 90000), codec(121, "rtx", 90000, "apt=120"),
                     codec(122, "H264", 90000)};
    audio_.mid = "0";
    audio_.source = "mic";
    audio_.kind = sdp::MediaKind::Audio;
    audio_.codecs = {codec(109, "opus", 48000)};
    // The publisher's session numbers its extensions differently from the subscriber's.
    publisher_ids_.mid = 3;
    publisher_ids_.audio_level = 9;
    publisher_ids_.video_orientation = 11;
  }

  DownTrack video_down(bool rtx_negotiated = true, bool rtx_ssrc = true) {
    DownTrack d(video_, output_, "t2", kDownSsrc,
                rtx_ssrc ? std::optional(kDownRtx) : std::nullopt);
    d.configure(video_section(rtx_negotiated));
    return d;
  }
  DownTrack audio_down() {
    DownTrack d(audio_, output_, "t1", kDownSsrc, std::nullopt);
    d.configure(audio_section());
    return d;
  }

  static Bytes publisher_packet(std::uint32_t ssrc, std::uint16_t seq, std::uint32_t ts,
                                std::uint8_t pt, const Bytes& payload, std::uint8_t padding = 0) {
    rtp::RtpPacketBuilder b;
    b.payload_type(pt).sequence(seq).timestamp(ts).ssrc(ssrc);
    const std::uint8_t mid[] = {'1'};
    b.add_extension(3, mid);  // the publisher's MID: must not reach the subscriber
    const std::uint8_t level[] = {0x80 | 25};
    if (pt == 109) b.add_extension(9, level);
    const std::uint8_t orientation[] = {0x01};  // 90°
    if (pt == 120) b.add_extension(11, orientation);
    b.payload(payload).padding(padding);
    return b.build();
  }

  // Forwards one publisher packet; the subscriber's bytes, or empty when not forwarded.
  Bytes forward(DownTrack& down, Bytes packet, TimeMs now, int layer = 0) {
    auto parsed = rtp::RtpPacket::parse(packet);
    EXPECT_TRUE(parsed);
    if (!parsed) return {};
    // As Room does: the publisher's codec of this payload type says how to spot a keyframe.
    bool keyframe = false;
    if (const auto* c = down.track() ? down.track()->codec(parsed->payload_type()) : nullptr) {
      const auto kind = rtp::video_codec_from_name(c->name);
      keyframe = kind && rtp::is_keyframe(*kind, parsed->payload());
    }
    Bytes out(1500);
    const std::size_t size = down.forward(*parsed, layer, publisher_ids_, keyframe, now, out);
    out.resize(size);
    return out;
  }
  Bytes forward_video(DownTrack& down, std::uint32_t ssrc, std::uint16_t seq, std::uint32_t ts,
                      const Bytes& payload, TimeMs now) {
    return forward(down, publisher_packet(ssrc, seq, ts, 120, payload), now);
  }

  static rtp::RtpPacket parse(Bytes& bytes) {
    auto p = rtp::RtpPacket::parse(bytes);
    EXPECT_TRUE(p);
    return p.value();  // throws (a test failure) when it is not RTP
  }
  static Bytes payload_of(Bytes bytes) {
    const auto p = parse(bytes);
    return {p.payload().begin(), p.payload().end()};
  }

  test_support::CapturingSink sink_;
  NoListener listener_;
  std::shared_ptr<const rtc::dtls::DtlsCertificate> certificate_;
  rtc::transport::WebRtcTransport output_;
  PublishedTrack video_, audio_;
  rtp::ExtensionIds publisher_ids_;
};

TEST_F(DownTrackTest, AudioComesOutUnderTheSubscribersNumbers) {
  auto down = audio_down();
  ASSERT_TRUE(down.negotiated());
  EXPECT_FALSE(down.waiting_for_keyframe());  // audio never waits
  const Bytes payload(60, 0x42);
  auto out = forward(down, publisher_packet(kPublisherAudio, 500, 48000, 109, payload), 1000);
  ASSERT_FALSE(out.empty());
  const auto p = parse(out);
  EXPECT_EQ(p.payload_type(), 111);
  EXPECT_EQ(p.ssrc(), kDownSsrc);
  EXPECT_EQ(p.sequence(), 500);  // the first source keeps its own numbers
  EXPECT_EQ(p.timestamp(), 48000u);
  EXPECT_EQ(Bytes(p.payload().begin(), p.payload().end()), payload);
  // The subscriber's extension ids: MID 4 (its own mid), audio level 1, abs-send-time 2.
  rtp::ExtensionIds ids;
  ids.mid = 4;
  ids.audio_level = 1;
  ids.abs_send_time = 2;
  EXPECT_EQ(rtp::read_mid(p, ids), "t1");
  EXPECT_EQ(rtp::read_audio_level(p, ids), (rtp::AudioLevel{true, 25}));
  EXPECT_EQ(rtp::read_abs_send_time(p, ids), 1u << 18);  // now = 1000 ms
  EXPECT_FALSE(p.has_extension(3));                      // the publisher's MID id
  EXPECT_FALSE(p.has_extension(9));                      // the publisher's audio level id

  out = forward(down, publisher_packet(kPublisherAudio, 501, 48960, 109, payload), 1020);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(parse(out).sequence(), 501);
  EXPECT_EQ(down.counters().forwarded, 2u);
}

TEST_F(DownTrackTest, VideoGetsItsPayloadTypeOrientationAndATransportSequenceSlot) {
  auto down = video_down();
  auto out = forward_video(down, kPublisherVideo, 1000, 9000, vp8_key(1), 1000);
  ASSERT_FALSE(out.empty());
  const auto p = parse(out);
  EXPECT_EQ(p.payload_type(), 96);
  EXPECT_EQ(p.ssrc(), kDownSsrc);
  rtp::ExtensionIds ids;
  ids.mid = 4;
  ids.video_orientation = 13;
  EXPECT_EQ(rtp::read_mid(p, ids), "t2");
  const auto orientation = rtp::read_video_orientation(p, ids);
  ASSERT_TRUE(orientation);
  EXPECT_EQ(orientation->rotation_degrees, 90);
  // transport-cc (3 in the answer) is written as 0: SendSide numbers it just before sending.
  ASSERT_EQ(p.extension(3).size(), 2u);
  EXPECT_EQ(p.extension(3)[0] | p.extension(3)[1], 0);
  EXPECT_FALSE(p.has_extension(11));
}

TEST_F(DownTrackTest, VideoWaitsForAKeyframe) {
  auto down = video_down();
  EXPECT_TRUE(down.waiting_for_keyframe());
  EXPECT_TRUE(forward_video(down, kPublisherVideo, 1000, 9000, vp8_delta(1), 1000).empty());
  EXPECT_EQ(down.counters().dropped_rewrite, 1u);
  EXPECT_TRUE(down.waiting_for_keyframe());
  auto out = forward_video(down, kPublisherVideo, 1001, 12000, vp8_key(2), 1033);
  ASSERT_FALSE(out.empty());
  EXPECT_FALSE(down.waiting_for_keyframe());
  EXPECT_EQ(parse(out).sequence(), 1001);
  EXPECT_EQ(payload_of(out), vp8_key(2));
  EXPECT_FALSE(forward_video(down, kPublisherVideo, 1002, 15000, vp8_delta(3), 1066).empty());
  EXPECT_EQ(down.counters().forwarded, 2u);
}

// Simulcast: the subscriber gets one layer at a time. A new target layer starts at its own
// keyframe (the current one goes on until then), with sequence numbers and the VP8 picture id
// and TL0PICIDX continuing where the old layer left off; the old layer's packets are not resent.
TEST_F(DownTrackTest, ALayerSwitchWaitsForTheKeyframeAndContinuesTheVp8Numbering) {
  constexpr std::uint32_t kLow = 0x1000, kHigh = 0x2000;
  auto down = video_down();
  down.set_target_layer(1);
  const auto packet = [&](std::uint32_t ssrc, std::uint16_t seq, const Bytes& payload) {
    return publisher_packet(ssrc, seq, seq * 3000U, 120, payload);
  };
  // Layer 1 starts at its keyframe (picture id 0x0123, TL0PICIDX 5): kept as the publisher sent.
  EXPECT_TRUE(forward(down, packet(kLow, 10, vp8_key(1)), 1000, 0).empty());  // not the target
  auto first = forward(down, packet(kHigh, 500, vp8_key(1)), 1000, 1);
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(*rtp::parse_vp8(payload_of(first))->picture_id, 0x0123);
  ASSERT_FALSE(forward(down, packet(kHigh, 501, vp8_delta(2)), 1033, 1).empty());
  // Down to layer 0: layer 1 goes on until layer 0's keyframe.
  down.set_target_layer(0);
  EXPECT_EQ(down.keyframe_wanted_layer(), 0);
  EXPECT_TRUE(forward(down, packet(kLow, 11, vp8_delta(3)), 1066, 0).empty());
  ASSERT_FALSE(forward(down, packet(kHigh, 502, vp8_delta(3)), 1066, 1).empty());
  Bytes key = vp8_key(4);
  key[2] = 0x80 | 0x7f;  // picture id 0x7f40: far from layer 1's
  key[3] = 0x40;
  key[4] = 200;          // TL0PICIDX
  auto switched = forward(down, packet(kLow, 12, key), 1100, 0);
  ASSERT_FALSE(switched.empty());
  EXPECT_EQ(down.current_layer(), 0);
  EXPECT_EQ(down.counters().layer_switches, 1u);
  EXPECT_EQ(parse(switched).sequence(), static_cast<std::uint16_t>(parse(first).sequence() + 3));
  const auto vp8 = rtp::parse_vp8(payload_of(switched));
  ASSERT_TRUE(vp8 && vp8->picture_id && vp8->tl0_pic_idx);
  EXPECT_EQ(*vp8->picture_id, 0x0123 + 1);  // 0x0123 was layer 1's last 15-bit id
  EXPECT_EQ(*vp8->tl0_pic_idx, 6);          // 5 + 1
  // Layer 1 is dropped now; a NACK for its packets is not answered.
  EXPECT_TRUE(forward(down, packet(kHigh, 503, vp8_delta(5)), 1133, 1).empty());
  Bytes rtx(1500);
  EXPECT_EQ(down.retransmit(parse(first).sequence(), 1140, rtx), 0u);
  EXPECT_EQ(down.counters().nack_before_switch, 1u);
  // A pause stops everything at once; resuming waits for a keyframe of the target.
  down.set_target_layer(-1);
  EXPECT_TRUE(forward(down, packet(kLow, 13, vp8_delta(6)), 1166, 0).empty());
  EXPECT_EQ(down.counters().dropped_paused, 1u);
  down.set_target_layer(0);
  EXPECT_TRUE(forward(down, packet(kLow, 14, vp8_delta(7)), 1200, 0).empty());
  EXPECT_FALSE(forward(down, packet(kLow, 15, vp8_key(8)), 1233, 0).empty());
}

TEST_F(DownTrackTest, APublisherRestartContinuesTheSequenceAfterItsKeyframe) {
  auto down = video_down();
  ASSERT_FALSE(forward_video(down, kPublisherVideo, 1000, 10000, vp8_key(1), 1000).empty());
  ASSERT_FALSE(forward_video(down, kPublisherVideo, 1001, 13000, vp8_delta(2), 1033).empty());
  // The publisher reconnects: a new SSRC with numbers of its own. No picture until a keyframe.
  EXPECT_TRUE(forward_video(down, kRestartedVideo, 5, 777, vp8_delta(3), 1100).empty());
  EXPECT_TRUE(down.waiting_for_keyframe());
  auto out = forward_video(down, kRestartedVideo, 6, 3777, vp8_key(4), 1200);
  ASSERT_FALSE(out.empty());
  auto p = parse(out);
  EXPECT_EQ(p.ssrc(), kDownSsrc);
  EXPECT_EQ(p.sequence(), 1002);
  EXPECT_EQ(p.timestamp(), 13000u + (1200 - 1033) * 90);  // wall time since the last packet
  out = forward_video(down, kRestartedVideo, 7, 6777, vp8_delta(5), 1233);
  ASSERT_FALSE(out.empty());
  p = parse(out);
  EXPECT_EQ(p.sequence(), 1003);
  EXPECT_EQ(p.timestamp(), 13000u + (1200 - 1033) * 90 + 3000);
  // A late packet of the old connection cannot take the stream back.
  EXPECT_TRUE(forward_video(down, kPublisherVideo, 1002, 16000, vp8_delta(6), 1240).empty());
  EXPECT_EQ(down.counters().forwarded, 4u);
  EXPECT_EQ(down.counters().dropped_rewrite, 2u);
}

TEST_F(DownTrackTest, NackIsAnsweredWithRtxCarryingTheOutgoingSequence) {
  auto down = video_down();
  // A restart in between, so the outgoing numbers (1000..1003) are not the source's (6, 7).
  std::vector<Bytes> sent;
  sent.push_back(forward_video(down, kPublisherVideo, 1000, 10000, vp8_key(1), 1000));
  sent.push_back(forward_video(down, kPublisherVideo, 1001, 13000, vp8_delta(2), 1033));
  sent.push_back(forward_video(down, kRestartedVideo, 6, 3777, vp8_key(3), 1200));
  sent.push_back(forward_video(down, kRestartedVideo, 7, 6777, vp8_delta(4), 1233));
  for (const auto& s : sent) ASSERT_FALSE(s.empty());
  ASSERT_EQ(parse(sent[2]).sequence(), 1002);

  Bytes out(1500);
  std::size_t size = down.retransmit(1002, 1300, out);
  ASSERT_NE(size, 0u);
  ASSERT_EQ(size, sent[2].size() + 2);
  out.resize(size);
  auto rtx = parse(out);
  EXPECT_EQ(rtx.payload_type(), 97);
  EXPECT_EQ(rtx.ssrc(), kDownRtx);
  const std::uint16_t first_rtx = rtx.sequence();  // the RTX stream numbers its own packets
  EXPECT_EQ(rtx.timestamp(), parse(sent[2]).timestamp());
  rtp::ExtensionIds ids;
  ids.mid = 4;
  EXPECT_EQ(rtp::read_mid(rtx, ids), "t2");
  Bytes expected = {0x03, 0xEA};  // OSN 1002: the subscriber's number, not the source's 6
  const auto original = payload_of(sent[2]);
  expected.insert(expected.end(), original.begin(), original.end());
  EXPECT_EQ(payload_of(out), expected);

  out.assign(1500, 0);
  size = down.retransmit(1000, 1300, out);
  ASSERT_NE(size, 0u);
  out.resize(size);
  rtx = parse(out);
  EXPECT_EQ(rtx.sequence(), static_cast<std::uint16_t>(first_rtx + 1));
  EXPECT_EQ(rtx.payload()[0], 0x03);
  EXPECT_EQ(rtx.payload()[1], 0xE8);
  EXPECT_EQ(down.counters().nacked, 2u);
  EXPECT_EQ(down.counters().retransmitted, 2u);
  EXPECT_EQ(down.counters().nack_missed, 0u);
}

TEST_F(DownTrackTest, WithoutRtxTheSamePacketIsSentAgain) {
  for (const bool rtx_negotiated : {false, true}) {
    // RTX not in the answer, or no RTX SSRC for this stream.
    auto down = video_down(rtx_negotiated, !rtx_negotiated);
    const auto sent = forward_video(down, kPublisherVideo, 40, 10000, vp8_key(1), 1000);
    ASSERT_FALSE(sent.empty());
    Bytes out(1500);
    const std::size_t size = down.retransmit(40, 1100, out);
    out.resize(size);
    EXPECT_EQ(out, sent) << "rtx negotiated: " << rtx_negotiated;
    EXPECT_EQ(down.counters().retransmitted, 1u);
  }
}

TEST_F(DownTrackTest, NackForAPacketOlderThanASecondOrNeverSentIsMissed) {
  auto down = video_down();
  ASSERT_FALSE(forward_video(down, kPublisherVideo, 40, 10000, vp8_key(1), 1000).empty());
  Bytes out(1500);
  EXPECT_NE(down.retransmit(40, 2000, out), 0u);  // exactly one second: still there
  EXPECT_EQ(down.retransmit(40, 2001, out), 0u);
  EXPECT_EQ(down.retransmit(41, 1100, out), 0u);  // never sent
  Bytes tiny(10);
  EXPECT_EQ(down.retransmit(40, 1100, tiny), 0u);  // does not fit
  EXPECT_EQ(down.counters().nacked, 4u);
  EXPECT_EQ(down.counters().retransmitted, 1u);
  EXPECT_EQ(down.counters().nack_missed, 3u);
}

TEST_F(DownTrackTest, CodecsTheSubscriberDidNotAcceptAreDroppedAndCounted) {
  auto down = video_down();
  EXPECT_TRUE(
      forward(down, publisher_packet(kPublisherVideo, 1, 0, 122, vp8_key(1)), 1000).empty());
  EXPECT_TRUE(
      forward(down, publisher_packet(kPublisherVideo, 2, 0, 121, vp8_key(1)), 1000).empty());
  EXPECT_TRUE(forward(down, publisher_packet(kPublisherVideo, 3, 0, 50, vp8_key(1)), 1000).empty());
  EXPECT_EQ(down.counters().dropped_unmapped_codec, 3u);
  EXPECT_EQ(down.counters().forwarded, 0u);
  EXPECT_FALSE(forward_video(down, kPublisherVideo, 4, 0, vp8_key(1), 1000).empty());

  // Before the subscriber's answer nothing is accepted at all.
  DownTrack unanswered(video_, output_, "t3", kDownSsrc + 5, std::nullopt);
  EXPECT_FALSE(unanswered.negotiated());
  EXPECT_TRUE(forward_video(unanswered, kPublisherVideo, 5, 0, vp8_key(1), 1000).empty());
  EXPECT_EQ(unanswered.counters().dropped_unmapped_codec, 1u);
  // Nor after its track went away.
  down.detach();
  EXPECT_EQ(down.track(), nullptr);
  EXPECT_TRUE(forward_video(down, kPublisherVideo, 6, 0, vp8_key(1), 1000).empty());
}

TEST_F(DownTrackTest, APublisherRenegotiationRemapsPayloadTypes) {
  auto down = video_down();
  ASSERT_FALSE(forward_video(down, kPublisherVideo, 1, 0, vp8_key(1), 1000).empty());
  video_.codecs[0].payload_type = 100;  // VP8 moved in the publisher's new answer
  ++video_.codecs_version;
  EXPECT_TRUE(forward_video(down, kPublisherVideo, 2, 3000, vp8_delta(2), 1033).empty());
  auto out = forward(down, publisher_packet(kPublisherVideo, 3, 6000, 100, vp8_delta(3)), 1066);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(parse(out).payload_type(), 96);
}

TEST_F(DownTrackTest, ExtensionIdsBeyondTheOneByteFormAreNotWritten) {
  DownTrack down(audio_, output_, "t1", kDownSsrc, std::nullopt);
  auto section = audio_section();
  section.extmaps = {extmap(15, rtp::kMidUri), extmap(1, rtp::kAudioLevelUri)};
  down.configure(section);
  auto out = forward(down, publisher_packet(kPublisherAudio, 1, 0, 109, Bytes(10, 1)), 1000);
  ASSERT_FALSE(out.empty());
  const auto p = parse(out);
  size_t cursor = 0, count = 0;
  rtp::ExtensionElement element;
  while (p.next_extension(cursor, element)) {
    ++count;
    EXPECT_EQ(element.id, 1);
  }
  EXPECT_EQ(count, 1u);
}

TEST_F(DownTrackTest, AnAudioRestartContinuesAndSenderReportsFollowIt) {
  auto down = audio_down();
  rtc::rtcp::SenderReport sr;
  sr.ssrc = kPublisherAudio;
  sr.ntp_time = 0xE8F0'1234'5678'9ABCULL;
  sr.rtp_time = 48000;
  sr.packet_count = 999;
  sr.octet_count = 99999;
  EXPECT_FALSE(down.sender_report(sr));  // nothing forwarded yet
  ASSERT_FALSE(forward(down, publisher_packet(kPublisherAudio, 500, 48000, 109, Bytes(10, 1)), 1000)
                   .empty());
  ASSERT_FALSE(forward(down, publisher_packet(kPublisherAudio, 501, 48960, 109, Bytes(20, 1)), 1020)
                   .empty());
  // The publisher restarts: audio needs no keyframe, the stream goes on where it was.
  auto out = forward(down, publisher_packet(kRestartedAudio, 9, 5, 109, Bytes(30, 1)), 1100);
  ASSERT_FALSE(out.empty());
  const std::uint32_t out_ts_of_5 = 48960 + 80 * 48;  // + the 80 ms since the last packet
  EXPECT_EQ(parse(out).sequence(), 502);
  EXPECT_EQ(parse(out).timestamp(), out_ts_of_5);

  sr.ssrc = kRestartedAudio;
  sr.rtp_time = 5 + 4800;  // 100 ms after the restarted source's first packet
  const auto mapped = down.sender_report(sr);
  ASSERT_TRUE(mapped);
  EXPECT_EQ(mapped->ssrc, kDownSsrc);
  EXPECT_EQ(mapped->ntp_time, sr.ntp_time);
  EXPECT_EQ(mapped->rtp_time, out_ts_of_5 + 4800);
  EXPECT_EQ(mapped->packet_count, 3u);  // what this subscriber got, not the publisher's
  EXPECT_EQ(mapped->octet_count, 60u);  // payload octets (RFC 3550 §6.4.1)
  EXPECT_TRUE(mapped->reports.empty());

  sr.ssrc = kPublisherAudio;  // the source the stream left
  EXPECT_FALSE(down.sender_report(sr));
  sr.ssrc = 0x0BAD;
  EXPECT_FALSE(down.sender_report(sr));
}

// Padding on a media packet is the publisher's filler, not the subscriber's: it is left out.
TEST_F(DownTrackTest, PaddedMediaLosesItsPadding) {
  auto down = video_down();
  ASSERT_FALSE(forward_video(down, kPublisherVideo, 1000, 9000, vp8_key(1), 1000).empty());
  auto out =
      forward(down, publisher_packet(kPublisherVideo, 1001, 12000, 120, vp8_delta(2), 4), 1033);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out[0] & 0x20, 0);  // no P bit
  const auto p = parse(out);
  EXPECT_EQ(p.padding_size(), 0u);
  EXPECT_EQ(Bytes(p.payload().begin(), p.payload().end()), vp8_delta(2));
}

// A padding-only packet (Chromium's bandwidth probe on the media SSRC: the publish answer
// refuses RTX) is relayed as padding under the next sequence number, so the subscriber's
// sequence has no hole it would NACK in vain.
TEST_F(DownTrackTest, PaddingOnlyPacketsLeaveNoHoleInTheSequence) {
  auto down = video_down();
  auto first = forward_video(down, kPublisherVideo, 1000, 9000, vp8_key(1), 1000);
  ASSERT_FALSE(first.empty());
  auto probe = forward(down, publisher_packet(kPublisherVideo, 1001, 9000, 120, {}, 200), 1010);
  ASSERT_FALSE(probe.empty());
  EXPECT_EQ(parse(probe).sequence(), static_cast<std::uint16_t>(parse(first).sequence() + 1));
  EXPECT_TRUE(parse(probe).payload().empty());
  EXPECT_EQ(parse(probe).padding_size(), 200u);
  auto next = forward_video(down, kPublisherVideo, 1002, 12000, vp8_delta(2), 1033);
  ASSERT_FALSE(next.empty());
  EXPECT_EQ(parse(next).sequence(), static_cast<std::uint16_t>(parse(first).sequence() + 2));
}

}  // namespace
}  // namespace bailanys::sfu
