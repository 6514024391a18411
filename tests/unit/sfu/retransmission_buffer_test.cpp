#include "sfu/retransmission_buffer.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace bailanys::sfu {
namespace {

std::vector<std::uint8_t> packet_of(std::uint16_t seq, std::size_t size) {
  std::vector<std::uint8_t> p(size, static_cast<std::uint8_t>(seq));
  return p;
}

TEST(RetransmissionBuffer, FindsWhatWasStored) {
  RetransmissionBuffer buffer(16, 1000);
  const auto p = packet_of(7, 100);
  buffer.store(7, p, 0);
  const auto found = buffer.find(7, 10);
  ASSERT_EQ(found.size(), 100u);
  EXPECT_EQ(found[0], 7);
  EXPECT_TRUE(buffer.find(8, 10).empty());
}

TEST(RetransmissionBuffer, OlderPacketsAreOverwrittenBySlot) {
  RetransmissionBuffer buffer(16, 1000);
  buffer.store(1, packet_of(1, 50), 0);
  buffer.store(17, packet_of(17, 60), 1);  // same slot (17 mod 16)
  EXPECT_TRUE(buffer.find(1, 2).empty());
  EXPECT_EQ(buffer.find(17, 2).size(), 60u);
}

TEST(RetransmissionBuffer, TooOldIsNotResent) {
  RetransmissionBuffer buffer(16, 1000);
  buffer.store(3, packet_of(3, 10), 0);
  EXPECT_FALSE(buffer.find(3, 1000).empty());
  EXPECT_TRUE(buffer.find(3, 1001).empty());
}

TEST(RetransmissionBuffer, SequenceWrapAround) {
  RetransmissionBuffer buffer(64, 1000);
  for (std::uint32_t i = 65500; i < 65600; ++i) {
    const auto seq = static_cast<std::uint16_t>(i);
    buffer.store(seq, packet_of(seq, 20), 0);
  }
  EXPECT_FALSE(buffer.find(static_cast<std::uint16_t>(65599), 1).empty());
  EXPECT_FALSE(buffer.find(static_cast<std::uint16_t>(65540), 1).empty());
  EXPECT_TRUE(buffer.find(static_cast<std::uint16_t>(65530), 1).empty());  // overwritten
}

TEST(RetransmissionBuffer, CapacityRoundsUpAndClearForgets) {
  RetransmissionBuffer buffer(10, 1000);  // 16 slots
  for (std::uint16_t s = 0; s < 16; ++s) buffer.store(s, packet_of(s, 5), 0);
  for (std::uint16_t s = 0; s < 16; ++s) EXPECT_FALSE(buffer.find(s, 0).empty()) << s;
  buffer.clear();
  EXPECT_TRUE(buffer.find(3, 0).empty());
}

TEST(RetransmissionBuffer, ReplaceHeaderTakesTheBytesAsSentKeepingTheirAge) {
  RetransmissionBuffer buffer(16, 1000);
  buffer.store(7, packet_of(7, 5), 100);
  buffer.replace_header(7, packet_of(9, 2));  // a number written after storing
  const std::vector<std::uint8_t> expected{9, 9, 7, 7, 7};
  const auto found = buffer.find(7, 1100);
  EXPECT_EQ(std::vector<std::uint8_t>(found.begin(), found.end()), expected);
  EXPECT_TRUE(buffer.find(7, 1101).empty());  // still as old as when stored
  buffer.replace_header(7, packet_of(1, 6));  // longer than the packet: not that one
  buffer.replace_header(8, packet_of(1, 2));  // not held
  const auto again = buffer.find(7, 1100);
  EXPECT_EQ(std::vector<std::uint8_t>(again.begin(), again.end()), expected);
  EXPECT_TRUE(buffer.find(8, 1100).empty());
}

}  // namespace
}  // namespace bailanys::sfu
