#include "rtc/rtp/rtp_packet.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "chromium_packets.hpp"

namespace bailanys::rtc::rtp {
namespace {

using ::testing::ElementsAre;
using Bytes = std::vector<std::uint8_t>;

// Every accepted packet must describe a layout that adds up to its size.
void expect_consistent(const RtpPacket& p, std::size_t size) {
  EXPECT_EQ(p.header_size() + p.payload().size() + p.padding_size(), size);
  EXPECT_GE(p.header_size(), 12U + 4 * p.csrc_count());
}

TEST(RtpPacket, ParsesChromiumOneByteExtensions) {
  Bytes bytes = testdata::chromium_one_byte();
  const auto p = RtpPacket::parse(bytes);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->payload_type(), 45);
  EXPECT_FALSE(p->marker());
  EXPECT_EQ(p->sequence(), 6751);
  EXPECT_EQ(p->timestamp(), 3557360969U);
  EXPECT_EQ(p->ssrc(), 0xf7b16e83U);
  EXPECT_EQ(p->csrc_count(), 0U);
  EXPECT_EQ(p->extension_form(), ExtensionForm::OneByte);
  EXPECT_EQ(p->header_size(), 28U);
  EXPECT_TRUE(p->payload().empty());
  EXPECT_THAT(p->extension(2), ElementsAre(0xf3, 0x43, 0x50));
  EXPECT_THAT(p->extension(4), ElementsAre(0x00, 0x9b));
  EXPECT_THAT(p->extension(13), ElementsAre(0x81, 0x00, 0x45));
  EXPECT_FALSE(p->has_extension(1));
  EXPECT_TRUE(p->extension(0).empty());
}

TEST(RtpPacket, ParsesChromiumPacketWithManyExtensions) {
  Bytes bytes = testdata::chromium_one_byte_many();
  const auto p = RtpPacket::parse(bytes);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->marker());
  EXPECT_EQ(p->sequence(), 6612);
  EXPECT_THAT(p->extension(9), ElementsAre(0x30));
  EXPECT_THAT(p->extension(3), ElementsAre(0x00));
  EXPECT_THAT(p->extension(6), ElementsAre(0x02));
  EXPECT_EQ(p->extension(7).size(), 13U);
  EXPECT_THAT(p->extension(13), ElementsAre(0x40, 0x00, 0x01));
  // Wire order is kept by the walker.
  std::vector<int> ids;
  std::size_t cursor = 0;
  ExtensionElement e;
  while (p->next_extension(cursor, e)) ids.push_back(e.id);
  EXPECT_THAT(ids, ElementsAre(2, 4, 9, 3, 6, 7, 13));
}

TEST(RtpPacket, ParsesChromiumTwoByteExtensions) {
  Bytes bytes = testdata::chromium_two_byte();
  const auto p = RtpPacket::parse(bytes);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->extension_form(), ExtensionForm::TwoByte);
  EXPECT_EQ(p->sequence(), 25029);
  EXPECT_EQ(p->timestamp(), 2500464622U);
  EXPECT_THAT(p->extension(2), ElementsAre(0x03, 0xf7, 0xae));
  EXPECT_THAT(p->extension(4), ElementsAre(0x00, 0x02));
  const auto dd = p->extension(13);
  ASSERT_EQ(dd.size(), 33U);
  EXPECT_EQ(dd.front(), 0xc0);
  EXPECT_EQ(dd.back(), 0xf0);
  EXPECT_EQ(p->header_size(), bytes.size());
}

TEST(RtpPacket, PayloadCsrcsAndPadding) {
  // V=2 P=1 CC=2, PT 96 with marker, two CSRCs, 3 payload bytes, 4 bytes of padding.
  Bytes bytes = {0xa2, 0xe0, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03,
                 0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22, 0xaa, 0xbb, 0xcc,
                 0x00, 0x00, 0x00, 0x04};
  const auto p = RtpPacket::parse(bytes);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->payload_type(), 96);
  EXPECT_TRUE(p->marker());
  EXPECT_EQ(p->csrc_count(), 2U);
  EXPECT_EQ(p->csrc(0), 0x11111111U);
  EXPECT_EQ(p->csrc(1), 0x22222222U);
  EXPECT_EQ(p->csrc(2), 0U);
  EXPECT_EQ(p->header_size(), 20U);
  EXPECT_EQ(p->padding_size(), 4U);
  EXPECT_THAT(p->payload(), ElementsAre(0xaa, 0xbb, 0xcc));
}

TEST(RtpPacket, RejectsWithNamedReasons) {
  RtpRejectReason why = RtpRejectReason::None;
  Bytes short_packet(11, 0x80);
  EXPECT_FALSE(RtpPacket::parse(short_packet, why));
  EXPECT_EQ(why, RtpRejectReason::TooShort);

  Bytes v1 = testdata::chromium_one_byte();
  v1[0] = 0x50;
  EXPECT_FALSE(RtpPacket::parse(v1, why));
  EXPECT_EQ(why, RtpRejectReason::BadVersion);

  Bytes csrcs(12, 0);
  csrcs[0] = 0x81;  // one CSRC that is not there
  EXPECT_FALSE(RtpPacket::parse(csrcs, why));
  EXPECT_EQ(why, RtpRejectReason::CsrcOverrun);

  Bytes no_ext_header(14, 0);
  no_ext_header[0] = 0x90;
  EXPECT_FALSE(RtpPacket::parse(no_ext_header, why));
  EXPECT_EQ(why, RtpRejectReason::ExtensionHeaderOverrun);

  Bytes long_ext = testdata::chromium_one_byte();
  long_ext[15] = 4;  // claims 16 bytes, 12 present
  EXPECT_FALSE(RtpPacket::parse(long_ext, why));
  EXPECT_EQ(why, RtpRejectReason::ExtensionOverrun);

  Bytes bad_element = testdata::chromium_one_byte();
  bad_element[23] = 0xdf;  // id 13 now claims 16 bytes inside a 12-byte block
  EXPECT_FALSE(RtpPacket::parse(bad_element, why));
  EXPECT_EQ(why, RtpRejectReason::BadExtensionElement);

  Bytes zero_padding = {0xa0, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xaa, 0x00};
  EXPECT_FALSE(RtpPacket::parse(zero_padding, why));
  EXPECT_EQ(why, RtpRejectReason::BadPadding);
  Bytes big_padding = {0xa0, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xaa, 0x03};
  EXPECT_FALSE(RtpPacket::parse(big_padding, why));
  EXPECT_EQ(why, RtpRejectReason::BadPadding);
  EXPECT_EQ(to_string(RtpRejectReason::BadPadding), "rtp_bad_padding");
}

TEST(RtpPacket, OneByteIdFifteenStopsProcessing) {
  // RFC 8285 §4.2: elements after id 15 are not considered.
  Bytes bytes = {0x90, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xbe, 0xde, 0x00, 0x02,
                 0x10, 0xaa, 0xf0, 0x00, 0x30, 0xbb, 0x00, 0x00};
  const auto p = RtpPacket::parse(bytes);
  ASSERT_TRUE(p);
  EXPECT_THAT(p->extension(1), ElementsAre(0xaa));
  EXPECT_FALSE(p->has_extension(3));
}

TEST(RtpPacket, TwoByteFormAllowsEmptyValuesAndBigIds) {
  Bytes bytes = {0x90, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x10, 0x0f, 0x00, 0x02,
                 0xc8, 0x00, 0x00, 0x05, 0x02, 0x12, 0x34, 0x00, 0x99};
  const auto p = RtpPacket::parse(bytes);
  ASSERT_TRUE(p);  // appbits 0xf are ignored (RFC 8285 §4.3)
  EXPECT_TRUE(p->has_extension(200));
  EXPECT_TRUE(p->extension(200).empty());
  EXPECT_THAT(p->extension(5), ElementsAre(0x12, 0x34));
  EXPECT_THAT(p->payload(), ElementsAre(0x99));
}

TEST(RtpPacket, UnknownProfileKeepsBlockOpaque) {
  Bytes bytes = {0x90, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x12, 0x34, 0x00, 0x01,
                 0x11, 0x22, 0x33, 0x44, 0x55};
  const auto p = RtpPacket::parse(bytes);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->extension_form(), ExtensionForm::Other);
  EXPECT_FALSE(p->has_extension(1));
  EXPECT_THAT(p->payload(), ElementsAre(0x55));
}

TEST(RtpPacket, SettersRewriteInPlace) {
  Bytes bytes = testdata::chromium_one_byte_many();
  auto p = RtpPacket::parse(bytes);
  ASSERT_TRUE(p);
  p->set_payload_type(100);
  EXPECT_TRUE(p->marker());  // the marker bit survives a PT change
  p->set_marker(false);
  p->set_sequence(0xfffe);
  p->set_timestamp(0x01020304);
  p->set_ssrc(0xdeadbeef);
  const auto again = RtpPacket::parse(bytes);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->payload_type(), 100);
  EXPECT_FALSE(again->marker());
  EXPECT_EQ(again->sequence(), 0xfffe);
  EXPECT_EQ(again->timestamp(), 0x01020304U);
  EXPECT_EQ(again->ssrc(), 0xdeadbeefU);
  EXPECT_EQ(bytes[0], 0x90);
  EXPECT_EQ(bytes[1], 100);

  const Bytes same_size = {0xab, 0xcd};
  const Bytes other_size = {0x01};
  EXPECT_TRUE(p->set_extension(4, same_size));
  EXPECT_FALSE(p->set_extension(4, other_size));
  EXPECT_FALSE(p->set_extension(11, same_size));
  EXPECT_THAT(p->extension(4), ElementsAre(0xab, 0xcd));
  EXPECT_THAT(p->extension(9), ElementsAre(0x30));  // neighbours untouched
}

TEST(RtpPacket, EveryTruncationIsRejectedOrConsistent) {
  for (Bytes full : {testdata::chromium_one_byte(), testdata::chromium_one_byte_many(),
                     testdata::chromium_two_byte()}) {
    full.insert(full.end(), {0x10, 0x20, 0x30});  // some payload
    const auto header = RtpPacket::parse(full)->header_size();
    for (std::size_t n = 0; n < full.size(); ++n) {
      Bytes prefix(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
      const auto p = RtpPacket::parse(prefix);
      if (n < header) {
        EXPECT_FALSE(p) << n;
      } else {
        ASSERT_TRUE(p) << n;
        expect_consistent(*p, n);
      }
    }
  }
}

TEST(RtpPacket, RandomGarbageNeverBreaksInvariants) {
  std::mt19937 rng(7);
  std::size_t accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    Bytes bytes(rng() % 64);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
    if (!bytes.empty()) bytes[0] = static_cast<std::uint8_t>(0x80 | (bytes[0] & 0x3f));
    const auto p = RtpPacket::parse(bytes);
    if (!p) continue;
    ++accepted;
    expect_consistent(*p, bytes.size());
    std::size_t cursor = 0;
    ExtensionElement e;
    while (p->next_extension(cursor, e)) {
      EXPECT_GE(e.value.data(), bytes.data());
      EXPECT_LE(e.value.data() + e.value.size(), bytes.data() + p->header_size());
    }
  }
  EXPECT_GT(accepted, 0U);
}

TEST(Demux, ClassifiesByFirstTwoBytes) {
  Bytes rtp = testdata::chromium_one_byte();
  EXPECT_TRUE(looks_like_rtp_or_rtcp(rtp));
  EXPECT_FALSE(is_rtcp(rtp));
  const Bytes pli = {0x81, 0xce, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2};
  EXPECT_TRUE(looks_like_rtp_or_rtcp(pli));
  EXPECT_TRUE(is_rtcp(pli));
  const Bytes short_rr = {0x80, 0xc9, 0x00, 0x01, 0, 0, 0, 1};
  EXPECT_TRUE(looks_like_rtp_or_rtcp(short_rr));  // 8-byte RTCP is fine
  const Bytes short_rtp = {0x80, 0x60, 0x00, 0x01, 0, 0, 0, 1};
  EXPECT_FALSE(looks_like_rtp_or_rtcp(short_rtp));
  const Bytes stun = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, 0, 0, 0, 0};
  EXPECT_FALSE(looks_like_rtp_or_rtcp(stun));
  const Bytes dtls = {0x16, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_FALSE(looks_like_rtp_or_rtcp(dtls));
  const Bytes marker_pt_95 = {0x80, 0xdf, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};  // 223: RTCP range
  EXPECT_TRUE(is_rtcp(marker_pt_95));
  const Bytes pt_96_marker = {0x80, 0xe0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_FALSE(is_rtcp(pt_96_marker));
}

}  // namespace
}  // namespace bailanys::rtc::rtp
