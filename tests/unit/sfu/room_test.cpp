// Room signaling through RoomEvents (room_harness.hpp): the receive offers a participant gets
// as tracks come and go, the answers it may give, publish answers, the errors for requests that
// do not fit, and the reuse of m-sections a browser has answered inactive. Time is injected.
#include "sfu/room.hpp"

#include "room_harness.hpp"

#include <gtest/gtest.h>

namespace bailanys::sfu::room_test {
namespace {

class RoomSignalingTest : public RoomFixture {};

TEST_F(RoomSignalingTest, JoinGetsAFirstOfferWithNoTracks) {
  join("alice");
  const auto offers = host_.take(Type::SubscribeOffer, "alice");
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].version, 1u);
  EXPECT_EQ(offers[0].room_id, 7);
  EXPECT_TRUE(offers[0].tracks.empty());
  const auto offer = parse_or_fail(offers[0].sdp);
  EXPECT_TRUE(offer.ice_lite);
  EXPECT_EQ(offer.session_version, 1u);
  ASSERT_EQ(offer.media.size(), 1u);
  EXPECT_EQ(offer.media[0].mid, "probe");
  EXPECT_EQ(offer.media[0].direction, sdp::Direction::Inactive);
  // The receive transport only; the publish one comes with the first publish.
  EXPECT_EQ(host_.live_transports(), 1u);
  EXPECT_NE(host_.by_ufrag(sdp::transport_params(offer, offer.media[0]).ice_ufrag), nullptr);
  EXPECT_TRUE(host_.events.empty());
}

TEST_F(RoomSignalingTest, PublishAnswersThePublisherAndOffersItsTracksToTheOthers) {
  arrive("alice", false);
  join("bob");
  ASSERT_TRUE(got_offer("bob"));
  publish("bob");
  const auto answers = host_.take(Type::PublishAnswer, "bob");
  ASSERT_EQ(answers.size(), 1u);
  const auto answer = parse_or_fail(answers[0].sdp);
  ASSERT_EQ(answer.media.size(), 2u);
  for (const auto& m : answer.media) {
    EXPECT_EQ(m.direction, sdp::Direction::RecvOnly) << m.mid;
    EXPECT_TRUE(m.ssrcs.empty()) << m.mid;
  }
  EXPECT_EQ(answer.media[0].codecs.front().payload_type, kOpusPt);  // the publisher's numbers
  EXPECT_EQ(answer.media[1].codecs.front().name, "VP8");            // the room's one video codec
  EXPECT_NE(host_.by_ufrag(sdp::transport_params(answer, answer.media[0]).ice_ufrag), nullptr);
  EXPECT_EQ(host_.live_transports(), 3u);

  ASSERT_TRUE(got_offer("alice"));
  const Peer& a = peer("alice");
  EXPECT_EQ(a.version, 2u);
  EXPECT_TRUE(same_tracks(a.tracks, {{"t1", "bob", "mic", false}, {"t2", "bob", "camera", true}}));
  ASSERT_EQ(a.offer.media.size(), 3u);
  EXPECT_EQ(a.offer.session_version, 2u);
  const auto* t1 = section_by_mid(a.offer, "t1");
  const auto* t2 = section_by_mid(a.offer, "t2");
  ASSERT_TRUE(t1 && t2);
  EXPECT_EQ(t1->kind, sdp::MediaKind::Audio);
  EXPECT_EQ(t1->direction, sdp::Direction::SendOnly);
  EXPECT_EQ(t1->codecs.front().payload_type, 111);
  EXPECT_EQ(t1->msid, "bob bob-mic");
  ASSERT_EQ(t1->ssrcs.size(), 1u);
  EXPECT_EQ(t1->ssrcs[0].cname, "bob");
  EXPECT_EQ(t2->kind, sdp::MediaKind::Video);
  EXPECT_EQ(t2->direction, sdp::Direction::SendOnly);
  ASSERT_EQ(t2->codecs.size(), 2u);  // VP8 and its RTX only
  EXPECT_EQ(t2->codecs[0].payload_type, 96);
  EXPECT_EQ(sdp::rtx_apt(t2->codecs[1]), 96);
  EXPECT_NE(ssrc_of(a.offer, "t2", true), 0u);
  // Nobody is offered their own tracks.
  EXPECT_TRUE(host_.take(Type::SubscribeOffer, "bob").empty());
  EXPECT_TRUE(host_.events.empty());
}

TEST_F(RoomSignalingTest, ANewOfferWaitsForTheAnswerToTheLastOne) {
  join("alice");
  ASSERT_TRUE(got_offer("alice"));  // not answered yet
  join("bob");
  publish("bob");
  EXPECT_TRUE(host_.take(Type::SubscribeOffer, "alice").empty());
  answer("alice");
  ASSERT_TRUE(got_offer("alice"));
  EXPECT_EQ(peer("alice").version, 2u);
  EXPECT_EQ(peer("alice").tracks.size(), 2u);
}

TEST_F(RoomSignalingTest, OnlyTheAnswerToTheOutstandingOfferIsTaken) {
  join("alice");
  ASSERT_TRUE(got_offer("alice"));
  Peer& a = peer("alice");
  const std::string good = browser_answer(a.offer, a.recv.client);
  const auto error_of = [this](const std::string& who) {
    auto errors = host_.take(Type::Error, who);
    EXPECT_EQ(errors.size(), 1u) << who;
    EXPECT_TRUE(host_.events.empty());
    return errors.empty() ? RoomEvent{} : errors[0];
  };
  room_.subscribe_answer("alice", good, 2, now_);
  auto e = error_of("alice");
  EXPECT_EQ(e.code, "invalid_message");
  EXPECT_EQ(e.ref, "media.subscribeAnswer");
  EXPECT_EQ(e.room_id, 7);

  // A refused answer ends its offer: the error, then a new offer (version 2) to answer.
  const auto refused_then_offered = [&](std::uint64_t new_version) {
    auto errors = host_.take(Type::Error, "alice");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].code, "invalid_sdp");
    EXPECT_EQ(errors[0].ref, "media.subscribeAnswer");
    ASSERT_TRUE(got_offer("alice"));
    EXPECT_EQ(peer("alice").version, new_version);
    EXPECT_TRUE(host_.events.empty());
  };
  room_.subscribe_answer("alice", "v=0\r\nthis is not sdp\r\n", 1, now_);
  refused_then_offered(2);

  auto other = peer("alice").offer;  // an answer to an offer with other mids
  other.media[0].mid = "zzz";
  other.bundle_mids = {"zzz"};
  room_.subscribe_answer("alice", browser_answer(other, a.recv.client), 2, now_);
  refused_then_offered(3);

  // The answer to an earlier offer is not taken; the latest one is, once.
  room_.subscribe_answer("alice", good, 1, now_);
  EXPECT_EQ(error_of("alice").code, "invalid_message");
  const std::string latest = browser_answer(peer("alice").offer, a.recv.client);
  room_.subscribe_answer("alice", latest, 3, now_);
  EXPECT_TRUE(host_.events.empty());
  room_.subscribe_answer("alice", latest, 3, now_);
  EXPECT_EQ(error_of("alice").code, "invalid_message");
  room_.subscribe_answer("nobody", good, 1, now_);
  EXPECT_EQ(error_of("nobody").ref, "media.subscribeAnswer");
}

TEST_F(RoomSignalingTest, BadPublishRequestsAreErrors) {
  room_.publish("ghost", publish_offer(peer("ghost")), kSources, now_);
  auto errors = host_.take(Type::Error, "ghost");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, "invalid_message");
  EXPECT_EQ(errors[0].ref, "media.publish");
  EXPECT_TRUE(host_.made.empty());

  join("alice");
  ASSERT_TRUE(got_offer("alice"));
  room_.publish("alice", "v=0\r\ngarbage\r\n", kSources, now_);
  errors = host_.take(Type::Error, "alice");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, "invalid_sdp");
  EXPECT_EQ(errors[0].ref, "media.publish");
  EXPECT_EQ(host_.made.size(), 1u);  // no publish transport for that

  // Valid SDP, nothing acceptable in it: the publish transport made for it is given back.
  auto unusable = parse_or_fail(publish_offer(peer("alice")));
  for (auto& m : unusable.media) {
    for (auto& c : m.codecs) c.name = "x-unknown" + std::to_string(c.payload_type);
  }
  room_.publish("alice", sdp::serialize_sdp(unusable), kSources, now_);
  errors = host_.take(Type::Error, "alice");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, "invalid_sdp");
  EXPECT_EQ(host_.live_transports(), 1u);
  EXPECT_TRUE(host_.events.empty());
}

TEST_F(RoomSignalingTest, LeavingMakesSectionsInactiveAndTheyAreReusedOnlyOnceAnsweredSo) {
  arrive("alice", false);
  join("bob");
  publish("bob");
  ASSERT_TRUE(got_offer("alice"));
  answer("alice");  // v2: t1, t2 carry bob's tracks
  const int destroyed = host_.destroyed;
  room_.leave("bob");
  EXPECT_EQ(room_.size(), 1u);
  EXPECT_EQ(host_.destroyed, destroyed + 2);  // its receive and publish transports
  Peer& a = peer("alice");
  ASSERT_TRUE(got_offer("alice"));
  EXPECT_EQ(a.version, 3u);
  EXPECT_TRUE(a.tracks.empty());
  ASSERT_EQ(a.offer.media.size(), 3u);  // m-sections never go away
  for (const char* mid : {"t1", "t2"}) {
    const auto* m = section_by_mid(a.offer, mid);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->direction, sdp::Direction::Inactive) << mid;
    EXPECT_TRUE(m->ssrcs.empty()) << mid;
    EXPECT_NE(m->port, 0) << mid;
  }
  EXPECT_TRUE(host_.take(Type::Speaker).empty());  // bob was not the speaker

  // carol publishes while v3 is unanswered: t1 and t2 are not free yet.
  join("carol");
  publish("carol");
  EXPECT_TRUE(host_.take(Type::SubscribeOffer, "alice").empty());
  answer("alice");
  ASSERT_TRUE(got_offer("alice"));
  EXPECT_EQ(a.version, 4u);
  EXPECT_TRUE(
      same_tracks(a.tracks, {{"t3", "carol", "mic", false}, {"t4", "carol", "camera", true}}));
  EXPECT_EQ(a.offer.media.size(), 5u);
  EXPECT_EQ(section_by_mid(a.offer, "t1")->direction, sdp::Direction::Inactive);

  // Answered inactive, they are free: dave's tracks take them back.
  answer("alice");
  join("dave");
  publish("dave");
  ASSERT_TRUE(got_offer("alice"));
  EXPECT_EQ(a.version, 5u);
  EXPECT_TRUE(same_tracks(a.tracks, {{"t1", "dave", "mic", false},
                                     {"t2", "dave", "camera", true},
                                     {"t3", "carol", "mic", false},
                                     {"t4", "carol", "camera", true}}));
  EXPECT_EQ(a.offer.media.size(), 5u);
  EXPECT_EQ(section_by_mid(a.offer, "t1")->direction, sdp::Direction::SendOnly);
  EXPECT_EQ(section_by_mid(a.offer, "t2")->msid, "dave dave-camera");
}

TEST_F(RoomSignalingTest, ARefusedTrackIsOfferedInactiveNext) {
  arrive("alice", false);
  join("bob");
  publish("bob");
  ASSERT_TRUE(got_offer("alice"));
  answer("alice", {"t2"});  // the browser does not want bob's camera
  ASSERT_TRUE(got_offer("alice"));
  EXPECT_EQ(peer("alice").version, 3u);
  EXPECT_TRUE(same_tracks(peer("alice").tracks, {{"t1", "bob", "mic", false}}));
  EXPECT_EQ(section_by_mid(peer("alice").offer, "t2")->direction, sdp::Direction::Inactive);
}

TEST_F(RoomSignalingTest, ARepublishWithoutTheCameraOrItsSourceTakesItAway) {
  arrive("alice", false);
  join("bob");
  publish("bob", {{"0", "mic"}});  // no source named for the video m-section: not a track
  ASSERT_TRUE(got_offer("alice"));
  EXPECT_TRUE(same_tracks(peer("alice").tracks, {{"t1", "bob", "mic", false}}));
  answer("alice");
  publish("bob");
  ASSERT_TRUE(got_offer("alice"));
  EXPECT_TRUE(same_tracks(peer("alice").tracks,
                          {{"t1", "bob", "mic", false}, {"t2", "bob", "camera", true}}));
  answer("alice");

  // bob's browser stops sending video: that m-section is recvonly in its next offer, and the
  // camera is no longer among the sources.
  auto offer = parse_or_fail(publish_offer(peer("bob")));
  offer.media[1].direction = sdp::Direction::RecvOnly;
  room_.publish("bob", sdp::serialize_sdp(offer), {{"0", "mic"}}, now_);
  const auto answers = host_.take(Type::PublishAnswer, "bob");
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(parse_or_fail(answers[2].sdp).media[1].direction, sdp::Direction::Inactive);
  ASSERT_TRUE(got_offer("alice"));
  EXPECT_EQ(peer("alice").version, 4u);
  EXPECT_TRUE(same_tracks(peer("alice").tracks, {{"t1", "bob", "mic", false}}));
  EXPECT_EQ(host_.live_transports(), 3u);  // still one publish transport for bob
}

}  // namespace
}  // namespace bailanys::sfu::room_test
