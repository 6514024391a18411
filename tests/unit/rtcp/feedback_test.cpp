// NACK and PLI (RFC 4585 §6.2.1, §6.3.1), FIR (RFC 5104 §4.3.1) and REMB
// (draft-alvestrand-rmcat-remb-03 §2.2).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <vector>

#include "rtc/rtcp/rtcp_packets.hpp"

namespace bailanys::rtc::rtcp {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes serialize_one(const RtcpPacket& packet) { return serialize_rtcp({&packet, 1}); }

TEST(Nack, PacksGapsLargerThanSixteenAndWraps) {
  const Nack nack{0x01, 0x02, {100, 101, 116, 117, 118, 200, 65535, 0, 5}};
  const Bytes expected = {0x81, 0xcd, 0x00, 0x06, 0, 0, 0, 1, 0, 0, 0, 2,
                          0x00, 0x64, 0x80, 0x01,   // PID 100, BLP: 101 and 116
                          0x00, 0x75, 0x00, 0x01,   // PID 117, BLP: 118
                          0x00, 0xc8, 0x00, 0x00,   // PID 200
                          0xff, 0xff, 0x00, 0x21};  // PID 65535, BLP: 0 and 5 (wrapped)
  EXPECT_EQ(serialize_one(nack), expected);
  const auto parsed = parse_rtcp(expected);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(std::get<Nack>((*parsed)[0]), nack);
}

TEST(Nack, RandomLossPatternsRoundTrip) {
  std::mt19937 rng(3);
  for (int round = 0; round < 500; ++round) {
    std::set<std::uint16_t> lost_set;
    auto seq = static_cast<std::uint16_t>(rng());
    const std::size_t count = 1 + rng() % 60;
    for (std::size_t i = 0; i < count; ++i) {
      seq = static_cast<std::uint16_t>(seq + 1 + (rng() % 4 == 0 ? rng() % 100 : rng() % 3));
      lost_set.insert(seq);
    }
    // Sorted numerically: a wrap only costs compactness, never exactness.
    std::vector<std::uint16_t> lost(lost_set.begin(), lost_set.end());
    const Nack nack{static_cast<std::uint32_t>(rng()), static_cast<std::uint32_t>(rng()), lost};
    const auto bytes = serialize_one(nack);
    ASSERT_FALSE(bytes.empty());
    EXPECT_LE(bytes.size(), 12 + 4 * lost.size());
    const auto parsed = parse_rtcp(bytes);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(std::get<Nack>((*parsed)[0]), nack) << round;
  }
}

TEST(Nack, RejectsEmptyOrRaggedFci) {
  RtcpRejectReason why = RtcpRejectReason::None;
  const Bytes empty = {0x81, 0xcd, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2};
  EXPECT_FALSE(parse_rtcp(empty, why));
  EXPECT_EQ(why, RtcpRejectReason::NackBadLength);
  const Bytes no_media = {0x81, 0xcd, 0x00, 0x01, 0, 0, 0, 1};
  EXPECT_FALSE(parse_rtcp(no_media, why));
  EXPECT_EQ(why, RtcpRejectReason::FeedbackTruncated);
  std::vector<std::uint8_t> out = {0xaa};
  EXPECT_FALSE(try_append_rtcp(out, Nack{1, 2, {}}));
  EXPECT_EQ(out, Bytes{0xaa});
}

TEST(Pli, MatchesHandLayout) {
  const Bytes bytes = {0x81, 0xce, 0x00, 0x02, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04};
  const auto parsed = parse_rtcp(bytes);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(std::get<Pli>((*parsed)[0]), (Pli{0xdeadbeef, 0x01020304}));
  EXPECT_EQ(serialize_one(Pli{0xdeadbeef, 0x01020304}), bytes);
}

TEST(Fir, MatchesHandLayout) {
  const Bytes bytes = {0x84, 0xce, 0x00, 0x06, 0, 0, 0, 9, 0, 0, 0, 0,
                       0x00, 0x00, 0x10, 0x00, 0x05, 0x00, 0x00, 0x00,
                       0x00, 0x00, 0x20, 0x00, 0xff, 0x00, 0x00, 0x00};
  const Fir fir{9, {{0x1000, 5}, {0x2000, 255}}};
  const auto parsed = parse_rtcp(bytes);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(std::get<Fir>((*parsed)[0]), fir);
  EXPECT_EQ(serialize_one(fir), bytes);
  Bytes ragged = bytes;
  ragged[3] = 0x05;  // one entry and a half
  ragged.resize(24);
  RtcpRejectReason why = RtcpRejectReason::None;
  EXPECT_FALSE(parse_rtcp(ragged, why));
  EXPECT_EQ(why, RtcpRejectReason::FirBadLength);
}

TEST(Remb, MantissaAndExponent) {
  // 1,000,000 bps = 250000 << 2: exponent 2, mantissa 0x3d090.
  const Bytes bytes = {0x8f, 0xce, 0x00, 0x05, 0, 0, 0, 1, 0, 0, 0, 0,
                       'R',  'E',  'M',  'B',  0x01, 0x0b, 0xd0, 0x90, 0x12, 0x34, 0x56, 0x78};
  const Remb remb{1, 1'000'000, {0x12345678}};
  EXPECT_EQ(serialize_one(remb), bytes);
  const auto parsed = parse_rtcp(bytes);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(std::get<Remb>((*parsed)[0]), remb);

  // Values needing more than 18 bits keep only the top 18.
  const Remb big{1, (1ULL << 40) + 12345, {}};
  const auto reparsed = parse_rtcp(serialize_one(big));
  ASSERT_TRUE(reparsed);
  EXPECT_EQ(std::get<Remb>((*reparsed)[0]).bitrate_bps, 1ULL << 40);
  const Remb max{1, ~0ULL, {}};
  const auto max_parsed = parse_rtcp(serialize_one(max));
  ASSERT_TRUE(max_parsed);
  EXPECT_EQ(std::get<Remb>((*max_parsed)[0]).bitrate_bps, 0x3ffffULL << 46);
}

TEST(Remb, RejectsOverflowAndTruncationAndKeepsOtherAfb) {
  RtcpRejectReason why = RtcpRejectReason::None;
  Bytes overflow = {0x8f, 0xce, 0x00, 0x04, 0, 0, 0, 1, 0, 0, 0, 0,
                    'R',  'E',  'M',  'B',  0x00, 0xff, 0xff, 0xff};  // exponent 63
  EXPECT_FALSE(parse_rtcp(overflow, why));
  EXPECT_EQ(why, RtcpRejectReason::RembBitrateOverflow);
  Bytes truncated = overflow;
  truncated[16] = 2;  // two SSRCs that are not there
  truncated[17] = 0x00;
  EXPECT_FALSE(parse_rtcp(truncated, why));
  EXPECT_EQ(why, RtcpRejectReason::RembTruncated);
  Bytes other = overflow;
  other[12] = 'X';
  const auto parsed = parse_rtcp(other);
  ASSERT_TRUE(parsed);
  const auto& unknown = std::get<UnknownRtcp>((*parsed)[0]);
  EXPECT_EQ(unknown.packet_type, 206);
  EXPECT_EQ(unknown.format, 15);
  EXPECT_EQ(serialize_one(unknown), other);
  std::vector<std::uint8_t> out;
  EXPECT_FALSE(try_append_rtcp(out, Remb{1, 1, std::vector<std::uint32_t>(256, 1)}));
}

}  // namespace
}  // namespace bailanys::rtc::rtcp
