// SR/RR (RFC 3550 §6.4), SDES (§6.5) and BYE (§6.6) against bytes laid out by hand
// from the RFC's figures.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "rtc/rtcp/rtcp_packets.hpp"

namespace bailanys::rtc::rtcp {
namespace {

using Bytes = std::vector<std::uint8_t>;

const Bytes kSenderReport = {
    0x82, 0xc8, 0x00, 0x12,                          // V=2 RC=2 PT=200 length=18
    0x11, 0x22, 0x33, 0x44,                          // SSRC of sender
    0xe8, 0xc3, 0xa1, 0xb2, 0x40, 0x00, 0x00, 0x00,  // NTP timestamp
    0x00, 0x01, 0x5f, 0x90,                          // RTP timestamp
    0x00, 0x00, 0x00, 0x64,                          // packet count
    0x00, 0x00, 0x27, 0x10,                          // octet count
    0xaa, 0xbb, 0xcc, 0xdd, 0x40, 0x00, 0x00, 0x05,  // block 1: SSRC, 25 %, 5 lost
    0x00, 0x01, 0x02, 0x03, 0x00, 0x00, 0x00, 0x10,  // highest seq, jitter
    0xa1, 0xb2, 0x40, 0x00, 0x00, 0x01, 0x00, 0x00,  // LSR, DLSR
    0x01, 0x02, 0x03, 0x04, 0x00, 0xff, 0xff, 0xff,  // block 2: -1 lost (duplicates)
    0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

SenderReport expected_sender_report() {
  SenderReport sr;
  sr.ssrc = 0x11223344;
  sr.ntp_time = 0xe8c3a1b240000000ULL;
  sr.rtp_time = 90000;
  sr.packet_count = 100;
  sr.octet_count = 10000;
  sr.reports = {{0xaabbccdd, 0x40, 5, 0x00010203, 16, 0xa1b24000, 0x10000},
                {0x01020304, 0, -1, 0xffff, 0, 0, 0}};
  return sr;
}

TEST(Reports, SenderReportMatchesHandLayout) {
  const auto parsed = parse_rtcp(kSenderReport);
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->size(), 1U);
  EXPECT_EQ(std::get<SenderReport>((*parsed)[0]), expected_sender_report());
  const RtcpPacket packet = expected_sender_report();
  EXPECT_EQ(serialize_rtcp({&packet, 1}), kSenderReport);
}

TEST(Reports, ReceiverReportRoundTripAndClamping) {
  ReceiverReport rr{0x5566, {{1, 2, -8388608, 3, 4, 5, 6}, {7, 255, 8388607, 9, 10, 11, 12}}};
  const RtcpPacket packet = rr;
  const auto bytes = serialize_rtcp({&packet, 1});
  EXPECT_EQ(bytes.size(), 8U + 2 * 24);
  EXPECT_EQ(bytes[0], 0x82);
  EXPECT_EQ(bytes[1], 201);
  const auto parsed = parse_rtcp(bytes);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(std::get<ReceiverReport>((*parsed)[0]), rr);

  // Cumulative loss beyond 24 bits is clamped to the signed range when written.
  ReceiverReport wide{1, {{2, 0, 20'000'000, 0, 0, 0, 0}, {3, 0, -20'000'000, 0, 0, 0, 0}}};
  const RtcpPacket wide_packet = wide;
  const auto reparsed = parse_rtcp(serialize_rtcp({&wide_packet, 1}));
  ASSERT_TRUE(reparsed);
  const auto& blocks = std::get<ReceiverReport>((*reparsed)[0]).reports;
  EXPECT_EQ(blocks[0].cumulative_lost, 8388607);
  EXPECT_EQ(blocks[1].cumulative_lost, -8388608);
}

TEST(Reports, MoreThan31BlocksSpillIntoReceiverReports) {
  SenderReport sr = expected_sender_report();
  sr.reports.resize(40, ReportBlock{9, 1, 2, 3, 4, 5, 6});
  const RtcpPacket packet = sr;
  const auto parsed = parse_rtcp(serialize_rtcp({&packet, 1}));
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->size(), 2U);
  const auto& first = std::get<SenderReport>((*parsed)[0]);
  const auto& rest = std::get<ReceiverReport>((*parsed)[1]);
  EXPECT_EQ(first.reports.size(), 31U);
  EXPECT_EQ(rest.ssrc, sr.ssrc);
  EXPECT_EQ(rest.reports.size(), 9U);
}

TEST(Reports, TruncatedReportBlocksAreRejected) {
  Bytes bytes = kSenderReport;
  bytes[0] = 0x83;  // claims three blocks
  RtcpRejectReason why = RtcpRejectReason::None;
  EXPECT_FALSE(parse_rtcp(bytes, why));
  EXPECT_EQ(why, RtcpRejectReason::SenderReportTruncated);
  const Bytes rr_without_ssrc = {0x80, 0xc9, 0x00, 0x00};
  EXPECT_FALSE(parse_rtcp(rr_without_ssrc, why));
  EXPECT_EQ(why, RtcpRejectReason::ReceiverReportTruncated);
}

// SC=1 | SSRC | CNAME(1) len 16 "abcdefghijklmnop" | END | pad to 32 bits.
const Bytes kSdes = {0x81, 0xca, 0x00, 0x06, 0x12, 0x34, 0x56, 0x78, 0x01, 0x10, 'a', 'b',
                     'c',  'd',  'e',  'f',  'g',  'h',  'i',  'j',  'k',  'l',  'm', 'n',
                     'o',  'p',  0x00, 0x00};

TEST(Sdes, CnameMatchesHandLayout) {
  const auto parsed = parse_rtcp(kSdes);
  ASSERT_TRUE(parsed);
  const Sdes expected{{{0x12345678, "abcdefghijklmnop"}}};
  EXPECT_EQ(std::get<Sdes>((*parsed)[0]), expected);
  const RtcpPacket packet = expected;
  EXPECT_EQ(serialize_rtcp({&packet, 1}), kSdes);
}

TEST(Sdes, SkipsOtherItemsAndChecksTerminators) {
  // Chunk 1: NAME item then CNAME "x"; chunk 2: no items.
  const Bytes two_chunks = {0x82, 0xca, 0x00, 0x05, 0, 0, 0, 1, 0x02, 0x02, 'j', 'o',
                            0x01, 0x01, 'x', 0x00, 0, 0, 0, 2, 0x00, 0x00, 0x00, 0x00};
  const auto parsed = parse_rtcp(two_chunks);
  ASSERT_TRUE(parsed);
  const Sdes expected{{{1, "x"}, {2, ""}}};
  EXPECT_EQ(std::get<Sdes>((*parsed)[0]), expected);

  Bytes no_terminator = kSdes;
  no_terminator[9] = 0x12;  // CNAME now swallows the terminator
  RtcpRejectReason why = RtcpRejectReason::None;
  EXPECT_FALSE(parse_rtcp(no_terminator, why));
  EXPECT_EQ(why, RtcpRejectReason::SdesTruncated);
}

TEST(Bye, ReasonRoundTrip) {
  // SC=2 | two SSRCs | len 7 "leaving" (exactly fills a word).
  const Bytes bytes = {0x82, 0xcb, 0x00, 0x04, 0, 0, 0, 1, 0, 0, 0, 2,
                       0x07, 'l',  'e',  'a',  'v', 'i', 'n', 'g'};
  const auto parsed = parse_rtcp(bytes);
  ASSERT_TRUE(parsed);
  const Bye expected{{1, 2}, "leaving"};
  EXPECT_EQ(std::get<Bye>((*parsed)[0]), expected);
  const RtcpPacket packet = expected;
  EXPECT_EQ(serialize_rtcp({&packet, 1}), bytes);

  const Bye short_reason{{3}, "ok"};
  const RtcpPacket short_packet = short_reason;
  const auto padded = serialize_rtcp({&short_packet, 1});
  EXPECT_EQ(padded.size(), 12U);
  EXPECT_EQ(std::get<Bye>(parse_rtcp(padded)->at(0)), short_reason);

  Bytes overrun = bytes;
  overrun[12] = 9;  // reason longer than the packet
  RtcpRejectReason why = RtcpRejectReason::None;
  EXPECT_FALSE(parse_rtcp(overrun, why));
  EXPECT_EQ(why, RtcpRejectReason::ByeTruncated);
}

TEST(Compound, ReceiverReportSdesAndBye) {
  const std::vector<RtcpPacket> packets = {ReceiverReport{7, {}}, Sdes{{{7, "cname-7"}}},
                                           Bye{{7}, ""}};
  const auto bytes = serialize_rtcp(packets);
  const auto parsed = parse_rtcp(bytes);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, packets);
}

}  // namespace
}  // namespace bailanys::rtc::rtcp
