// The signaling hub with a real SQLite store, fake sockets and injected time.
#include "hub_fixture.hpp"

namespace bailanys::signaling {
namespace {

using namespace test;

TEST_F(HubTest, WelcomeListsEveryoneAndOthersHearOfTheJoin) {
  Client a = join("Aida");
  ASSERT_EQ(a.socket->frames[0]["type"], "welcome");
  EXPECT_EQ(a.socket->frames[0]["room"]["code"], "kqz-mbvt-rax");
  Client b = join("Bolat");
  const json& welcome = b.socket->frames[0];
  ASSERT_EQ(welcome["participants"].size(), 2u);
  EXPECT_EQ(welcome["participants"][0]["name"], "Aida");
  EXPECT_EQ(welcome["self"]["name"], "Bolat");
  ASSERT_EQ(a.socket->of_type("participant-joined").size(), 1u);
  EXPECT_EQ(a.socket->of_type("participant-joined")[0]["participant"]["name"], "Bolat");
}

TEST_F(HubTest, ChatIsStoredOnceAndBroadcastInOrder) {
  Client a = join("Aida");
  Client b = join("Bolat");
  for (int i = 0; i < 5; ++i) {
    a.send({{"type", "chat"}, {"clientId", "m" + std::to_string(i)}, {"text", std::to_string(i)}});
  }
  ASSERT_TRUE(posted_.run_until([&] { return b.socket->of_type("chat").size() == 5; }));
  const auto chats = b.socket->of_type("chat");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(chats[i]["message"]["text"], std::to_string(i));
  // A re-sent message (after a reconnect) is confirmed to its sender only.
  a.send({{"type", "chat"}, {"clientId", "m0"}, {"text", "0"}});
  ASSERT_TRUE(posted_.run_until([&] { return a.socket->of_type("chat").size() == 6; }));
  EXPECT_EQ(a.socket->of_type("chat")[5]["message"]["id"], chats[0]["message"]["id"]);
  EXPECT_EQ(b.socket->of_type("chat").size(), 5u);
}

TEST_F(HubTest, ChatFloodIsRateLimited) {
  Client a = join("Aida");
  for (int i = 0; i < 15; ++i) {
    a.send({{"type", "chat"}, {"clientId", "f" + std::to_string(i)}, {"text", "spam"}});
  }
  int limited = 0;
  for (const auto& e : a.socket->of_type("error")) limited += e["code"] == "rate_limited";
  EXPECT_EQ(limited, 5);  // a burst of 10 passes, the rest is refused
  steady_ += 2000;        // two seconds later the bucket has refilled
  a.send({{"type", "chat"}, {"clientId", "later"}, {"text", "ok"}});
  ASSERT_TRUE(posted_.run_until([&] { return a.socket->of_type("chat").size() == 11; }));
}

TEST_F(HubTest, DroppedSocketKeepsTheParticipantForTheGracePeriod) {
  Client a = join("Aida");
  Client b = join("Bolat");
  const std::string b_id = b.socket->frames[0]["self"]["id"];
  const std::string token = b.socket->frames[0]["resumeToken"];
  b.listener->on_closed({1006, false});
  const auto updates = a.socket->of_type("participant-updated");
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0]["participant"]["state"], "reconnecting");

  steady_ += 5000;
  hub_->tick();
  Client b2 = join("Bolat", token);
  EXPECT_EQ(b2.socket->frames[0]["self"]["id"], b_id);
  EXPECT_EQ(b2.socket->frames[0]["participants"].size(), 2u);  // no duplicate
  EXPECT_EQ(a.socket->of_type("participant-joined").size(), 1u);
  EXPECT_EQ(a.socket->of_type("participant-left").size(), 0u);
  EXPECT_EQ(a.socket->of_type("participant-updated").back()["participant"]["state"], "online");
}

TEST_F(HubTest, GraceRunsOutAndTheParticipantLeaves) {
  Client a = join("Aida");
  Client b = join("Bolat");
  b.listener->on_closed({1006, false});
  steady_ += 19'000;
  hub_->tick();
  EXPECT_TRUE(a.socket->of_type("participant-left").empty());
  steady_ += 2'000;
  hub_->tick();
  ASSERT_EQ(a.socket->of_type("participant-left").size(), 1u);
  EXPECT_EQ(a.socket->of_type("participant-left")[0]["reason"], "timeout");
}

TEST_F(HubTest, CleanCloseLeavesAtOnce) {
  Client a = join("Aida");
  Client b = join("Bolat");
  b.listener->on_closed({1001, true});
  ASSERT_EQ(a.socket->of_type("participant-left").size(), 1u);
  EXPECT_EQ(a.socket->of_type("participant-left")[0]["reason"], "left");
}

TEST_F(HubTest, CloseWithAnApplicationCodeKeepsTheParticipantResumable) {
  Client a = join("Aida");
  Client b = join("Bolat");
  b.listener->on_closed({4100, true});
  EXPECT_TRUE(a.socket->of_type("participant-left").empty());
  EXPECT_EQ(a.socket->of_type("participant-updated").back()["participant"]["state"],
            "reconnecting");
}

TEST_F(HubTest, ResumeWhileOldSocketIsOpenReplacesIt) {
  Client a = join("Aida");
  const std::string token = a.socket->frames[0]["resumeToken"];
  Client a2 = join("Aida", token);
  EXPECT_EQ(a.socket->closed_with, 4001);
  a.listener->on_closed({4001, true});  // the old socket's close must not remove anyone
  Client b = join("Bolat");
  EXPECT_EQ(b.socket->frames[0]["participants"].size(), 2u);
}

TEST_F(HubTest, FullRoomAndUnknownRoomAreRefused) {
  Client a = join("A");
  Client b = join("B");
  Client c = join("C");
  Client d = join("D");
  EXPECT_EQ(d.socket->frames[0]["code"], "room_full");
  EXPECT_EQ(d.socket->closed_with, 4000);
  Client e = connect();
  e.send({{"type", "hello"}, {"room", "aaa-aaaa-aaa"}, {"name", "E"}});
  ASSERT_TRUE(posted_.run_until([&] { return !e.socket->frames.empty(); }));
  EXPECT_EQ(e.socket->frames[0]["code"], "room_not_found");
}

TEST_F(HubTest, GarbageGetsErrorsAndEventuallyACloseButNoCrash) {
  Client a = connect();
  a.listener->on_text("not json");
  a.listener->on_text("[]");
  a.listener->on_text(R"({"type":"chat","text":"x"})");
  a.listener->on_text(R"({"type":"warp"})");
  a.listener->on_binary();
  ASSERT_EQ(a.socket->frames.size(), 5u);
  EXPECT_EQ(a.socket->frames[0]["code"], "invalid_json");
  EXPECT_EQ(a.socket->frames[1]["code"], "invalid_message");
  EXPECT_EQ(a.socket->frames[2]["code"], "not_joined");
  EXPECT_EQ(a.socket->frames[3]["code"], "unknown_type");
  EXPECT_FALSE(a.socket->closed_with.has_value());
  for (int i = 0; i < 20; ++i) a.listener->on_text("{");
  EXPECT_EQ(a.socket->closed_with, 1008);
}

TEST_F(HubTest, SilentSocketIsClosedAfterTheHelloTimeout) {
  Client a = connect();
  steady_ += 9'000;
  hub_->tick();
  EXPECT_FALSE(a.socket->closed_with.has_value());
  steady_ += 2'000;
  hub_->tick();
  EXPECT_EQ(a.socket->closed_with, 4000);
}

}  // namespace
}  // namespace bailanys::signaling
