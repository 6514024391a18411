// Room media end to end in memory (room_harness.hpp): once ICE and DTLS are up on real
// WebRtcTransports, SRTP from a publisher's browser reaches a subscriber's under the
// subscriber's SSRCs and payload types, keyframe requests go back to the publisher (throttled),
// NACKs are answered with RTX, sender reports are mapped, the talking publisher becomes the
// speaker, and a participant whose consent runs out is removed. Time is injected everywhere.
#include "sfu/room.hpp"

#include "room_harness.hpp"

#include <gtest/gtest.h>

namespace bailanys::sfu::room_test {
namespace {

class RoomMediaTest : public RoomFixture {};

TEST_F(RoomMediaTest, MediaFromThePublisherReachesTheSubscriberUnderItsNumbers) {
  alice_to_bob();
  Peer& alice = peer("alice");
  Peer& bob = peer("bob");
  receive(alice.pub);  // the keyframe request bob's answer caused (see the next tests)
  send_audio(alice, 100, 0x80 | 33);
  auto got = receive(bob.recv);
  ASSERT_EQ(got.rtp.size(), 1u);
  EXPECT_TRUE(got.rtcp.empty());
  auto audio = rtp::RtpPacket::parse(got.rtp[0]);
  ASSERT_TRUE(audio);
  EXPECT_EQ(audio->payload_type(), 111);
  EXPECT_EQ(audio->ssrc(), ssrc_of(bob.offer, "t1"));
  EXPECT_EQ(audio->sequence(), 100);
  EXPECT_EQ(audio->timestamp(), 100u * 960);
  rtp::ExtensionIds ids;
  ids.mid = 4;
  ids.audio_level = 1;
  EXPECT_EQ(rtp::read_mid(*audio, ids), "t1");
  EXPECT_EQ(rtp::read_audio_level(*audio, ids), (rtp::AudioLevel{true, 33}));
  EXPECT_EQ(Bytes(audio->payload().begin(), audio->payload().end()), Bytes(80, 0xA0));

  // Video starts at a keyframe.
  send_video(alice, 5000, vp8_delta());
  EXPECT_TRUE(receive(bob.recv).rtp.empty());
  send_video(alice, 5001, vp8_key());
  send_video(alice, 5002, vp8_delta());
  got = receive(bob.recv);
  ASSERT_EQ(got.rtp.size(), 2u);
  auto video = rtp::RtpPacket::parse(got.rtp[0]);
  ASSERT_TRUE(video);
  EXPECT_EQ(video->payload_type(), 96);
  EXPECT_EQ(video->ssrc(), ssrc_of(bob.offer, "t2"));
  EXPECT_EQ(video->sequence(), 5001);
  EXPECT_EQ(rtp::read_mid(*video, ids), "t2");
  EXPECT_EQ(Bytes(video->payload().begin(), video->payload().end()), vp8_key());
  EXPECT_EQ(rtp::RtpPacket::parse(got.rtp[1])->sequence(), 5002);
  EXPECT_EQ(room_.counters().rtp_in, 4u);
  EXPECT_EQ(room_.counters().rtp_out, 3u);

  // A stream the offer did not announce, without a MID: counted, not forwarded.
  send_rtp(alice, 0x0BADBEEF, kVp8Pt, 1, 0, vp8_key());
  EXPECT_TRUE(receive(bob.recv).rtp.empty());
  EXPECT_EQ(room_.counters().rtp_unknown_stream, 1u);
}

TEST_F(RoomMediaTest, WithoutSsrcLinesTheMidNamesTheStreamAndANewSsrcIsARestart) {
  // alice's browser announces no SSRC: the room learns it from the MID header extension.
  auto offer = parse_or_fail(publish_offer(peer("alice")));
  for (auto& m : offer.media) {
    m.ssrcs.clear();
    m.ssrc_groups.clear();
  }
  alice_to_bob(sdp::serialize_sdp(offer));
  Peer& alice = peer("alice");
  Peer& bob = peer("bob");
  EXPECT_TRUE(receive(alice.pub).rtcp.empty());  // no SSRC to ask a keyframe of yet
  send_rtp(alice, 0x1111, kVp8Pt, 10, 30000, vp8_key(), std::nullopt, "1");
  send_rtp(alice, 0x1111, kVp8Pt, 11, 33000, vp8_delta());  // known now, no MID needed
  auto got = receive(bob.recv);
  ASSERT_EQ(got.rtp.size(), 2u);
  EXPECT_EQ(rtp::RtpPacket::parse(got.rtp[1])->sequence(), 11);
  send_rtcp(bob.recv, {rtcp::Pli{1234, ssrc_of(bob.offer, "t2")}});
  EXPECT_EQ(plis(receive(alice.pub)), std::vector<std::uint32_t>{0x1111});

  // The browser restarts the stream: a new SSRC on the same MID. bob waits for its keyframe,
  // the timer asks that SSRC for one, and bob's stream goes on where it was.
  now_ += 100;
  send_rtp(alice, 0x2222, kVp8Pt, 7, 5000, vp8_delta(), std::nullopt, "1");
  EXPECT_TRUE(receive(bob.recv).rtp.empty());
  room_.on_timer(now_);
  EXPECT_EQ(plis(receive(alice.pub)), std::vector<std::uint32_t>{0x2222});
  send_rtp(alice, 0x2222, kVp8Pt, 8, 8000, vp8_key(), std::nullopt, "1");
  got = receive(bob.recv);
  ASSERT_EQ(got.rtp.size(), 1u);
  const auto packet = rtp::RtpPacket::parse(got.rtp[0]);
  ASSERT_TRUE(packet);
  EXPECT_EQ(packet->ssrc(), ssrc_of(bob.offer, "t2"));
  EXPECT_EQ(packet->sequence(), 12);
  EXPECT_EQ(packet->timestamp(), 33000u + 100 * 90);
}

TEST_F(RoomMediaTest, KeyframeRequestsReachThePublisherAtMostEvery500Ms) {
  alice_to_bob();
  Peer& alice = peer("alice");
  Peer& bob = peer("bob");
  const std::vector<std::uint32_t> one_pli = {alice.video_ssrc};
  // bob's answer asked for one already: a new subscriber needs a picture.
  EXPECT_EQ(plis(receive(alice.pub)), one_pli);
  const TimeMs start = now_;
  send_video(alice, 1, vp8_key());
  ASSERT_EQ(receive(bob.recv).rtp.size(), 1u);  // bob waits for nothing now
  const auto bob_video = ssrc_of(bob.offer, "t2");

  now_ = start + 100;
  send_rtcp(bob.recv, {rtcp::Pli{1234, bob_video}});
  EXPECT_TRUE(receive(alice.pub).rtcp.empty());  // folded into the next one
  now_ = start + 499;
  room_.on_timer(now_);
  EXPECT_TRUE(receive(alice.pub).rtcp.empty());
  now_ = start + 500;
  room_.on_timer(now_);
  EXPECT_EQ(plis(receive(alice.pub)), one_pli);
  now_ = start + 1100;
  room_.on_timer(now_);
  EXPECT_TRUE(receive(alice.pub).rtcp.empty());
  // A FIR is a keyframe request too; 600 ms after the last one it goes at once.
  send_rtcp(bob.recv, {rtcp::Fir{1234, {{bob_video, 1}}}});
  EXPECT_EQ(plis(receive(alice.pub)), one_pli);

  // Requests for the audio stream or an SSRC bob does not receive are ignored.
  now_ = start + 2000;
  send_rtcp(bob.recv, {rtcp::Pli{1234, ssrc_of(bob.offer, "t1")}, rtcp::Pli{1234, 0x0BAD}});
  EXPECT_TRUE(receive(alice.pub).rtcp.empty());
  EXPECT_EQ(room_.counters().keyframe_requests, 3u);
}

TEST_F(RoomMediaTest, TheTimerAsksForAKeyframeWhileASubscriberWaits) {
  alice_to_bob();
  Peer& alice = peer("alice");
  const std::vector<std::uint32_t> one_pli = {alice.video_ssrc};
  const TimeMs start = now_;
  EXPECT_EQ(plis(receive(alice.pub)), one_pli);
  for (const TimeMs at : {start + 500, start + 1000}) {
    now_ = at;
    room_.on_timer(now_);
    EXPECT_EQ(plis(receive(alice.pub)), one_pli) << "at +" << at - start;
  }
  send_video(alice, 1, vp8_key());
  EXPECT_EQ(receive(peer("bob").recv).rtp.size(), 1u);
  for (const TimeMs at : {start + 1500, start + 2000}) {
    now_ = at;
    room_.on_timer(now_);
    EXPECT_TRUE(receive(alice.pub).rtcp.empty()) << "at +" << at - start;
  }
}

// While a subscriber waits for its first keyframe the timer asks again on every tick; inside
// the 500 ms interval each ask is folded into a pending request. The keyframe's arrival answers
// it: no second PLI (and no second, unneeded keyframe) 500 ms later.
TEST_F(RoomMediaTest, AKeyframeCancelsAFoldedRequest) {
  alice_to_bob();
  Peer& alice = peer("alice");
  const TimeMs start = now_;
  EXPECT_EQ(plis(receive(alice.pub)).size(), 1u);  // bob's answer asked
  now_ = start + 100;
  room_.on_timer(now_);  // bob still waits: folded
  EXPECT_TRUE(receive(alice.pub).rtcp.empty());
  now_ = start + 200;
  send_video(alice, 1, vp8_key());
  ASSERT_EQ(receive(peer("bob").recv).rtp.size(), 1u);
  for (now_ = start + 300; now_ <= start + 1500; now_ += 100) {
    room_.on_timer(now_);
    EXPECT_TRUE(plis(receive(alice.pub)).empty()) << "a PLI at +" << now_ - start << " ms";
  }
}

TEST_F(RoomMediaTest, NacksAreAnsweredWithRtxForVideoAndAgainForAudio) {
  alice_to_bob();
  Peer& alice = peer("alice");
  Peer& bob = peer("bob");
  for (std::uint16_t seq = 700; seq <= 702; ++seq)
    send_video(alice, seq, seq == 700 ? vp8_key() : vp8_delta());
  ASSERT_EQ(receive(bob.recv).rtp.size(), 3u);
  now_ += 30;
  send_rtcp(bob.recv, {rtcp::Nack{1234, ssrc_of(bob.offer, "t2"), {701, 9999}}});
  auto got = receive(bob.recv);
  ASSERT_EQ(got.rtp.size(), 1u);
  auto rtx = rtp::RtpPacket::parse(got.rtp[0]);
  ASSERT_TRUE(rtx);
  EXPECT_EQ(rtx->payload_type(), 97);
  EXPECT_EQ(rtx->ssrc(), ssrc_of(bob.offer, "t2", true));
  Bytes expected = {0x02, 0xBD};  // OSN 701
  const auto delta = vp8_delta();
  expected.insert(expected.end(), delta.begin(), delta.end());
  EXPECT_EQ(Bytes(rtx->payload().begin(), rtx->payload().end()), expected);
  EXPECT_EQ(room_.counters().retransmitted, 1u);

  // Audio has no RTX: the same packet again (bob "lost" it, so its SRTP takes it).
  send_audio(alice, 40);
  const auto lost = bob.recv.take_wire();
  ASSERT_EQ(lost.size(), 1u);
  send_rtcp(bob.recv, {rtcp::Nack{1234, ssrc_of(bob.offer, "t1"), {40}}});
  const auto again = bob.recv.take_wire();
  ASSERT_EQ(again.size(), 1u);
  // Byte for byte the packet that was lost, its transport-wide number (id 3) included: the same
  // SRTP index must never protect two different packets (under AES-GCM a repeated nonce with
  // different data gives the GHASH key away), so a resend under the same SSRC is not renumbered.
  auto first = lost[0];
  const auto first_parsed = rtp::RtpPacket::parse(first);
  ASSERT_TRUE(first_parsed);
  rtp::ExtensionIds twcc;
  twcc.transport_cc = 3;
  ASSERT_TRUE(rtp::read_transport_cc(*first_parsed, twcc));
  EXPECT_EQ(Bytes(again[0].begin(), again[0].end()), Bytes(lost[0].begin(), lost[0].end()));
  EXPECT_EQ(room_.counters().retransmitted, 2u);

  now_ += 1001;  // older than the retransmission buffer keeps them
  send_rtcp(bob.recv, {rtcp::Nack{1234, ssrc_of(bob.offer, "t2"), {702}}});
  EXPECT_TRUE(bob.recv.take_wire().empty());
}

TEST_F(RoomMediaTest, SenderReportsReachTheSubscriberInItsNumbers) {
  alice_to_bob();
  Peer& alice = peer("alice");
  Peer& bob = peer("bob");
  send_audio(alice, 100);
  ASSERT_EQ(receive(bob.recv).rtp.size(), 1u);
  rtcp::SenderReport sr;
  sr.ssrc = alice.audio_ssrc;
  sr.ntp_time = 0xE8F0'1234'5678'9ABCULL;
  sr.rtp_time = 101 * 960;
  sr.packet_count = 77;
  sr.octet_count = 7777;
  rtcp::SenderReport video_sr = sr;  // no video forwarded yet: nothing to map it to
  video_sr.ssrc = alice.video_ssrc;
  send_rtcp(alice.pub, {sr, video_sr});
  const auto got = receive(bob.recv);
  ASSERT_EQ(got.rtcp.size(), 1u);
  const auto* out = std::get_if<rtcp::SenderReport>(&got.rtcp[0]);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->ssrc, ssrc_of(bob.offer, "t1"));
  EXPECT_EQ(out->ntp_time, sr.ntp_time);
  EXPECT_EQ(out->rtp_time, sr.rtp_time);  // the first source keeps its timestamps
  EXPECT_EQ(out->packet_count, 1u);
  EXPECT_EQ(out->octet_count, 80u);
  EXPECT_EQ(room_.counters().sender_reports, 1u);
}

TEST_F(RoomMediaTest, TheTalkingPublisherBecomesTheSpeakerUntilItLeaves) {
  alice_to_bob();
  for (std::uint16_t i = 0; i < 100; ++i) {
    now_ += 20;
    send_audio(peer("alice"), static_cast<std::uint16_t>(200 + i), 0x80 | 20);
    if (i % 5 == 4) room_.on_timer(now_);
  }
  auto speakers = host_.take(Type::Speaker);
  ASSERT_EQ(speakers.size(), 1u);
  EXPECT_EQ(speakers[0].speaker, "alice");
  // Someone joining later learns the current speaker at once, not at the next change.
  room_.join("carol", now_);
  speakers = host_.take(Type::Speaker);
  ASSERT_EQ(speakers.size(), 1u);
  EXPECT_EQ(speakers[0].speaker, "alice");
  room_.leave("carol");
  host_.events.clear();
  room_.leave("alice");
  speakers = host_.take(Type::Speaker);
  ASSERT_EQ(speakers.size(), 1u);
  EXPECT_FALSE(speakers[0].speaker);
  ASSERT_TRUE(got_offer("bob"));
  EXPECT_TRUE(peer("bob").tracks.empty());
}

TEST_F(RoomMediaTest, AParticipantWhoseConsentRunsOutIsRemoved) {
  alice_to_bob();
  Leg& bob = peer("bob").recv;
  const TimeMs start = now_;
  while (room_.size() == 2 && now_ - start < 40'000) {
    now_ += 1000;
    if ((now_ - start) % 5000 == 0) {  // only bob's browser keeps sending consent checks
      bob.to_server(host_, bob.client.binding_request(bob.made->transport->local_ice(), false),
                    now_);
      bob.take_wire();
    }
    room_.on_timer(now_);
  }
  EXPECT_EQ(room_.size(), 1u);
  EXPECT_GE(now_ - start, 30'000);
  const auto states = host_.take(Type::MediaState, "alice");
  ASSERT_FALSE(states.empty());
  EXPECT_FALSE(states[0].connected);  // "reconnecting" came first
  const auto failed = host_.take(Type::MediaFailed, "alice");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_FALSE(failed[0].message.empty());
  EXPECT_TRUE(host_.take(Type::MediaState, "bob").empty());
  ASSERT_TRUE(got_offer("bob"));
  EXPECT_TRUE(peer("bob").tracks.empty());
  EXPECT_EQ(host_.live_transports(), 1u);
}

}  // namespace
}  // namespace bailanys::sfu::room_test
