#include "sfu/active_speaker.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <vector>

namespace bailanys::sfu {
namespace {

using Id = ActiveSpeakerDetector::ParticipantId;
constexpr Id kAlice = 1;
constexpr Id kBob = 2;
constexpr Id kCarol = 3;
constexpr std::uint8_t kSilence = 127;

struct Change {
  TimeMs at;
  Id id;
};

// What one participant sends at a time: an RFC 6464 level and the voice flag; nullopt = no
// packet (Opus DTX in silence).
struct Level {
  std::uint8_t level = kSilence;
  bool voice = false;
};
Level speaking(std::uint8_t level) { return Level{level, true}; }
constexpr Level kQuiet{};

using Script = std::function<std::optional<Level>(Id, TimeMs)>;

// Plays a room from `from` to `to`: every participant sends a packet every `packet_ms`, the
// detector is updated every 300 ms; returns the changes of dominant speaker.
std::vector<Change> play(ActiveSpeakerDetector& detector, const std::vector<Id>& ids, TimeMs from,
                         TimeMs to, const Script& script, TimeMs packet_ms = 20) {
  std::vector<Change> changes;
  for (TimeMs now = from; now < to; now += 10) {
    if (now % packet_ms == 0) {
      for (const Id id : ids) {
        if (const auto level = script(id, now)) {
          detector.on_audio_level(id, level->level, level->voice, now);
        }
      }
    }
    if (now % 300 == 0) {
      if (const auto id = detector.update(now)) changes.push_back({now, *id});
    }
  }
  return changes;
}

ActiveSpeakerDetector room_of(std::initializer_list<Id> ids,
                              ActiveSpeakerDetector::Options options = {}) {
  ActiveSpeakerDetector detector(options);
  for (const Id id : ids) detector.add(id);
  return detector;
}

TEST(ActiveSpeakerDetector, NobodyTalkingMeansNoSpeaker) {
  auto detector = room_of({kAlice, kBob, kCarol});
  // Silence, and a quiet background hum the sender's VAD even calls voice (-75 dBov).
  const auto changes = play(detector, {kAlice, kBob, kCarol}, 0, 5000, [](Id id, TimeMs) {
    return std::optional<Level>(id == kBob ? Level{75, true} : kQuiet);
  });
  EXPECT_TRUE(changes.empty());
  EXPECT_FALSE(detector.dominant().has_value());
}

TEST(ActiveSpeakerDetector, AClearTalkerWinsWithinASecond) {
  auto detector = room_of({kAlice, kBob, kCarol});
  const auto changes = play(detector, {kAlice, kBob, kCarol}, 0, 5000, [](Id id, TimeMs t) {
    return std::optional<Level>(id == kBob && t >= 1200 ? speaking(30) : kQuiet);
  });
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].id, kBob);
  EXPECT_GE(changes[0].at, 1200 + 600);
  EXPECT_LE(changes[0].at, 1200 + 1300);
  EXPECT_EQ(detector.dominant(), kBob);
}

TEST(ActiveSpeakerDetector, OfTwoStartingTogetherTheLouderWins) {
  auto detector = room_of({kAlice, kBob});
  const auto changes = play(detector, {kAlice, kBob}, 0, 3000, [](Id id, TimeMs) {
    return std::optional<Level>(speaking(id == kAlice ? 40 : 25));
  });
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].id, kBob);
}

TEST(ActiveSpeakerDetector, ABriefLoudCoughDoesNotSwitch) {
  auto detector = room_of({kAlice, kBob});
  // Alice talks throughout; Bob coughs (300 ms, very loud) at 4 s and laughs (600 ms) at 7 s.
  const auto changes = play(detector, {kAlice, kBob}, 0, 10'000, [](Id id, TimeMs t) {
    if (id == kAlice) return std::optional<Level>(speaking(40));
    const bool cough = t >= 4000 && t < 4300;
    const bool laugh = t >= 7000 && t < 7600;
    return std::optional<Level>(cough ? speaking(3) : laugh ? speaking(15) : kQuiet);
  });
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].id, kAlice);
}

TEST(ActiveSpeakerDetector, ACoughWhileTheSpeakerPausesDoesNotSwitch) {
  auto detector = room_of({kAlice, kBob});
  const auto changes = play(detector, {kAlice, kBob}, 0, 10'000, [](Id id, TimeMs t) {
    if (id == kAlice) return std::optional<Level>(t < 3000 ? speaking(40) : kQuiet);
    return std::optional<Level>(t >= 5000 && t < 5400 ? speaking(5) : kQuiet);
  });
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].id, kAlice);
  EXPECT_EQ(detector.dominant(), kAlice);
}

TEST(ActiveSpeakerDetector, ASingleLoudPacketDoesNotSwitch) {
  auto detector = room_of({kAlice, kBob});
  play(detector, {kAlice}, 0, 2000, [](Id, TimeMs) { return std::optional<Level>(speaking(40)); });
  ASSERT_EQ(detector.dominant(), kAlice);
  detector.on_audio_level(kBob, 0, true, 2005);  // 0 dBov, the loudest there is
  for (TimeMs t = 2100; t <= 5000; t += 300) EXPECT_FALSE(detector.update(t).has_value());
  EXPECT_EQ(detector.dominant(), kAlice);
}

TEST(ActiveSpeakerDetector, TwoPeopleAlternatingSwitchOncePerTurn) {
  auto detector = room_of({kAlice, kBob, kCarol});
  constexpr TimeMs kTurn = 3000;
  const auto changes = play(detector, {kAlice, kBob, kCarol}, 0, 8 * kTurn, [](Id id, TimeMs t) {
    const Id talker = (t / kTurn) % 2 == 0 ? kAlice : kBob;
    // Natural speech: a short pause between phrases every 700 ms.
    const bool pause = t % 700 >= 600;
    return std::optional<Level>(id == talker && !pause ? speaking(id == kAlice ? 35 : 28) : kQuiet);
  });
  ASSERT_EQ(changes.size(), 8u);  // no flicker: one change per turn
  for (std::size_t turn = 0; turn < changes.size(); ++turn) {
    const TimeMs start = static_cast<TimeMs>(turn) * kTurn;
    EXPECT_EQ(changes[turn].id, turn % 2 == 0 ? kAlice : kBob) << "turn " << turn;
    EXPECT_GE(changes[turn].at, start + 600) << "turn " << turn;
    EXPECT_LE(changes[turn].at, start + 1300) << "turn " << turn;
  }
}

TEST(ActiveSpeakerDetector, LongSilenceKeepsTheLastSpeaker) {
  auto detector = room_of({kAlice, kBob});
  const auto changes = play(detector, {kAlice, kBob}, 0, 60'000, [](Id id, TimeMs t) {
    // After Alice, only silence: Bob sends nothing (DTX), Alice sends silence packets.
    if (id == kBob) return std::optional<Level>();
    return std::optional<Level>(t < 2000 ? speaking(30) : kQuiet);
  });
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(detector.dominant(), kAlice);
}

TEST(ActiveSpeakerDetector, CrosstalkAtASimilarLevelKeepsTheSpeaker) {
  auto detector = room_of({kAlice, kBob});
  const auto changes = play(detector, {kAlice, kBob}, 0, 10'000, [](Id id, TimeMs t) {
    if (id == kAlice) return std::optional<Level>(speaking(35));
    return std::optional<Level>(t >= 3000 ? speaking(31) : kQuiet);  // 4 dB louder
  });
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(detector.dominant(), kAlice);
}

TEST(ActiveSpeakerDetector, AClearlyLouderChallengerTakesOverFromATalkingSpeaker) {
  auto detector = room_of({kAlice, kBob});
  const auto changes = play(detector, {kAlice, kBob}, 0, 10'000, [](Id id, TimeMs t) {
    if (id == kAlice) return std::optional<Level>(speaking(40));
    return std::optional<Level>(t >= 3000 ? speaking(22) : kQuiet);  // 18 dB louder
  });
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[1].id, kBob);
  EXPECT_GE(changes[1].at, 3600);
  EXPECT_LE(changes[1].at, 4300);
}

TEST(ActiveSpeakerDetector, RemovedSpeakerStopsBeingTheSpeaker) {
  auto detector = room_of({kAlice, kBob, kCarol});
  // Both talk; Alice got there first and Bob is not clearly louder, so Alice holds.
  const Script both = [](Id id, TimeMs t) {
    if (id == kAlice) return std::optional<Level>(speaking(30));
    return std::optional<Level>(id == kBob && t >= 1500 ? speaking(32) : kQuiet);
  };
  play(detector, {kAlice, kBob, kCarol}, 0, 4000, both);
  ASSERT_EQ(detector.dominant(), kAlice);
  EXPECT_FALSE(detector.remove(kCarol));  // not the speaker
  EXPECT_TRUE(detector.remove(kAlice));
  EXPECT_FALSE(detector.dominant().has_value());
  EXPECT_EQ(detector.participant_count(), 1u);
  // A straggling packet of Alice does not bring her back; Bob, still talking, takes over.
  EXPECT_FALSE(detector.on_audio_level(kAlice, 10, true, 4000));
  const auto changes = play(detector, {kAlice, kBob}, 4000, 6000, both);
  ASSERT_FALSE(changes.empty());
  EXPECT_EQ(changes[0].at, 4200);  // the first update after the removal
  EXPECT_EQ(changes[0].id, kBob);
  EXPECT_EQ(changes.size(), 1u);
}

TEST(ActiveSpeakerDetector, RemovingTheLastSpeakerLeavesNoneUntilSomeoneTalks) {
  auto detector = room_of({kAlice, kBob});
  play(detector, {kAlice}, 0, 2000, [](Id, TimeMs) { return std::optional<Level>(speaking(30)); });
  ASSERT_TRUE(detector.remove(kAlice));
  for (TimeMs t = 2100; t <= 6000; t += 300) EXPECT_FALSE(detector.update(t).has_value());
  const auto changes = play(detector, {kBob}, 6000, 8000,
                            [](Id, TimeMs) { return std::optional<Level>(speaking(45)); });
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].id, kBob);
}

TEST(ActiveSpeakerDetector, UnknownParticipantsAreIgnoredAndAddIsIdempotent) {
  ActiveSpeakerDetector detector;
  EXPECT_FALSE(detector.on_audio_level(kAlice, 20, true, 0));
  detector.add(kAlice);
  play(detector, {kAlice}, 0, 600, [](Id, TimeMs) { return std::optional<Level>(speaking(30)); });
  detector.add(kAlice);  // keeps what was heard
  play(detector, {kAlice}, 600, 1500,
       [](Id, TimeMs) { return std::optional<Level>(speaking(30)); });
  EXPECT_EQ(detector.dominant(), kAlice);
  EXPECT_EQ(detector.participant_count(), 1u);
}

TEST(ActiveSpeakerDetector, TheVoiceFlagDecidesUnlessTurnedOff) {
  // Loud packets the sender's VAD calls noise (a fan, typing).
  const Script noise = [](Id id, TimeMs) {
    return std::optional<Level>(id == kBob ? Level{25, false} : kQuiet);
  };
  auto trusting = room_of({kAlice, kBob});
  EXPECT_TRUE(play(trusting, {kAlice, kBob}, 0, 3000, noise).empty());

  ActiveSpeakerDetector::Options options;
  options.use_voice_flag = false;
  auto level_only = room_of({kAlice, kBob}, options);
  const auto changes = play(level_only, {kAlice, kBob}, 0, 3000, noise);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].id, kBob);
}

TEST(ActiveSpeakerDetector, PacketRateDoesNotMatter) {
  for (const TimeMs packet_ms : {10, 20, 40, 60}) {
    auto detector = room_of({kAlice, kBob});
    const auto changes = play(
        detector, {kAlice, kBob}, 0, 4000,
        [](Id id, TimeMs t) {
          if (id == kAlice) return std::optional<Level>(t < 1000 ? speaking(30) : kQuiet);
          return std::optional<Level>(t >= 2000 ? speaking(30) : std::optional<Level>());
        },
        packet_ms);
    ASSERT_EQ(changes.size(), 2u) << packet_ms << " ms packets";
    EXPECT_EQ(changes[0].id, kAlice);
    EXPECT_EQ(changes[1].id, kBob);
    EXPECT_EQ(changes[1].at, 2700) << packet_ms << " ms packets";
  }
}

TEST(ActiveSpeakerDetector, OptionsAreClampedToSaneValues) {
  ActiveSpeakerDetector::Options options;
  options.bin_ms = 0;
  options.window_ms = -5;
  options.takeover_percent = 500;
  auto detector = room_of({kAlice}, options);
  const auto changes = play(detector, {kAlice}, 0, 1000,
                            [](Id, TimeMs) { return std::optional<Level>(speaking(30)); });
  ASSERT_EQ(changes.size(), 1u);  // a one-bin window of 60 ms, led entirely
  EXPECT_EQ(changes[0].id, kAlice);
}

TEST(ActiveSpeakerDetector, APacketOlderThanTheWindowIsIgnored) {
  ActiveSpeakerDetector::Options options;
  options.takeover_percent = 100;  // every bin of the window counts
  auto detector = room_of({kAlice, kBob}, options);
  // Alice holds the floor; Bob talks alongside, as loud, so he never leads.
  play(detector, {kAlice, kBob}, 0, 3000, [](Id id, TimeMs t) {
    return std::optional<Level>(id == kAlice || t >= 1500 ? speaking(30) : kQuiet);
  });
  ASSERT_EQ(detector.dominant(), kAlice);
  // Very loud packets of Bob's stamped 1.1 s back: their ring slots now hold the newest bins,
  // which they must not touch.
  for (TimeMs t = 900; t < 1900; t += 100) detector.on_audio_level(kBob, 0, true, t);
  EXPECT_FALSE(detector.update(3000).has_value());
  EXPECT_EQ(detector.dominant(), kAlice);
}

}  // namespace
}  // namespace bailanys::sfu
