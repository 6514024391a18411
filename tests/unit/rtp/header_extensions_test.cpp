#include "rtc/rtp/header_extensions.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "chromium_packets.hpp"
#include "rtc/rtp/rtp_packet.hpp"

namespace bailanys::rtc::rtp {
namespace {

using ::testing::ElementsAre;
using Bytes = std::vector<std::uint8_t>;

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

TEST(HeaderExtensions, AssignsKnownUris) {
  ExtensionIds ids;
  EXPECT_TRUE(assign_extension_id(ids, kMidUri, 4));
  EXPECT_TRUE(assign_extension_id(ids, kRidUri, 10));
  EXPECT_TRUE(assign_extension_id(ids, kRepairedRidUri, 11));
  EXPECT_TRUE(assign_extension_id(ids, kAbsSendTimeUri, 2));
  EXPECT_TRUE(assign_extension_id(ids, kTransportCcUri, 3));
  EXPECT_TRUE(assign_extension_id(ids, kAudioLevelUri, 1));
  EXPECT_TRUE(assign_extension_id(ids, kVideoOrientationUri, 13));
  EXPECT_TRUE(assign_extension_id(ids, kPlayoutDelayUri, 12));
  EXPECT_TRUE(assign_extension_id(ids, kDependencyDescriptorUri, 200));
  EXPECT_EQ(ids, (ExtensionIds{.mid = 4, .rid = 10, .repaired_rid = 11, .abs_send_time = 2,
                               .transport_cc = 3, .audio_level = 1, .video_orientation = 13,
                               .playout_delay = 12, .dependency_descriptor = 200}));
  EXPECT_FALSE(assign_extension_id(ids, "urn:ietf:params:rtp-hdrext:toffset", 5));
  EXPECT_FALSE(assign_extension_id(ids, kMidUri, 0));
  EXPECT_EQ(ids.mid, 4);
}

TEST(HeaderExtensions, ReadsChromiumAbsSendTimeAndTransportCc) {
  Bytes bytes = testdata::chromium_one_byte();
  auto p = RtpPacket::parse(bytes);
  ASSERT_TRUE(p);
  const ExtensionIds ids{.abs_send_time = 2, .transport_cc = 4};
  EXPECT_EQ(read_abs_send_time(*p, ids), 0xf34350U);
  EXPECT_EQ(read_transport_cc(*p, ids), 155);
  EXPECT_FALSE(read_mid(*p, ids));  // not negotiated
  EXPECT_TRUE(write_transport_cc(*p, ids, 0xbeef));
  EXPECT_EQ(read_transport_cc(*p, ids), 0xbeef);
  EXPECT_TRUE(write_abs_send_time(*p, ids, 0x12345678));
  EXPECT_EQ(read_abs_send_time(*p, ids), 0x345678U);
  EXPECT_FALSE(write_transport_cc(*p, ExtensionIds{}, 1));
  EXPECT_FALSE(write_transport_cc(*p, ExtensionIds{.transport_cc = 5}, 1));
}

TEST(HeaderExtensions, ReadsSdesTextAndAudioLevel) {
  const ExtensionIds ids{.mid = 1, .rid = 2, .repaired_rid = 3, .audio_level = 4};
  Bytes bytes = RtpPacketBuilder()
                    .payload_type(111)
                    .add_extension(1, text("audio0"))
                    .add_extension(2, Bytes{'h', 'i', 0, 0})  // trailing NULs are cut
                    .add_extension(3, Bytes{0})              // empty after the cut
                    .add_extension(4, Bytes{0x80 | 30})
                    .build();
  const auto p = RtpPacket::parse(bytes);
  ASSERT_TRUE(p);
  EXPECT_EQ(read_mid(*p, ids), "audio0");
  EXPECT_EQ(read_rid(*p, ids), "hi");
  EXPECT_FALSE(read_repaired_rid(*p, ids));
  EXPECT_EQ(read_audio_level(*p, ids), (AudioLevel{true, 30}));
  EXPECT_FALSE(read_transport_cc(*p, ids));
}

TEST(HeaderExtensions, RejectsWrongSizes) {
  const ExtensionIds ids{.abs_send_time = 1, .transport_cc = 2, .video_orientation = 3,
                         .playout_delay = 4};
  Bytes bytes = RtpPacketBuilder()
                    .add_extension(1, Bytes{1, 2})
                    .add_extension(2, Bytes{1, 2, 3})
                    .add_extension(3, Bytes{1, 2})
                    .add_extension(4, Bytes{1})
                    .build();
  const auto p = RtpPacket::parse(bytes);
  ASSERT_TRUE(p);
  EXPECT_FALSE(read_abs_send_time(*p, ids));
  EXPECT_FALSE(read_transport_cc(*p, ids));
  EXPECT_FALSE(read_video_orientation(*p, ids));
  EXPECT_FALSE(read_playout_delay(*p, ids));
}

TEST(HeaderExtensions, ReadsVideoOrientationAndPlayoutDelay) {
  const ExtensionIds ids{.video_orientation = 7, .playout_delay = 8};
  // CVO: C=1 F=0 R=01 -> back camera, 90 degrees. Playout: min 10 (100 ms), max 200 (2 s).
  Bytes bytes = RtpPacketBuilder()
                    .add_extension(7, Bytes{0x09})
                    .add_extension(8, Bytes{0x00, 0xa0, 0xc8})
                    .build();
  const auto p = RtpPacket::parse(bytes);
  ASSERT_TRUE(p);
  EXPECT_EQ(read_video_orientation(*p, ids), (VideoOrientation{true, false, 90}));
  EXPECT_EQ(read_playout_delay(*p, ids), (PlayoutDelay{100, 2000}));
}

}  // namespace
}  // namespace bailanys::rtc::rtp
