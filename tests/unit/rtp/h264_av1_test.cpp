// H.264 (RFC 6184 §5) and AV1 (AV1 RTP spec §4.4) payloads built by hand, plus the
// codec name mapping.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "rtc/rtp/codecs.hpp"

namespace bailanys::rtc::rtp {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(H264, SingleNalUnits) {
  const Bytes idr = {0x65, 0x88, 0x84};
  auto d = parse_h264(idr);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->packetization, H264Packetization::SingleNal);
  EXPECT_EQ(d->nal_type, 5);
  EXPECT_TRUE(d->has_idr);
  EXPECT_TRUE(d->keyframe);
  const Bytes sps = {0x67, 0x42, 0xc0, 0x1f};
  EXPECT_TRUE(is_keyframe(VideoCodec::H264, sps));
  const Bytes slice = {0x41, 0x9a};
  d = parse_h264(slice);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->nal_type, 1);
  EXPECT_FALSE(d->keyframe);
}

// STAP-A (§5.7.1) with SPS, PPS and IDR, as WebRTC sends a keyframe's first packet.
const Bytes kStapA = {0x78, 0x00, 0x04, 0x67, 0x42, 0xc0, 0x1f, 0x00, 0x02, 0x68,
                      0xce, 0x00, 0x03, 0x65, 0x88, 0x80};

TEST(H264, StapAWithParameterSets) {
  const auto d = parse_h264(kStapA);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->packetization, H264Packetization::StapA);
  EXPECT_EQ(d->nal_count, 3U);
  EXPECT_EQ(d->nal_type, 7);
  EXPECT_TRUE(d->has_sps);
  EXPECT_TRUE(d->has_pps);
  EXPECT_TRUE(d->has_idr);
  EXPECT_TRUE(d->keyframe);
}

TEST(H264, StapATruncationsAreRejectedOrWholeUnits) {
  // Only cuts that end exactly after a NAL unit leave a valid STAP-A.
  for (std::size_t n = 0; n < kStapA.size(); ++n) {
    const auto d = parse_h264(std::span(kStapA).first(n));
    const bool unit_boundary = n == 7 || n == 11;
    EXPECT_EQ(d.has_value(), unit_boundary) << n;
  }
  const Bytes zero_size = {0x78, 0x00, 0x00, 0x00, 0x01, 0x65};
  EXPECT_FALSE(parse_h264(zero_size));
  const Bytes nested = {0x78, 0x00, 0x01, 0x78};
  EXPECT_FALSE(parse_h264(nested));
}

TEST(H264, FuAFragments) {
  const Bytes start = {0x7c, 0x85, 0xb8, 0x00};
  auto d = parse_h264(start);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->packetization, H264Packetization::FuA);
  EXPECT_TRUE(d->start_of_nal);
  EXPECT_FALSE(d->end_of_nal);
  EXPECT_EQ(d->nal_type, 5);
  EXPECT_TRUE(d->keyframe);
  const Bytes middle = {0x7c, 0x05, 0x11};
  d = parse_h264(middle);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->has_idr);
  EXPECT_FALSE(d->keyframe);  // only the first fragment starts a keyframe
  const Bytes end = {0x7c, 0x45, 0x11};
  EXPECT_TRUE(parse_h264(end)->end_of_nal);
  const Bytes start_and_end = {0x7c, 0xc5, 0x11};
  EXPECT_FALSE(parse_h264(start_and_end));
  const Bytes no_data = {0x7c, 0x85};
  EXPECT_FALSE(parse_h264(no_data));
}

TEST(H264, RejectsUnsupportedTypes) {
  for (std::uint8_t type : {0, 25, 26, 27, 29, 30, 31}) {
    const Bytes payload = {static_cast<std::uint8_t>(0x60 | type), 0x00, 0x01, 0x02};
    EXPECT_FALSE(parse_h264(payload)) << int{type};
  }
  EXPECT_FALSE(parse_h264(Bytes{}));
}

// N=1 W=2 | len 3: sequence header OBU | frame OBU running to the end.
const Bytes kAv1Key = {0x28, 0x03, 0x0a, 0x0b, 0x00, 0x32, 0x10, 0x20};

TEST(Av1, NewCodedVideoSequenceIsKeyframe) {
  const auto d = parse_av1(kAv1Key);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->new_coded_video_sequence);
  EXPECT_EQ(d->obu_count, 2);
  EXPECT_EQ(d->element_count, 2U);
  EXPECT_EQ(d->first_obu_type, 1);  // OBU_SEQUENCE_HEADER
  EXPECT_TRUE(d->keyframe);
  EXPECT_TRUE(is_keyframe(VideoCodec::Av1, kAv1Key));
  for (std::size_t n = 0; n < 6; ++n) {
    EXPECT_FALSE(parse_av1(std::span(kAv1Key).first(n))) << n;
  }
}

TEST(Av1, ContinuationsAndLayerIds) {
  const Bytes continuation = {0x90, 0x11, 0x22};  // Z=1 W=1
  auto d = parse_av1(continuation);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->continues_previous);
  EXPECT_FALSE(d->first_obu_type);
  EXPECT_FALSE(d->keyframe);

  // Z=1 W=2 | len 2 continuation | frame OBU with extension: TID=2 SID=1.
  const Bytes with_extension = {0xa0, 0x02, 0xaa, 0xbb, 0x34, 0x48, 0x00};
  d = parse_av1(with_extension);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->first_obu_type, 6);
  EXPECT_EQ(d->temporal_id, 2);
  EXPECT_EQ(d->spatial_id, 1);

  const Bytes all_lengths = {0x48, 0x02, 0x0a, 0x00, 0x01, 0x12};  // Y=1 N=1 W=0
  d = parse_av1(all_lengths);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->continues_in_next);
  EXPECT_EQ(d->element_count, 2U);
}

TEST(Av1, RejectsInconsistentHeaders) {
  EXPECT_FALSE(parse_av1(Bytes{0x98, 0x0a}));              // N=1 with Z=1
  EXPECT_FALSE(parse_av1(Bytes{0x30, 0x01, 0x0a, 0x32}));  // W=3, two elements
  EXPECT_FALSE(parse_av1(Bytes{0x00, 0x05, 0x0a}));        // length overrun
  EXPECT_FALSE(parse_av1(Bytes{0x10, 0x8a}));              // forbidden bit
  EXPECT_FALSE(parse_av1(Bytes{0x00, 0x81, 0x01, 0x0a}));  // LEB128 129 > rest
  EXPECT_FALSE(parse_av1(Bytes{0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}));
}

TEST(Codecs, NamesAndDispatch) {
  EXPECT_EQ(video_codec_from_name("VP8"), VideoCodec::Vp8);
  EXPECT_EQ(video_codec_from_name("vp9"), VideoCodec::Vp9);
  EXPECT_EQ(video_codec_from_name("h264"), VideoCodec::H264);
  EXPECT_EQ(video_codec_from_name("Av1"), VideoCodec::Av1);
  EXPECT_FALSE(video_codec_from_name("opus"));
  EXPECT_FALSE(video_codec_from_name("H265"));
  EXPECT_FALSE(video_codec_from_name(""));
  EXPECT_FALSE(is_keyframe(VideoCodec::Vp8, Bytes{}));
  EXPECT_FALSE(is_keyframe(VideoCodec::H264, Bytes{0x41, 0x00}));
}

}  // namespace
}  // namespace bailanys::rtc::rtp
