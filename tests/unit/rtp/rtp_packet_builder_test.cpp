#include "rtc/rtp/rtp_packet_builder.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "chromium_packets.hpp"
#include "rtc/rtp/rtp_packet.hpp"

namespace bailanys::rtc::rtp {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using Bytes = std::vector<std::uint8_t>;

TEST(RtpPacketBuilder, ReproducesChromiumOneBytePacket) {
  // Same fields and elements as the capture: the builder's bytes must match exactly.
  const Bytes built = RtpPacketBuilder()
                          .payload_type(45)
                          .sequence(6751)
                          .timestamp(3557360969U)
                          .ssrc(0xf7b16e83)
                          .add_extension(2, Bytes{0xf3, 0x43, 0x50})
                          .add_extension(4, Bytes{0x00, 0x9b})
                          .add_extension(13, Bytes{0x81, 0x00, 0x45})
                          .build();
  EXPECT_EQ(built, testdata::chromium_one_byte());
}

TEST(RtpPacketBuilder, ChoosesTwoByteFormForBigValuesOrIds) {
  const Bytes big(17, 0x5a);
  Bytes bytes = RtpPacketBuilder().add_extension(1, big).build();
  auto p = RtpPacket::parse(bytes);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->extension_form(), ExtensionForm::TwoByte);
  EXPECT_THAT(p->extension(1), ElementsAreArray(big));

  bytes = RtpPacketBuilder().add_extension(15, Bytes{1}).build();
  p = RtpPacket::parse(bytes);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->extension_form(), ExtensionForm::TwoByte);
  EXPECT_THAT(p->extension(15), ElementsAre(1));

  bytes = RtpPacketBuilder().add_extension(3, Bytes{}).build();  // empty value
  p = RtpPacket::parse(bytes);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->extension_form(), ExtensionForm::TwoByte);
  EXPECT_TRUE(p->has_extension(3));

  bytes = RtpPacketBuilder().add_extension(14, Bytes(16, 1)).build();
  p = RtpPacket::parse(bytes);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->extension_form(), ExtensionForm::OneByte);
}

TEST(RtpPacketBuilder, IgnoresInvalidParts) {
  const std::vector<std::uint32_t> csrcs(20, 7);
  Bytes bytes = RtpPacketBuilder()
                    .csrcs(csrcs)
                    .add_extension(0, Bytes{1})
                    .add_extension(9, Bytes(256, 0))
                    .build();
  const auto p = RtpPacket::parse(bytes);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->csrc_count(), 15U);
  EXPECT_EQ(p->extension_form(), ExtensionForm::None);
}

TEST(RtpPacketBuilder, WriteDoesNotOverflow) {
  RtpPacketBuilder builder;
  builder.payload(Bytes(100, 3)).padding(4);
  Bytes small(builder.size() - 1);
  EXPECT_EQ(builder.write(small), 0U);
  Bytes exact(builder.size());
  EXPECT_EQ(builder.write(exact), exact.size());
  EXPECT_EQ(exact, builder.build());
}

TEST(RtpPacketBuilder, RandomRoundTrips) {
  std::mt19937 rng(42);
  for (int round = 0; round < 2000; ++round) {
    const auto pt = static_cast<std::uint8_t>(rng() & 0x7f);
    const bool marker = (rng() & 1) != 0;
    const auto seq = static_cast<std::uint16_t>(rng());
    const std::uint32_t ts = rng();
    const std::uint32_t ssrc = rng();
    std::vector<std::uint32_t> csrcs(rng() % 4);
    for (auto& c : csrcs) c = rng();
    const bool two_byte = rng() % 3 == 0;
    std::vector<std::pair<std::uint8_t, Bytes>> extensions;
    const std::size_t count = rng() % 6;
    for (std::size_t i = 0; i < count; ++i) {
      // Distinct ids so extension(id) finds each one.
      const auto id = static_cast<std::uint8_t>(two_byte ? 20 + 30 * i + rng() % 30 : i + 1);
      Bytes value((two_byte ? rng() % 40 : 1 + rng() % 16));
      for (auto& b : value) b = static_cast<std::uint8_t>(rng());
      extensions.emplace_back(id, value);
    }
    Bytes payload(rng() % 50);
    for (auto& b : payload) b = static_cast<std::uint8_t>(rng());
    const auto padding = static_cast<std::uint8_t>(rng() % 3 == 0 ? 1 + rng() % 255 : 0);

    RtpPacketBuilder builder;
    builder.payload_type(pt).marker(marker).sequence(seq).timestamp(ts).ssrc(ssrc).csrcs(csrcs);
    for (const auto& [id, value] : extensions) builder.add_extension(id, value);
    builder.payload(payload).padding(padding);
    Bytes bytes = builder.build();
    const auto p = RtpPacket::parse(bytes);
    ASSERT_TRUE(p) << round;
    EXPECT_EQ(p->payload_type(), pt);
    EXPECT_EQ(p->marker(), marker);
    EXPECT_EQ(p->sequence(), seq);
    EXPECT_EQ(p->timestamp(), ts);
    EXPECT_EQ(p->ssrc(), ssrc);
    ASSERT_EQ(p->csrc_count(), csrcs.size());
    for (std::size_t i = 0; i < csrcs.size(); ++i) EXPECT_EQ(p->csrc(i), csrcs[i]);
    for (const auto& [id, value] : extensions) {
      EXPECT_TRUE(p->has_extension(id));
      EXPECT_THAT(p->extension(id), ElementsAreArray(value));
    }
    EXPECT_THAT(p->payload(), ElementsAreArray(payload));
    EXPECT_EQ(p->padding_size(), padding);
    EXPECT_EQ((p->header_size() - 12 - 4 * csrcs.size()) % 4, 0U);
  }
}

}  // namespace
}  // namespace bailanys::rtc::rtp
