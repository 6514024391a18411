// Compound framing (RFC 3550 §6.1, §6.4.1), the header-only walker, padding, every
// truncation, and mutated garbage.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "rtc/rtcp/rtcp_header.hpp"
#include "rtc/rtcp/rtcp_packets.hpp"

namespace bailanys::rtc::rtcp {
namespace {

using Bytes = std::vector<std::uint8_t>;

std::vector<RtcpPacket> sample_packets() {
  SenderReport sr{0x1111, 0x0102030405060708ULL, 9000, 10, 1200, {}};
  sr.reports.push_back({0x2222, 12, 34, 5678, 9, 10, 11});
  TransportFeedback fb{0x1111, 0x2222, 7, -3, 1,
                       {{7, true, 500}, {8, false, 0}, {9, true, -750}, {10, true, 64000}}};
  return {sr,
          Sdes{{{0x1111, "user@host"}}},
          fb,
          Nack{0x1111, 0x2222, {5, 6, 30}},
          Remb{0x1111, 512000, {0x2222, 0x3333}},
          Fir{0x1111, {{0x2222, 3}}},
          Pli{0x1111, 0x2222},
          UnknownRtcp{kAppType, 2, {0, 0, 0x11, 0x11, 'n', 'a', 'm', 'e', 0xab}},
          Bye{{0x1111}, "bye"}};
}

TEST(Compound, RoundTripsEveryKind) {
  const auto packets = sample_packets();
  const auto bytes = serialize_rtcp(packets);
  ASSERT_FALSE(bytes.empty());
  RtcpRejectReason why = RtcpRejectReason::Empty;
  const auto parsed = parse_rtcp(bytes, why);
  ASSERT_TRUE(parsed) << to_string(why);
  EXPECT_EQ(why, RtcpRejectReason::None);
  EXPECT_EQ(*parsed, packets);
}

TEST(Compound, HeaderWalkerSeesTypesSsrcsAndRanges) {
  const auto bytes = serialize_rtcp(sample_packets());
  RtcpCompoundReader reader(bytes);
  std::vector<std::pair<int, int>> kinds;
  std::size_t expected_offset = 0;
  while (const auto h = reader.next()) {
    kinds.emplace_back(h->packet_type, h->format);
    EXPECT_EQ(h->offset, expected_offset);
    EXPECT_EQ(h->sender_ssrc, 0x1111U);
    const bool has_media = h->packet_type == kTransportFeedbackType ||
                           h->packet_type == kPayloadFeedbackType;
    const bool media_unused = h->packet_type == kPayloadFeedbackType &&
                              (h->format == kFirFormat || h->format == kAfbFormat);
    EXPECT_EQ(h->media_ssrc, has_media && !media_unused ? 0x2222U : 0U);
    expected_offset += h->size;
  }
  EXPECT_EQ(reader.error(), RtcpRejectReason::None);
  EXPECT_EQ(expected_offset, bytes.size());
  using P = std::pair<int, int>;
  EXPECT_THAT(kinds, ::testing::ElementsAre(P{200, 1}, P{202, 1}, P{205, 15}, P{205, 1},
                                            P{206, 15}, P{206, 4}, P{206, 1}, P{204, 2},
                                            P{203, 1}));
  EXPECT_TRUE(is_valid_rtcp_framing(bytes));
}

TEST(Compound, EveryTruncationIsRejectedUnlessItEndsOnAPacket) {
  const auto packets = sample_packets();
  const auto bytes = serialize_rtcp(packets);
  std::vector<std::size_t> boundaries;
  RtcpCompoundReader reader(bytes);
  while (const auto h = reader.next()) boundaries.push_back(h->offset + h->size);

  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const auto parsed = parse_rtcp(std::span(bytes).first(n));
    const auto at = std::find(boundaries.begin(), boundaries.end(), n);
    if (at == boundaries.end()) {
      EXPECT_FALSE(parsed) << n;
      EXPECT_FALSE(is_valid_rtcp_framing(std::span(bytes).first(n))) << n;
    } else {
      ASSERT_TRUE(parsed) << n;
      const auto count = static_cast<std::size_t>(at - boundaries.begin()) + 1;
      EXPECT_EQ(*parsed, std::vector<RtcpPacket>(packets.begin(),
                                                 packets.begin() + static_cast<long>(count)));
    }
  }
}

TEST(Compound, PaddingOnTheLastPacket) {
  // RR with no blocks, then a PLI with the P bit and four bytes of padding.
  const Bytes bytes = {0x80, 0xc9, 0x00, 0x01, 0, 0, 0, 5, 0xa1, 0xce, 0x00, 0x03,
                       0,    0,    0,    5,    0, 0, 0, 6, 0x00, 0x00, 0x00, 0x04};
  const auto parsed = parse_rtcp(bytes);
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->size(), 2U);
  EXPECT_EQ(std::get<Pli>((*parsed)[1]), (Pli{5, 6}));

  RtcpRejectReason why = RtcpRejectReason::None;
  Bytes zero_count = bytes;
  zero_count.back() = 0;
  EXPECT_FALSE(parse_rtcp(zero_count, why));
  EXPECT_EQ(why, RtcpRejectReason::BadPadding);
  Bytes too_much = bytes;
  too_much.back() = 13;  // more than the PLI's 12-byte body
  EXPECT_FALSE(parse_rtcp(too_much, why));
  EXPECT_EQ(why, RtcpRejectReason::BadPadding);
  Bytes eats_media_ssrc = bytes;
  eats_media_ssrc.back() = 8;  // padding leaves only 4 bytes of feedback
  EXPECT_FALSE(parse_rtcp(eats_media_ssrc, why));
  EXPECT_EQ(why, RtcpRejectReason::FeedbackTruncated);
}

TEST(Compound, UnknownPacketsKeepTheirBytes) {
  // APP with a 5-byte body: written with RTCP padding so it parses back identically.
  const UnknownRtcp app{kAppType, 3, {1, 2, 3, 4, 5}};
  const RtcpPacket packet = app;
  const auto bytes = serialize_rtcp({&packet, 1});
  EXPECT_EQ(bytes, (Bytes{0xa3, 0xcc, 0x00, 0x02, 1, 2, 3, 4, 5, 0, 0, 3}));
  EXPECT_EQ(std::get<UnknownRtcp>(parse_rtcp(bytes)->at(0)), app);
  const Bytes xr = {0x80, 0xcf, 0x00, 0x01, 0, 0, 0, 9};
  const auto parsed = parse_rtcp(xr);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(std::get<UnknownRtcp>((*parsed)[0]), (UnknownRtcp{207, 0, {0, 0, 0, 9}}));
}

TEST(Compound, FramingErrorsHaveReasons) {
  RtcpRejectReason why = RtcpRejectReason::None;
  EXPECT_FALSE(parse_rtcp(Bytes{}, why));
  EXPECT_EQ(why, RtcpRejectReason::Empty);
  EXPECT_FALSE(parse_rtcp(Bytes{0x80, 0xc9, 0x00}, why));
  EXPECT_EQ(why, RtcpRejectReason::TruncatedHeader);
  EXPECT_FALSE(parse_rtcp(Bytes{0x40, 0xc9, 0x00, 0x01, 0, 0, 0, 1}, why));
  EXPECT_EQ(why, RtcpRejectReason::BadVersion);
  EXPECT_FALSE(parse_rtcp(Bytes{0x80, 0xc9, 0x00, 0x02, 0, 0, 0, 1}, why));
  EXPECT_EQ(why, RtcpRejectReason::LengthOverrun);
  // Trailing bytes that cannot hold another header.
  EXPECT_FALSE(parse_rtcp(Bytes{0x80, 0xc9, 0x00, 0x01, 0, 0, 0, 1, 0x80}, why));
  EXPECT_EQ(why, RtcpRejectReason::TruncatedHeader);
  EXPECT_EQ(to_string(RtcpRejectReason::LengthOverrun), "rtcp_length_overrun");
}

TEST(Compound, MutatedPacketsParseSafelyAndReserializeStably) {
  const auto original = serialize_rtcp(sample_packets());
  std::mt19937 rng(5);
  std::size_t accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    Bytes bytes = original;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < flips; ++i) {
      bytes[rng() % bytes.size()] ^= static_cast<std::uint8_t>(1U << (rng() % 8));
    }
    if (rng() % 4 == 0) bytes.resize(rng() % bytes.size());
    const auto parsed = parse_rtcp(bytes);
    if (!parsed) continue;
    ++accepted;
    const auto again_bytes = serialize_rtcp(*parsed);
    ASSERT_FALSE(again_bytes.empty()) << round;
    const auto again = parse_rtcp(again_bytes);
    ASSERT_TRUE(again) << round;
    EXPECT_EQ(*again, *parsed) << round;
  }
  EXPECT_GT(accepted, 1000U);
}

}  // namespace
}  // namespace bailanys::rtc::rtcp
