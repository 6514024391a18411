// Nomination, network changes and consent freshness (RFC 8445 §8.1.1, RFC 7675) with
// injected time.
#include <gtest/gtest.h>

#include "ice_test_support.hpp"
#include "rtc/ice/ice_lite_agent.hpp"

namespace bailanys::rtc::ice {
namespace {

using namespace test;

class IceConsent : public ::testing::Test {
 protected:
  StunOutcome check(const IcePath& path, TimeMs now) {
    return agent_.handle_stun(check_bytes(), path, now);
  }
  StunOutcome nominate(const IcePath& path, TimeMs now) {
    return agent_.handle_stun(nomination_bytes(), path, now);
  }
  // Runs the timer every 500 ms over (from, to]; returns how many calls reported a change.
  int tick(TimeMs from, TimeMs to) {
    int changes = 0;
    for (TimeMs t = from + 500; t <= to; t += 500) changes += agent_.on_timer(t) ? 1 : 0;
    return changes;
  }

  IceLiteAgent agent_{kServer};
  const IcePath wifi_ = udp_path(1, "198.51.100.7", 50000);
  const IcePath cellular_ = udp_path(2, "203.0.113.9", 40000);
};

TEST_F(IceConsent, FirstNominationSelectsAndConnects) {
  EXPECT_FALSE(check(wifi_, 0).selected_path_changed);  // Chromium probes first
  EXPECT_EQ(agent_.state(), IceState::New);
  const auto out = nominate(wifi_, 100);
  EXPECT_EQ(out.dropped, IceDropReason::None);
  EXPECT_FALSE(out.response.empty());
  EXPECT_TRUE(out.selected_path_changed);
  EXPECT_TRUE(out.state_changed);
  EXPECT_EQ(agent_.state(), IceState::Connected);
  ASSERT_TRUE(agent_.selected_path());
  EXPECT_EQ(*agent_.selected_path(), wifi_);

  // Nominating the same pair again, or consent checks on it, change nothing.
  const auto again = nominate(wifi_, 200);
  EXPECT_FALSE(again.selected_path_changed);
  EXPECT_FALSE(again.state_changed);
  const auto consent = check(wifi_, 5200);
  EXPECT_FALSE(consent.selected_path_changed);
  EXPECT_FALSE(consent.state_changed);
}

TEST_F(IceConsent, StaysNewWithoutNomination) {
  check(wifi_, 0);
  EXPECT_EQ(tick(0, 60'000), 0);
  EXPECT_EQ(agent_.state(), IceState::New);
  EXPECT_FALSE(agent_.selected_path());
}

TEST_F(IceConsent, ConsentEveryFiveSecondsKeepsItConnected) {
  nominate(wifi_, 0);
  TimeMs now = 0;
  for (int i = 0; i < 24; ++i) {  // two minutes of Chromium's ~5 s consent checks
    EXPECT_EQ(tick(now, now + 5000), 0);
    now += 5000;
    const auto out = check(wifi_, now);
    EXPECT_FALSE(out.state_changed);
  }
  EXPECT_EQ(agent_.state(), IceState::Connected);
}

TEST_F(IceConsent, DisconnectsThenRecoversThenFails) {
  nominate(wifi_, 0);
  check(wifi_, 5000);
  EXPECT_FALSE(agent_.on_timer(14'999));
  EXPECT_EQ(agent_.state(), IceState::Connected);
  EXPECT_TRUE(agent_.on_timer(15'000));  // 10 s without consent
  EXPECT_EQ(agent_.state(), IceState::Disconnected);
  EXPECT_FALSE(agent_.on_timer(15'500));

  // A check on the selected path brings it back at once.
  const auto back = check(wifi_, 16'000);
  EXPECT_TRUE(back.state_changed);
  EXPECT_FALSE(back.selected_path_changed);
  EXPECT_EQ(agent_.state(), IceState::Connected);

  EXPECT_EQ(tick(16'000, 45'500), 1);  // Connected -> Disconnected at 26 s
  EXPECT_EQ(agent_.state(), IceState::Disconnected);
  EXPECT_TRUE(agent_.on_timer(46'000));  // 30 s without consent (RFC 7675 §5.1)
  EXPECT_EQ(agent_.state(), IceState::Failed);
  EXPECT_FALSE(agent_.selected_path());

  // Failed is final.
  const auto late = nominate(wifi_, 46'500);
  EXPECT_EQ(late.dropped, IceDropReason::AgentFailed);
  EXPECT_TRUE(late.response.empty());
  EXPECT_FALSE(agent_.on_timer(100'000));
  EXPECT_EQ(agent_.state(), IceState::Failed);
}

TEST_F(IceConsent, LateTimerGoesStraightToFailed) {
  nominate(wifi_, 0);
  EXPECT_TRUE(agent_.on_timer(31'000));
  EXPECT_EQ(agent_.state(), IceState::Failed);
}

TEST_F(IceConsent, OptionsSetTheThresholds) {
  IceLiteAgent quick(kServer, IceOptions{2000, 5000});
  quick.handle_stun(nomination_bytes(), wifi_, 0);
  EXPECT_FALSE(quick.on_timer(1999));
  EXPECT_TRUE(quick.on_timer(2000));
  EXPECT_EQ(quick.state(), IceState::Disconnected);
  EXPECT_TRUE(quick.on_timer(5000));
  EXPECT_EQ(quick.state(), IceState::Failed);
}

TEST_F(IceConsent, RejectedChecksAreNotConsent) {
  nominate(wifi_, 0);
  Check forged;
  forged.pwd = "not-the-password-at-all";
  for (TimeMs t = 1000; t <= 20'000; t += 1000) {
    EXPECT_EQ(agent_.handle_stun(forged.bytes(), wifi_, t).dropped, IceDropReason::BadIntegrity);
    agent_.on_timer(t);
  }
  EXPECT_EQ(agent_.state(), IceState::Disconnected);
  EXPECT_EQ(agent_.last_valid_check(wifi_.id), 0);
}

TEST_F(IceConsent, ChecksOnOtherPathsDoNotKeepTheSelectedOneAlive) {
  nominate(wifi_, 0);
  for (TimeMs t = 5000; t <= 12'000; t += 5000) check(cellular_, t);
  EXPECT_TRUE(agent_.on_timer(12'000));
  EXPECT_EQ(agent_.state(), IceState::Disconnected);
  EXPECT_EQ(agent_.selected_path()->id, wifi_.id);
  EXPECT_EQ(agent_.last_valid_check(cellular_.id), 10'000);
}

TEST_F(IceConsent, NetworkChangeFollowsTheNewNomination) {
  nominate(wifi_, 0);
  check(wifi_, 5000);
  // The browser's new network: probes first (no switch), then nominates.
  const auto probe = check(cellular_, 6000);
  EXPECT_FALSE(probe.selected_path_changed);
  EXPECT_EQ(agent_.selected_path()->id, wifi_.id);
  const auto switched = nominate(cellular_, 7000);
  EXPECT_TRUE(switched.selected_path_changed);
  EXPECT_FALSE(switched.state_changed);  // still Connected
  ASSERT_TRUE(agent_.selected_path());
  EXPECT_EQ(*agent_.selected_path(), cellular_);

  // Consent only on the new path; the old one goes quiet. Stays Connected throughout.
  TimeMs now = 7000;
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(tick(now, now + 5000), 0);
    now += 5000;
    check(cellular_, now);
  }
  EXPECT_EQ(agent_.state(), IceState::Connected);
  EXPECT_EQ(agent_.selected_path()->id, cellular_.id);
  EXPECT_EQ(agent_.last_valid_check(cellular_.id), now);
  // The quiet path was forgotten once its consent had expired.
  EXPECT_FALSE(agent_.last_valid_check(wifi_.id));
  EXPECT_EQ(agent_.known_path_count(), 1u);
}

TEST_F(IceConsent, NominationWhileDisconnectedReconnects) {
  nominate(wifi_, 0);
  agent_.on_timer(12'000);
  ASSERT_EQ(agent_.state(), IceState::Disconnected);
  const auto out = nominate(cellular_, 13'000);
  EXPECT_TRUE(out.selected_path_changed);
  EXPECT_TRUE(out.state_changed);
  EXPECT_EQ(agent_.state(), IceState::Connected);
  EXPECT_FALSE(agent_.on_timer(22'999));
}

TEST_F(IceConsent, SwitchingBackAndForth) {
  EXPECT_TRUE(nominate(wifi_, 0).selected_path_changed);
  EXPECT_TRUE(nominate(cellular_, 1000).selected_path_changed);
  EXPECT_TRUE(nominate(wifi_, 2000).selected_path_changed);
  EXPECT_EQ(agent_.selected_path()->id, wifi_.id);
}

TEST_F(IceConsent, RemovingTheSelectedPathLetsTheTimerDecide) {
  const IcePath tcp{9, *SocketAddress::parse("198.51.100.7", 50001), true};
  nominate(tcp, 0);
  check(tcp, 4000);
  agent_.remove_path(tcp.id);
  EXPECT_FALSE(agent_.selected_path());
  EXPECT_EQ(agent_.state(), IceState::Connected);
  EXPECT_FALSE(agent_.last_valid_check(tcp.id));
  EXPECT_FALSE(agent_.on_timer(13'999));
  EXPECT_TRUE(agent_.on_timer(14'000));
  EXPECT_EQ(agent_.state(), IceState::Disconnected);
  // A nomination on another path rescues it before consent expires.
  const auto out = nominate(wifi_, 20'000);
  EXPECT_TRUE(out.selected_path_changed);
  EXPECT_TRUE(out.state_changed);
  EXPECT_EQ(agent_.state(), IceState::Connected);
}

TEST_F(IceConsent, RemovingTheSelectedPathWithoutRescueFails) {
  nominate(wifi_, 0);
  agent_.remove_path(wifi_.id);
  EXPECT_EQ(tick(0, 30'000), 2);  // Disconnected, then Failed
  EXPECT_EQ(agent_.state(), IceState::Failed);
}

TEST_F(IceConsent, RemovingAnotherPathKeepsTheSelection) {
  nominate(wifi_, 0);
  check(cellular_, 0);
  agent_.remove_path(cellular_.id);
  agent_.remove_path(12345);  // unknown: no effect
  EXPECT_EQ(agent_.selected_path()->id, wifi_.id);
  EXPECT_EQ(agent_.known_path_count(), 1u);
}

TEST_F(IceConsent, PathMemoryIsBoundedAndKeepsTheSelection) {
  nominate(wifi_, 0);
  for (std::uint64_t id = 100; id < 100 + 3 * IceLiteAgent::kMaxPaths; ++id) {
    check(udp_path(id, "203.0.113.1", static_cast<std::uint16_t>(id)), static_cast<TimeMs>(id));
  }
  EXPECT_LE(agent_.known_path_count(), IceLiteAgent::kMaxPaths);
  EXPECT_TRUE(agent_.last_valid_check(wifi_.id));
  EXPECT_TRUE(agent_.last_valid_check(100 + 3 * IceLiteAgent::kMaxPaths - 1));
  EXPECT_EQ(agent_.selected_path()->id, wifi_.id);
}

}  // namespace
}  // namespace bailanys::rtc::ice
