// VP8 (RFC 7741 §4.2) and VP9 (RFC 9628 §4.2) descriptors built by hand from the
// RFCs' bit layouts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "rtc/rtp/codecs.hpp"

namespace bailanys::rtc::rtp {
namespace {

using Bytes = std::vector<std::uint8_t>;

// X=1 S=1 PID=0 | I L T | M=1 PictureID=0x0123 | TL0PICIDX=5 | TID=2 Y=1 | VP8 key frame tag.
const Bytes kVp8Key = {0x90, 0xe0, 0x81, 0x23, 0x05, 0xa0, 0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a};

TEST(Vp8, ParsesFullDescriptorOfKeyframe) {
  const auto d = parse_vp8(kVp8Key);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->start_of_partition);
  EXPECT_EQ(d->partition_id, 0);
  EXPECT_EQ(d->picture_id, 0x0123);
  EXPECT_TRUE(d->picture_id_15bit);
  EXPECT_EQ(d->tl0_pic_idx, 5);
  EXPECT_EQ(d->temporal_id, 2);
  EXPECT_TRUE(d->layer_sync);
  EXPECT_FALSE(d->key_idx);
  EXPECT_FALSE(d->non_reference);
  EXPECT_EQ(d->header_size, 6U);
  EXPECT_TRUE(d->keyframe);
  EXPECT_TRUE(is_keyframe(VideoCodec::Vp8, kVp8Key));
}

TEST(Vp8, ShortFormsAndDeltaFrames) {
  const Bytes seven_bit = {0x90, 0x80, 0x7f, 0x51};  // P bit 1: inter frame
  auto d = parse_vp8(seven_bit);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->picture_id, 127);
  EXPECT_FALSE(d->picture_id_15bit);
  EXPECT_EQ(d->header_size, 3U);
  EXPECT_FALSE(d->keyframe);

  const Bytes key_idx_only = {0xb0, 0x10, 0x1f, 0x00};  // N=1, K=1 KEYIDX=31
  d = parse_vp8(key_idx_only);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->non_reference);
  EXPECT_EQ(d->key_idx, 31);
  EXPECT_FALSE(d->temporal_id);
  EXPECT_FALSE(d->picture_id);

  const Bytes continuation = {0x00, 0x50};  // S=0: the P bit is not a frame header here
  d = parse_vp8(continuation);
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->keyframe);
  const Bytes other_partition = {0x11, 0x50};
  EXPECT_FALSE(is_keyframe(VideoCodec::Vp8, other_partition));
  EXPECT_EQ(parse_vp8(other_partition)->partition_id, 1);
}

TEST(Vp8, EveryTruncationWithoutPayloadIsRejected) {
  for (std::size_t n = 0; n <= 6; ++n) {
    EXPECT_FALSE(parse_vp8(std::span(kVp8Key).first(n))) << n;
  }
  EXPECT_TRUE(parse_vp8(std::span(kVp8Key).first(7)));
}

TEST(Vp8, RewritesPictureIdAndTl0InPlace) {
  Bytes key = kVp8Key;
  ASSERT_TRUE(rewrite_vp8_picture_id(key, 0xffff));  // masked to 15 bits
  EXPECT_EQ(parse_vp8(key)->picture_id, 0x7fff);
  ASSERT_TRUE(rewrite_vp8_picture_id(key, 0x0042));
  EXPECT_EQ(parse_vp8(key)->picture_id, 0x42);
  EXPECT_TRUE(parse_vp8(key)->picture_id_15bit);  // width kept
  ASSERT_TRUE(rewrite_vp8_tl0_pic_idx(key, 200));
  EXPECT_EQ(parse_vp8(key)->tl0_pic_idx, 200);
  EXPECT_EQ(parse_vp8(key)->temporal_id, 2);  // neighbours untouched

  Bytes seven_bit = {0x90, 0x80, 0x7f, 0x51};
  ASSERT_TRUE(rewrite_vp8_picture_id(seven_bit, 200));
  EXPECT_EQ(parse_vp8(seven_bit)->picture_id, 200 & 0x7f);
  EXPECT_FALSE(rewrite_vp8_tl0_pic_idx(seven_bit, 1));
  Bytes bare = {0x10, 0x50};
  EXPECT_FALSE(rewrite_vp8_picture_id(bare, 1));
  Bytes truncated = {0x90, 0x80};
  EXPECT_FALSE(rewrite_vp8_picture_id(truncated, 1));
}

// Non-flexible keyframe with a scalability structure: I=1 L=1 B=1 V=1 | M=1 PID=42 |
// TID=0 SID=0 | TL0PICIDX=7 | N_S=1 Y=1 G=1 | 320x180 | 640x360 | N_G=1 | T=0 U=0 R=1 |
// P_DIFF=1 | payload.
const Bytes kVp9Key = {0xaa, 0x80, 0x2a, 0x00, 0x07, 0x38, 0x01, 0x40, 0x00, 0xb4, 0x02,
                       0x80, 0x01, 0x68, 0x01, 0x04, 0x01, 0x82, 0x49};

TEST(Vp9, ParsesKeyframeWithScalabilityStructure) {
  const auto d = parse_vp9(kVp9Key);
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->inter_picture_predicted);
  EXPECT_FALSE(d->flexible);
  EXPECT_TRUE(d->start_of_frame);
  EXPECT_FALSE(d->end_of_frame);
  EXPECT_EQ(d->picture_id, 42);
  EXPECT_TRUE(d->picture_id_15bit);
  EXPECT_EQ(d->temporal_id, 0);
  EXPECT_EQ(d->spatial_id, 0);
  EXPECT_EQ(d->tl0_pic_idx, 7);
  EXPECT_TRUE(d->has_scalability_structure);
  EXPECT_EQ(d->spatial_layers, 2);
  EXPECT_TRUE(d->has_resolutions);
  EXPECT_EQ(d->widths[0], 320);
  EXPECT_EQ(d->heights[0], 180);
  EXPECT_EQ(d->widths[1], 640);
  EXPECT_EQ(d->heights[1], 360);
  EXPECT_EQ(d->header_size, 17U);
  EXPECT_TRUE(d->keyframe);
  EXPECT_TRUE(is_keyframe(VideoCodec::Vp9, kVp9Key));
}

TEST(Vp9, EveryTruncationOfTheDescriptorIsRejected) {
  for (std::size_t n = 0; n < 17; ++n) {
    EXPECT_FALSE(parse_vp9(std::span(kVp9Key).first(n))) << n;
  }
}

TEST(Vp9, FlexibleModeWithReferences) {
  // I P L F B E | PID=5 | TID=1 U SID=1 D | P_DIFF=1 N=1 | P_DIFF=2 N=0 | payload
  const Bytes delta = {0xfc, 0x05, 0x33, 0x03, 0x04, 0x00};
  const auto d = parse_vp9(delta);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->flexible);
  EXPECT_TRUE(d->inter_picture_predicted);
  EXPECT_EQ(d->picture_id, 5);
  EXPECT_EQ(d->temporal_id, 1);
  EXPECT_TRUE(d->switching_up_point);
  EXPECT_EQ(d->spatial_id, 1);
  EXPECT_TRUE(d->inter_layer_dependency);
  EXPECT_FALSE(d->tl0_pic_idx);
  ASSERT_EQ(d->p_diff_count, 2U);
  EXPECT_EQ(d->p_diffs[0], 1);
  EXPECT_EQ(d->p_diffs[1], 2);
  EXPECT_EQ(d->header_size, 5U);
  EXPECT_FALSE(d->keyframe);

  const Bytes four_diffs = {0xfc, 0x05, 0x33, 0x03, 0x03, 0x03, 0x02, 0x00};
  EXPECT_FALSE(parse_vp9(four_diffs));  // §4.2: at most three
}

TEST(Vp9, KeyframeOnlyOnTheBaseSpatialLayer) {
  const Bytes upper_layer = {0x28, 0x02, 0x00, 0x00};  // L B | SID=1 | TL0 | payload
  const auto d = parse_vp9(upper_layer);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->spatial_id, 1);
  EXPECT_FALSE(d->keyframe);
  const Bytes no_layers = {0x08, 0x00};  // just B
  EXPECT_TRUE(is_keyframe(VideoCodec::Vp9, no_layers));
  const Bytes not_start = {0x04, 0x00};  // just E
  EXPECT_FALSE(is_keyframe(VideoCodec::Vp9, not_start));
}

}  // namespace
}  // namespace bailanys::rtc::rtp
