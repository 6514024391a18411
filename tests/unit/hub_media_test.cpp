// The hub's side of the media protocol (docs/PROTOCOL.md, "Media"): version agreement, checking
// media.* messages before they reach the SFU, and turning the SFU's RoomEvents into frames.
// The SFU end is a recorder of the commands the hub sends; the real SFU behind the same
// interface is tested with browsers and libwebrtc in tests/integration and tests/e2e.
#include "hub_fixture.hpp"

namespace bailanys::signaling {
namespace {

using namespace test;

class RecordingMedia final : public sfu::MediaService {
 public:
  struct Command {
    std::string what, participant, sdp;
    sfu::TrackSources sources;
    std::uint64_t version = 0;
  };
  void start_echo(sfu::EchoRequest /*request*/, std::function<void(sfu::EchoResult)> /*done*/) override {}
  void set_room_event_sink(sfu::RoomEventSink /*sink*/) override {}
  void join_media(sfu::RoomId /*room*/, std::string participant_id) override {
    commands.push_back({"join", std::move(participant_id), "", {}, 0});
  }
  void leave_media(sfu::RoomId /*room*/, std::string participant_id) override {
    commands.push_back({"leave", std::move(participant_id), "", {}, 0});
  }
  void publish(sfu::RoomId /*room*/, std::string participant_id, std::string offer_sdp,
               sfu::TrackSources sources) override {
    commands.push_back({"publish", std::move(participant_id), std::move(offer_sdp), std::move(sources), 0});
  }
  void subscribe_answer(sfu::RoomId /*room*/, std::string participant_id, std::string answer_sdp,
                        std::uint64_t version) override {
    commands.push_back({"answer", std::move(participant_id), std::move(answer_sdp), {}, version});
  }
  void set_view(sfu::RoomId /*room*/, std::string participant_id,
                std::vector<sfu::TileView> /*tiles*/) override {
    commands.push_back({"view", std::move(participant_id), {}, {}, 0});
  }
  void set_receive_prefs(sfu::RoomId /*room*/, std::string participant_id,
                         sfu::ReceivePrefs /*prefs*/) override {
    commands.push_back({"prefs", std::move(participant_id), {}, {}, 0});
  }
  void set_video_cap(sfu::RoomId /*room*/, sfu::VideoCap /*cap*/) override {
    commands.push_back({"cap", {}, {}, {}, 0});
  }
  std::vector<Command> commands;
};

class HubMediaTest : public HubTest {
 protected:
  void SetUp() override {
    HubTest::SetUp();
    hub_->set_media(&media_);
  }
  static std::string id_of(const Client& c) { return c.socket->frames[0]["self"]["id"]; }
  static const json& last(const Client& c) { return c.socket->frames.back(); }
  sfu::RoomEvent offer_event(const Client& c, std::uint64_t version) const {
    sfu::RoomEvent e;
    e.type = sfu::RoomEvent::Type::SubscribeOffer;
    e.room_id = room_.id;
    e.participant_id = id_of(c);
    e.sdp = "v=0 offer " + std::to_string(version);
    e.version = version;
    e.tracks = {{"t1", "pX", "camera", true}};
    return e;
  }
  RecordingMedia media_;
};

TEST_F(HubMediaTest, WelcomeAgreesOnTheLowerVersion) {
  EXPECT_EQ(join("Aida", std::nullopt, 1).socket->frames[0]["v"], 1);
  EXPECT_EQ(join("Bolat", std::nullopt, 2).socket->frames[0]["v"], 2);
  EXPECT_EQ(join("Chen", std::nullopt, 7).socket->frames[0]["v"], 2);
}

TEST_F(HubMediaTest, VersionOneClientsCannotUseMediaAndGetNoMediaEvents) {
  Client old = join("Aida", std::nullopt, 1);
  Client v2 = join("Bolat", std::nullopt, 2);
  old.send({{"type", "media.join"}});
  EXPECT_EQ(last(old)["code"], "unknown_type");
  EXPECT_TRUE(media_.commands.empty());
  sfu::RoomEvent speaker;
  speaker.type = sfu::RoomEvent::Type::Speaker;
  speaker.room_id = room_.id;
  speaker.speaker = id_of(v2);
  hub_->on_media_event(speaker);
  EXPECT_TRUE(old.socket->of_type("media.speaker").empty());
  ASSERT_EQ(v2.socket->of_type("media.speaker").size(), 1u);
  EXPECT_EQ(v2.socket->of_type("media.speaker")[0]["participantId"], id_of(v2));
}

TEST_F(HubMediaTest, PublishIsCheckedBeforeItReachesTheSfu) {
  Client a = join("Aida", std::nullopt, 2);
  a.send({{"type", "media.publish"}, {"sdp", "v=0"}, {"tracks", {{"0", "mic"}}}});
  EXPECT_EQ(last(a)["code"], "invalid_message");  // before media.join
  EXPECT_EQ(last(a)["ref"], "media.publish");
  a.send({{"type", "media.join"}});
  ASSERT_EQ(media_.commands.size(), 1u);
  EXPECT_EQ(media_.commands[0].what, "join");
  a.send({{"type", "media.publish"}, {"sdp", "v=0"}, {"tracks", {{"0", "webcam"}}}});
  EXPECT_EQ(last(a)["code"], "invalid_message");  // unknown source
  a.send({{"type", "media.publish"}, {"sdp", "v=0"}, {"tracks", {{"0", "mic"}, {"1", "mic"}}}});
  EXPECT_EQ(last(a)["code"], "invalid_message");  // two tracks of one source
  a.send({{"type", "media.publish"}, {"tracks", {{"0", "mic"}}}});
  EXPECT_EQ(last(a)["code"], "invalid_message");  // no sdp
  ASSERT_EQ(media_.commands.size(), 1u);
  a.send({{"type", "media.publish"}, {"sdp", "v=0 x"}, {"tracks", {{"0", "mic"}, {"1", "camera"}}}});
  ASSERT_EQ(media_.commands.size(), 2u);
  EXPECT_EQ(media_.commands[1].what, "publish");
  EXPECT_EQ(media_.commands[1].sdp, "v=0 x");
  EXPECT_EQ(media_.commands[1].sources, (sfu::TrackSources{{"0", "mic"}, {"1", "camera"}}));
}

TEST_F(HubMediaTest, OffersReachTheParticipantAndAreSentAgainAfterAResume) {
  Client a = join("Aida", std::nullopt, 2);
  a.send({{"type", "media.join"}});
  hub_->on_media_event(offer_event(a, 1));
  ASSERT_EQ(a.socket->of_type("media.subscribeOffer").size(), 1u);
  const json offer = a.socket->of_type("media.subscribeOffer")[0];
  EXPECT_EQ(offer["version"], 1);
  EXPECT_EQ(offer["tracks"][0], json({{"mid", "t1"}, {"participantId", "pX"}, {"source", "camera"},
                                      {"kind", "video"}}));
  // The socket drops before the answer; the resumed socket gets the same offer.
  const std::string token = a.socket->frames[0]["resumeToken"];
  a.listener->on_closed(http::WsCloseInfo{1006, false});
  Client again = join("Aida", token, 2);
  ASSERT_EQ(again.socket->of_type("media.subscribeOffer").size(), 1u);
  EXPECT_EQ(again.socket->of_type("media.subscribeOffer")[0]["sdp"], "v=0 offer 1");
  // Once answered it is not sent again.
  again.send({{"type", "media.subscribeAnswer"}, {"sdp", "v=0 answer"}, {"version", 1}});
  EXPECT_EQ(media_.commands.back().what, "answer");
  EXPECT_EQ(media_.commands.back().version, 1u);
  again.listener->on_closed(http::WsCloseInfo{1006, false});
  Client third = join("Aida", token, 2);
  EXPECT_TRUE(third.socket->of_type("media.subscribeOffer").empty());
}

TEST_F(HubMediaTest, TheMediaLimitLeavesLaterParticipantsChatOnly) {
  Client a = join("Aida", std::nullopt, 2);
  Client b = join("Bolat", std::nullopt, 2);
  Client c = join("Chen", std::nullopt, 2);
  for (const Client* x : {&a, &b, &c}) x->send({{"type", "media.join"}});
  EXPECT_EQ(media_.commands.size(), 2u);  // options.max_media_participants = 2
  EXPECT_EQ(last(c)["code"], "media_full");
  c.send({{"type", "chat"}, {"clientId", "c1"}, {"text", "I can still write"}});
  EXPECT_TRUE(posted_.run_until([&] { return !c.socket->of_type("chat").empty(); }));
  // A participant already in the media may restart it.
  a.send({{"type", "media.join"}});
  EXPECT_EQ(media_.commands.size(), 3u);
}

TEST_F(HubMediaTest, MediaStateIsBroadcastAsAParticipantUpdate) {
  Client a = join("Aida", std::nullopt, 2);
  Client b = join("Bolat", std::nullopt, 2);
  EXPECT_EQ(b.socket->frames[0]["self"]["media"], json({{"mic", false}, {"camera", false}, {"screen", false}}));
  b.send({{"type", "media.state"}, {"mic", true}, {"camera", false}, {"screen", true}});
  const auto updates = a.socket->of_type("participant-updated");
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0]["participant"]["media"], json({{"mic", true}, {"camera", false}, {"screen", true}}));
  b.send({{"type", "media.state"}, {"mic", true}});  // nothing changed: no update
  EXPECT_EQ(a.socket->of_type("participant-updated").size(), 1u);
  b.send({{"type", "media.state"}, {"mic", "yes"}, {"camera", true}});
  EXPECT_EQ(last(b)["code"], "invalid_message");
  EXPECT_EQ(last(b)["ref"], "media.state");
  EXPECT_EQ(a.socket->of_type("participant-updated").size(), 1u);  // nothing applied
}

TEST_F(HubMediaTest, LostMediaMakesAParticipantReconnectingThenGone) {
  Client a = join("Aida", std::nullopt, 2);
  Client b = join("Bolat", std::nullopt, 2);
  b.send({{"type", "media.join"}});
  sfu::RoomEvent state;
  state.type = sfu::RoomEvent::Type::MediaState;
  state.room_id = room_.id;
  state.participant_id = id_of(b);
  state.connected = false;
  hub_->on_media_event(state);
  ASSERT_FALSE(a.socket->of_type("participant-updated").empty());
  EXPECT_EQ(a.socket->of_type("participant-updated").back()["participant"]["state"], "reconnecting");
  // Consent expired with the socket still open: the client is told to start its media again.
  sfu::RoomEvent failed;
  failed.type = sfu::RoomEvent::Type::MediaFailed;
  failed.room_id = room_.id;
  failed.participant_id = id_of(b);
  failed.message = "ICE consent expired";
  hub_->on_media_event(failed);
  EXPECT_EQ(last(b)["code"], "media_failed");
  EXPECT_EQ(a.socket->of_type("participant-updated").back()["participant"]["state"], "online");
  // With the socket gone as well, the participant leaves.
  b.send({{"type", "media.join"}});
  b.listener->on_closed(http::WsCloseInfo{1006, false});
  hub_->on_media_event(failed);
  ASSERT_EQ(a.socket->of_type("participant-left").size(), 1u);
  EXPECT_EQ(a.socket->of_type("participant-left")[0]["reason"], "timeout");
}

TEST_F(HubMediaTest, LeavingEndsTheMediaAndFloodsAreLimited) {
  Client a = join("Aida", std::nullopt, 2);
  a.send({{"type", "media.join"}});
  for (int i = 0; i < 60; ++i) a.send({{"type", "media.state"}, {"mic", i % 2 == 0}});
  EXPECT_EQ(last(a)["code"], "rate_limited");
  a.send({{"type", "leave"}});
  EXPECT_EQ(media_.commands.back().what, "leave");
}

}  // namespace
}  // namespace bailanys::signaling
