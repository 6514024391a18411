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
    sfu::RoomId room = 0;
    std::vector<sfu::TileView> tiles;
    sfu::ReceivePrefs prefs;
    sfu::VideoCap cap = sfu::VideoCap::High;
  };
  void start_echo(sfu::EchoRequest /*request*/, std::function<void(sfu::EchoResult)> /*done*/) override {}
  void set_room_event_sink(sfu::RoomEventSink /*sink*/) override {}
  void join_media(sfu::RoomId room, std::string participant_id) override {
    record("join", room, std::move(participant_id));
  }
  void leave_media(sfu::RoomId room, std::string participant_id) override {
    record("leave", room, std::move(participant_id));
  }
  void publish(sfu::RoomId room, std::string participant_id, std::string offer_sdp,
               sfu::TrackSources sources) override {
    auto& c = record("publish", room, std::move(participant_id));
    c.sdp = std::move(offer_sdp);
    c.sources = std::move(sources);
  }
  void subscribe_answer(sfu::RoomId room, std::string participant_id, std::string answer_sdp,
                        std::uint64_t version) override {
    auto& c = record("answer", room, std::move(participant_id));
    c.sdp = std::move(answer_sdp);
    c.version = version;
  }
  void set_view(sfu::RoomId room, std::string participant_id,
                std::vector<sfu::TileView> tiles) override {
    record("view", room, std::move(participant_id)).tiles = std::move(tiles);
  }
  void set_receive_prefs(sfu::RoomId room, std::string participant_id,
                         sfu::ReceivePrefs prefs) override {
    record("prefs", room, std::move(participant_id)).prefs = std::move(prefs);
  }
  void set_video_cap(sfu::RoomId room, sfu::VideoCap cap) override {
    record("cap", room, {}).cap = cap;
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& c : commands) out.push_back(c.what);
    return out;
  }
  std::vector<Command> commands;

 private:
  Command& record(std::string what, sfu::RoomId room, std::string participant) {
    Command c;
    c.what = std::move(what);
    c.room = room;
    c.participant = std::move(participant);
    return commands.emplace_back(std::move(c));
  }
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

// ---- Adaptive quality (issue 5): media.view, media.prefs, media.cap and their events ----

json tiles_of(const RecordingMedia::Command& c) {
  json out = json::array();
  for (const auto& t : c.tiles) out.push_back({t.participant_id, t.source, t.height});
  return out;
}

json prefs_of(const RecordingMedia::Command& c) {
  return {{"audioOnly", c.prefs.audio_only}, {"pinned", c.prefs.pinned}};
}

TEST_F(HubMediaTest, ViewIsCheckedAndPassedOnWithoutStrangers) {
  Client a = join("Aida", std::nullopt, 2);
  Client b = join("Bolat", std::nullopt, 2);
  const std::string bid = id_of(b);
  const json good = {{"type", "media.view"},
                     {"tiles", {{{"participantId", bid}, {"source", "camera"}, {"height", 360}}}}};
  a.send(good);
  EXPECT_EQ(last(a)["code"], "invalid_message");  // before media.join
  EXPECT_EQ(last(a)["ref"], "media.view");
  EXPECT_TRUE(media_.commands.empty());
  a.send({{"type", "media.join"}});
  a.send({{"type", "media.view"},
          {"tiles",
           {{{"participantId", bid}, {"source", "camera"}, {"height", 360}},
            {{"participantId", bid}, {"source", "screen"}, {"height", 0}},
            {{"participantId", "pGone"}, {"source", "camera"}, {"height", 180}},  // just left
            {{"participantId", id_of(a)}, {"source", "camera"}, {"height", 90}},  // itself
            {{"participantId", bid}, {"source", "camera"}, {"height", 4320}}}}});  // shown twice
  ASSERT_EQ(media_.names(), (std::vector<std::string>{"join", "view"}));
  EXPECT_EQ(media_.commands[1].participant, id_of(a));
  EXPECT_EQ(media_.commands[1].room, room_.id);
  EXPECT_EQ(tiles_of(media_.commands[1]), json({{bid, "camera", 4320}, {bid, "screen", 0}}));
  a.send({{"type", "media.view"}, {"tiles", json::array()}});  // nothing shown in particular
  ASSERT_EQ(media_.commands.size(), 3u);
  EXPECT_TRUE(media_.commands[2].tiles.empty());
  json many = json::array();
  for (int i = 0; i < 64; ++i) many.push_back({{"participantId", bid}, {"source", "camera"}, {"height", i}});
  a.send({{"type", "media.view"}, {"tiles", many}});
  ASSERT_EQ(media_.commands.size(), 4u);  // 64 tiles are allowed
  EXPECT_EQ(tiles_of(media_.commands[3]), json({{bid, "camera", 63}}));

  many.push_back({{"participantId", bid}, {"source", "camera"}, {"height", 1}});
  const auto tile = [&](const json& who, const json& source, const json& height) {
    json t = json::object();
    if (!who.is_null()) t["participantId"] = who;
    if (!source.is_null()) t["source"] = source;
    if (!height.is_null()) t["height"] = height;
    return json{{"type", "media.view"}, {"tiles", json::array({t})}};
  };
  const std::vector<json> bad = {
      {{"type", "media.view"}},                                  // no tiles
      {{"type", "media.view"}, {"tiles", {{"x", 1}}}},           // not an array
      {{"type", "media.view"}, {"tiles", many}},                 // 65 tiles
      {{"type", "media.view"}, {"tiles", {"p1"}}},               // a tile that is no object
      tile(nullptr, "camera", 360),                              // no participantId
      tile(7, "camera", 360),                                    // participantId not a string
      tile(bid, "mic", 360),                                     // audio has no tile
      tile(bid, "webcam", 360),                                  // unknown source
      tile(bid, nullptr, 360),                                   // no source
      tile(bid, "camera", -1),                                   // negative
      tile(bid, "camera", 4321),                                 // too tall
      tile(bid, "camera", 360.5),                                // not an integer
      tile(bid, "camera", "360"),                                // not a number
      tile(bid, "camera", nullptr),                              // no height
  };
  for (const auto& msg : bad) {
    a.send(msg);
    EXPECT_EQ(last(a)["code"], "invalid_message") << msg.dump();
    EXPECT_EQ(last(a)["ref"], "media.view") << msg.dump();
  }
  EXPECT_EQ(media_.commands.size(), 4u);  // nothing reached the SFU
}

TEST_F(HubMediaTest, PrefsMergeAndComeBackAfterMediaJoin) {
  Client a = join("Aida", std::nullopt, 2);
  Client b = join("Bolat", std::nullopt, 2);
  Client c = join("Chen", std::nullopt, 2);
  const std::string bid = id_of(b), cid = id_of(c);
  a.send({{"type", "media.prefs"}, {"audioOnly", true}});
  EXPECT_EQ(last(a)["code"], "invalid_message");  // before media.join
  EXPECT_EQ(last(a)["ref"], "media.prefs");
  a.send({{"type", "media.join"}});
  EXPECT_EQ(media_.names(), (std::vector<std::string>{"join"}));  // default prefs: not sent
  a.send({{"type", "media.prefs"}, {"audioOnly", true}});
  EXPECT_EQ(prefs_of(media_.commands.back()), json({{"audioOnly", true}, {"pinned", json::array()}}));
  EXPECT_EQ(media_.commands.back().participant, id_of(a));
  // Unknown ids, the sender itself and repeats are dropped; audioOnly is kept.
  a.send({{"type", "media.prefs"}, {"pinned", {bid, "pGone", id_of(a), bid, cid}}});
  EXPECT_EQ(prefs_of(media_.commands.back()), json({{"audioOnly", true}, {"pinned", {bid, cid}}}));
  a.send({{"type", "media.prefs"}, {"audioOnly", false}});
  EXPECT_EQ(prefs_of(media_.commands.back()), json({{"audioOnly", false}, {"pinned", {bid, cid}}}));
  ASSERT_EQ(media_.commands.size(), 4u);

  json seventeen = json::array();
  for (int i = 0; i < 17; ++i) seventeen.push_back(bid);
  for (const json& msg : {json{{"type", "media.prefs"}, {"audioOnly", "yes"}},
                          json{{"type", "media.prefs"}, {"audioOnly", 1}, {"pinned", {bid}}},
                          json{{"type", "media.prefs"}, {"pinned", bid}},
                          json{{"type", "media.prefs"}, {"pinned", {bid, 3}}},
                          json{{"type", "media.prefs"}, {"pinned", seventeen}}}) {
    a.send(msg);
    EXPECT_EQ(last(a)["code"], "invalid_message") << msg.dump();
    EXPECT_EQ(last(a)["ref"], "media.prefs");
  }
  ASSERT_EQ(media_.commands.size(), 4u);  // nothing applied
  a.send({{"type", "media.prefs"}});       // nothing new: the current prefs again
  EXPECT_EQ(prefs_of(media_.commands.back()), json({{"audioOnly", false}, {"pinned", {bid, cid}}}));

  // A restarted media gets the prefs again, without whoever left meanwhile.
  c.send({{"type", "leave"}});
  media_.commands.clear();
  a.send({{"type", "media.join"}});
  ASSERT_EQ(media_.names(), (std::vector<std::string>{"join", "prefs"}));
  EXPECT_EQ(prefs_of(media_.commands[1]), json({{"audioOnly", false}, {"pinned", {bid}}}));
}

TEST_F(HubMediaTest, OnlyTheOwnerCapsTheRoomAndEveryoneHearsOfIt) {
  Client owner = join("Owner", std::nullopt, 2, owner_cookie());
  ASSERT_EQ(owner.socket->frames[0]["type"], "welcome");
  EXPECT_EQ(owner.socket->frames[0]["self"]["isOwner"], true);
  EXPECT_EQ(owner.socket->frames[0]["mediaCap"], "high");
  Client b = join("Bolat", std::nullopt, 2);
  Client old = join("Chen", std::nullopt, 1);
  EXPECT_EQ(old.socket->frames[0]["mediaCap"], "high");
  b.send({{"type", "media.join"}});
  b.send({{"type", "media.cap"}, {"quality", "low"}});
  EXPECT_EQ(last(b)["code"], "forbidden");
  EXPECT_EQ(last(b)["ref"], "media.cap");
  owner.send({{"type", "media.cap"}, {"quality", "low"}});
  EXPECT_EQ(last(owner)["code"], "invalid_message");  // before media.join
  owner.send({{"type", "media.join"}});
  for (const json& msg : {json{{"type", "media.cap"}},
                          json{{"type", "media.cap"}, {"quality", "ultra"}},
                          json{{"type", "media.cap"}, {"quality", 1}},
                          json{{"type", "media.cap"}, {"quality", "LOW"}}}) {
    owner.send(msg);
    EXPECT_EQ(last(owner)["code"], "invalid_message") << msg.dump();
    EXPECT_EQ(last(owner)["ref"], "media.cap");
  }
  EXPECT_EQ(media_.names(), (std::vector<std::string>{"join", "join"}));  // high: no cap sent
  EXPECT_TRUE(b.socket->of_type("media.cap").empty());

  owner.send({{"type", "media.cap"}, {"quality", "low"}});
  ASSERT_EQ(media_.commands.back().what, "cap");
  EXPECT_EQ(media_.commands.back().cap, sfu::VideoCap::Low);
  EXPECT_EQ(media_.commands.back().room, room_.id);
  const json frame = {{"type", "media.cap"}, {"quality", "low"}, {"by", id_of(owner)}};
  ASSERT_EQ(b.socket->of_type("media.cap").size(), 1u);
  EXPECT_EQ(b.socket->of_type("media.cap")[0], frame);
  EXPECT_EQ(last(owner), frame);
  EXPECT_TRUE(old.socket->of_type("media.cap").empty());  // version 1: no media events

  // Newcomers learn the cap in welcome.
  old.send({{"type", "leave"}});
  Client d = join("Dana", std::nullopt, 2);
  EXPECT_EQ(d.socket->frames[0]["mediaCap"], "low");
  owner.send({{"type", "media.cap"}, {"quality", "medium"}});
  EXPECT_EQ(media_.commands.back().cap, sfu::VideoCap::Medium);
  EXPECT_EQ(last(d), json({{"type", "media.cap"}, {"quality", "medium"}, {"by", id_of(owner)}}));
}

TEST_F(HubMediaTest, TheCapIsAppliedAgainAfterMediaJoinAndForgottenWithTheRoom) {
  Client owner = join("Owner", std::nullopt, 2, owner_cookie());
  Client b = join("Bolat", std::nullopt, 2);
  owner.send({{"type", "media.join"}});
  owner.send({{"type", "media.cap"}, {"quality", "medium"}});
  media_.commands.clear();
  b.send({{"type", "media.join"}});  // the media room may only exist from now on
  ASSERT_EQ(media_.names(), (std::vector<std::string>{"join", "cap"}));
  EXPECT_EQ(media_.commands[1].cap, sfu::VideoCap::Medium);
  owner.send({{"type", "media.cap"}, {"quality", "high"}});
  media_.commands.clear();
  b.send({{"type", "media.join"}});
  EXPECT_EQ(media_.names(), (std::vector<std::string>{"join"}));  // high is the default

  owner.send({{"type", "media.cap"}, {"quality", "low"}});
  owner.send({{"type", "leave"}});
  b.send({{"type", "leave"}});
  EXPECT_EQ(hub_->stats().rooms, 0u);
  Client again = join("Owner", std::nullopt, 2, owner_cookie());
  EXPECT_EQ(again.socket->frames[0]["mediaCap"], "high");
  media_.commands.clear();
  again.send({{"type", "media.join"}});
  EXPECT_EQ(media_.names(), (std::vector<std::string>{"join"}));
}

TEST_F(HubMediaTest, QualityEventsReachTheRoom) {
  Client a = join("Aida", std::nullopt, 2);
  Client old = join("Bolat", std::nullopt, 1);
  sfu::RoomEvent e;
  e.type = sfu::RoomEvent::Type::Quality;
  e.room_id = room_.id;
  e.quality = {{id_of(a), sfu::QualityLevel::Fair, 2.345, 48, 1200},
               {"pX", sfu::QualityLevel::Poor, 12.0, 0, 150},
               {"pY", sfu::QualityLevel::Good, 0.0, 20, 2500}};
  hub_->on_media_event(e);
  ASSERT_EQ(a.socket->of_type("media.quality").size(), 1u);
  EXPECT_EQ(a.socket->of_type("media.quality")[0],
            json::parse(R"({"type":"media.quality","participants":[
              {"participantId":")" + id_of(a) + R"(","level":"fair","lossPct":2.3,"rttMs":48,"downlinkKbps":1200},
              {"participantId":"pX","level":"poor","lossPct":12.0,"rttMs":0,"downlinkKbps":150},
              {"participantId":"pY","level":"good","lossPct":0.0,"rttMs":20,"downlinkKbps":2500}]})"));
  EXPECT_TRUE(old.socket->of_type("media.quality").empty());
  e.room_id = room_.id + 1;  // another room's
  hub_->on_media_event(e);
  EXPECT_EQ(a.socket->of_type("media.quality").size(), 1u);
}

TEST_F(HubMediaTest, ReceivingGoesToItsParticipantAndAgainAfterAResume) {
  Client a = join("Aida", std::nullopt, 2);
  Client b = join("Bolat", std::nullopt, 2);
  sfu::RoomEvent e;
  e.type = sfu::RoomEvent::Type::Receiving;
  e.room_id = room_.id;
  e.participant_id = id_of(a);
  e.receiving = {{"t2", id_of(b), "camera", sfu::PauseReason::None, 1, 3, 360},
                 {"t3", id_of(b), "screen", sfu::PauseReason::Hidden, 0, 1, 0},
                 {"t4", "pX", "camera", sfu::PauseReason::Bandwidth, 0, 3, 0},
                 {"t5", "pY", "camera", sfu::PauseReason::LastN, 0, 2, 0},
                 {"t6", "pZ", "camera", sfu::PauseReason::AudioOnly, 0, 1, 0}};
  hub_->on_media_event(e);
  EXPECT_TRUE(a.socket->of_type("media.receiving").empty());  // not in the media
  a.send({{"type", "media.join"}});
  hub_->on_media_event(offer_event(a, 1));
  hub_->on_media_event(e);
  const json expected = json::parse(R"({"type":"media.receiving","tracks":[
    {"mid":"t2","participantId":")" + id_of(b) + R"(","source":"camera","state":"on","reason":null,"layer":1,"layers":3,"height":360},
    {"mid":"t3","participantId":")" + id_of(b) + R"(","source":"screen","state":"paused","reason":"hidden","layer":0,"layers":1,"height":0},
    {"mid":"t4","participantId":"pX","source":"camera","state":"paused","reason":"bandwidth","layer":0,"layers":3,"height":0},
    {"mid":"t5","participantId":"pY","source":"camera","state":"paused","reason":"lastN","layer":0,"layers":2,"height":0},
    {"mid":"t6","participantId":"pZ","source":"camera","state":"paused","reason":"audioOnly","layer":0,"layers":1,"height":0}]})");
  ASSERT_EQ(a.socket->of_type("media.receiving").size(), 1u);
  EXPECT_EQ(a.socket->of_type("media.receiving")[0], expected);
  EXPECT_TRUE(b.socket->of_type("media.receiving").empty());
  hub_->on_media_event(e);  // unchanged: not sent again
  EXPECT_EQ(a.socket->of_type("media.receiving").size(), 1u);

  // After a drop the resumed socket gets the pending offer, then what it receives now.
  const std::string token = a.socket->frames[0]["resumeToken"];
  a.listener->on_closed(http::WsCloseInfo{1006, false});
  e.receiving[1].paused = sfu::PauseReason::None;
  hub_->on_media_event(e);  // while the socket is down
  Client again = join("Aida", token, 2);
  const auto& frames = again.socket->frames;
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[1]["type"], "media.subscribeOffer");
  EXPECT_EQ(frames[2]["type"], "media.receiving");
  EXPECT_EQ(frames[2]["tracks"][1]["state"], "on");
  EXPECT_EQ(frames[2]["tracks"][1]["reason"], nullptr);
  // A restarted media starts from nothing.
  again.send({{"type", "media.join"}});
  again.listener->on_closed(http::WsCloseInfo{1006, false});
  Client third = join("Aida", token, 2);
  EXPECT_TRUE(third.socket->of_type("media.receiving").empty());
}

TEST_F(HubMediaTest, QualityMessagesShareTheMediaRateLimit) {
  Client a = join("Aida", std::nullopt, 2);
  a.send({{"type", "media.join"}});
  const json view = {{"type", "media.view"}, {"tiles", json::array()}};
  for (int i = 0; i < 60; ++i) a.send(view);
  EXPECT_EQ(last(a)["code"], "rate_limited");
  EXPECT_EQ(last(a)["ref"], "media.view");
  const auto sent = media_.commands.size();
  EXPECT_LT(sent, 45u);
  a.send({{"type", "media.prefs"}, {"audioOnly", true}});
  EXPECT_EQ(last(a)["ref"], "media.prefs");
  EXPECT_EQ(media_.commands.size(), sent);
  steady_ += 5'000;
  a.send(view);
  EXPECT_EQ(media_.commands.size(), sent + 1);
}

}  // namespace
}  // namespace bailanys::signaling
