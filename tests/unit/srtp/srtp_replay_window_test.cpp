#include "rtc/srtp/srtp_replay_window.hpp"

#include <gtest/gtest.h>

namespace bailanys::rtc::srtp {
namespace {

TEST(SrtpReplayWindow, NewDuplicateAndOld) {
  SrtpReplayWindow<128> window;
  EXPECT_FALSE(window.started());
  EXPECT_EQ(window.check(1000), SrtpStatus::Ok);
  window.accept(1000);
  EXPECT_TRUE(window.started());
  EXPECT_EQ(window.highest(), 1000u);
  EXPECT_EQ(window.check(1000), SrtpStatus::ReplayDuplicate);
  EXPECT_EQ(window.check(1001), SrtpStatus::Ok);
  EXPECT_EQ(window.check(999), SrtpStatus::Ok);  // inside the window, not seen
  EXPECT_EQ(window.check(1000 - 127), SrtpStatus::Ok);
  EXPECT_EQ(window.check(1000 - 128), SrtpStatus::ReplayOld);
  window.accept(999);
  EXPECT_EQ(window.check(999), SrtpStatus::ReplayDuplicate);
  EXPECT_EQ(window.highest(), 1000u);
}

TEST(SrtpReplayWindow, SlidingForgetsTheBitsOfALapAgo) {
  SrtpReplayWindow<64> window;
  for (std::uint64_t i = 0; i < 64; ++i) window.accept(i);
  // Index 64 shares its ring bit with index 0: after moving to 64, 1..63 are still seen.
  window.accept(64);
  for (std::uint64_t i = 1; i <= 64; ++i) EXPECT_EQ(window.check(i), SrtpStatus::ReplayDuplicate);
  EXPECT_EQ(window.check(0), SrtpStatus::ReplayOld);
  // Skip ahead by 10: 65..73 were never seen, whatever their ring bits held before.
  window.accept(74);
  for (std::uint64_t i = 65; i < 74; ++i) EXPECT_EQ(window.check(i), SrtpStatus::Ok) << i;
  EXPECT_EQ(window.check(74), SrtpStatus::ReplayDuplicate);
  EXPECT_EQ(window.check(30), SrtpStatus::ReplayDuplicate);
  // A jump past the whole window clears it.
  window.accept(1000);
  for (std::uint64_t i = 937; i < 1000; ++i) EXPECT_EQ(window.check(i), SrtpStatus::Ok) << i;
  EXPECT_EQ(window.check(936), SrtpStatus::ReplayOld);
}

TEST(SrtpReplayWindow, LargeWindowAndHugeIndexes) {
  SrtpReplayWindow<1024> window;
  const std::uint64_t top = (std::uint64_t{1} << 48) - 1;  // the last 48-bit SRTP index
  window.accept(top - 2000);
  window.accept(top);
  EXPECT_EQ(window.check(top - 1023), SrtpStatus::Ok);
  EXPECT_EQ(window.check(top - 1024), SrtpStatus::ReplayOld);
  EXPECT_EQ(window.check(top - 2000), SrtpStatus::ReplayOld);
  EXPECT_EQ(window.check(top), SrtpStatus::ReplayDuplicate);
}

}  // namespace
}  // namespace bailanys::rtc::srtp
