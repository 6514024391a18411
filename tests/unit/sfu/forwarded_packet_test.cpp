// write_forwarded_packet, write_rtx_packet (RFC 4588 §4) and abs_send_time: every packet the
// SFU writes is read back with our own RTP parser and header-extension readers.
#include "sfu/forwarded_packet.hpp"

#include "rtc/rtp/rtp_packet.hpp"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

namespace bailanys::sfu {
namespace {

namespace rtp = rtc::rtp;
using Bytes = std::vector<std::uint8_t>;

std::span<const std::uint8_t> text(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

ForwardHeader basic_header() {
  ForwardHeader h;
  h.payload_type = 96;
  h.marker = true;
  h.sequence = 0xBEEF;
  h.timestamp = 0xDEADBEEF;
  h.ssrc = 0x11223344;
  return h;
}

TEST(ForwardedPacket, WritesTheHeaderFieldsAndThePayload) {
  const Bytes payload = {1, 2, 3, 4, 5};
  Bytes out(100, 0xEE);
  const std::size_t size = write_forwarded_packet(out, basic_header(), payload);
  ASSERT_EQ(size, 12u + payload.size());  // no extension block when there is none
  EXPECT_EQ(out[0], 0x80);                // V=2, no padding, no X, no CSRC
  auto packet = rtp::RtpPacket::parse(std::span(out).first(size));
  ASSERT_TRUE(packet);
  EXPECT_EQ(packet->payload_type(), 96);
  EXPECT_TRUE(packet->marker());
  EXPECT_EQ(packet->sequence(), 0xBEEF);
  EXPECT_EQ(packet->timestamp(), 0xDEADBEEFu);
  EXPECT_EQ(packet->ssrc(), 0x11223344u);
  EXPECT_EQ(packet->extension_form(), rtp::ExtensionForm::None);
  EXPECT_EQ(Bytes(packet->payload().begin(), packet->payload().end()), payload);

  auto h = basic_header();
  h.marker = false;
  h.payload_type = 0xFF;  // only the low 7 bits are a payload type
  ASSERT_EQ(write_forwarded_packet(out, h, payload), size);
  EXPECT_EQ(out[1], 0x7F);
}

TEST(ForwardedPacket, OneByteExtensionsReadBackAndArePaddedToAWord) {
  auto h = basic_header();
  const std::uint8_t level[] = {0x80 | 42};  // voice, -42 dBov
  const auto send_time = abs_send_time(1000);
  h.add_extension(4, text("t12"));
  h.add_extension(2, send_time);
  h.add_extension(1, level);
  ASSERT_EQ(h.extension_count, 3u);
  const Bytes payload(30, 0xAB);
  Bytes out(200);
  const std::size_t size = write_forwarded_packet(out, h, payload);
  // Elements: (1+3) + (1+3) + (1+1) = 10 bytes, padded to 12, after the 4-byte block header.
  ASSERT_EQ(size, 12u + 4u + 12u + payload.size());
  EXPECT_EQ(out[0], 0x90);  // X set
  EXPECT_EQ(out[12], 0xBE);
  EXPECT_EQ(out[13], 0xDE);
  EXPECT_EQ(out[14], 0);
  EXPECT_EQ(out[15], 3);  // length in 32-bit words
  EXPECT_EQ(out[26], 0);  // the two padding bytes are zero
  EXPECT_EQ(out[27], 0);

  auto packet = rtp::RtpPacket::parse(std::span(out).first(size));
  ASSERT_TRUE(packet);
  EXPECT_EQ(packet->extension_form(), rtp::ExtensionForm::OneByte);
  rtp::ExtensionIds ids;
  ids.mid = 4;
  ids.abs_send_time = 2;
  ids.audio_level = 1;
  EXPECT_EQ(rtp::read_mid(*packet, ids), "t12");
  EXPECT_EQ(rtp::read_abs_send_time(*packet, ids), 1u << 18);
  EXPECT_EQ(rtp::read_audio_level(*packet, ids), (rtp::AudioLevel{true, 42}));
  EXPECT_EQ(packet->header_size(), 28u);
  EXPECT_EQ(Bytes(packet->payload().begin(), packet->payload().end()), payload);
}

TEST(ForwardedPacket, ExactWordOfExtensionsNeedsNoPadding) {
  auto h = basic_header();
  h.add_extension(4, text("abc"));  // 1 + 3 = one word
  Bytes out(64);
  const std::size_t size = write_forwarded_packet(out, h, Bytes{9});
  ASSERT_EQ(size, 12u + 4u + 4u + 1u);
  EXPECT_EQ(out[15], 1);
  auto packet = rtp::RtpPacket::parse(std::span(out).first(size));
  ASSERT_TRUE(packet);
  EXPECT_EQ(packet->payload().size(), 1u);
}

TEST(ForwardedPacket, TooSmallABufferWritesNothing) {
  auto h = basic_header();
  h.add_extension(4, text("t1"));
  const Bytes payload(50, 1);
  const std::size_t needed = 12 + 8 + payload.size();
  Bytes out(needed - 1, 0xEE);
  EXPECT_EQ(write_forwarded_packet(out, h, payload), 0u);
  out.resize(needed);
  EXPECT_EQ(write_forwarded_packet(out, h, payload), needed);
  EXPECT_EQ(write_forwarded_packet(std::span<std::uint8_t>(), basic_header(), {}), 0u);
}

TEST(ForwardedPacket, ValuesThatDoNotFitTheOneByteFormAreIgnored) {
  ForwardHeader h;
  const Bytes one = {1};
  const Bytes seventeen(17, 1);
  h.add_extension(0, one);        // id 0 is padding in the one-byte form
  h.add_extension(15, one);       // 15 is reserved
  h.add_extension(3, {});         // no zero-length values in the one-byte form
  h.add_extension(3, seventeen);  // at most 16 bytes
  EXPECT_EQ(h.extension_count, 0u);
  const Bytes sixteen(16, 7);
  h.add_extension(14, sixteen);  // the largest that fits
  for (std::uint8_t id = 1; id <= 5; ++id) h.add_extension(id, one);
  EXPECT_EQ(h.extension_count, 5u);  // the sixth one is dropped
  EXPECT_EQ(h.extensions[0].id, 14);
  EXPECT_EQ(h.extensions[4].id, 4);

  Bytes out(100);
  const std::size_t size = write_forwarded_packet(out, h, Bytes{0x55});
  auto packet = rtp::RtpPacket::parse(std::span(out).first(size));
  ASSERT_TRUE(packet);
  EXPECT_EQ(packet->extension(14).size(), 16u);
  EXPECT_TRUE(packet->has_extension(4));
  EXPECT_FALSE(packet->has_extension(5));
}

// An RTP packet as the SFU forwards it: one-byte extensions, optional CSRCs and padding.
Bytes original_packet(std::uint8_t padding = 0) {
  rtp::RtpPacketBuilder b;
  b.payload_type(96).marker(true).sequence(1000).timestamp(90000).ssrc(0xAABBCCDD);
  const std::uint32_t csrc[] = {0x01020304};
  b.csrcs(csrc);
  b.add_extension(4, text("t2"));
  b.payload(Bytes{10, 11, 12, 13, 14, 15, 16});
  if (padding != 0) b.padding(padding);
  return b.build();
}

TEST(RtxPacket, CarriesTheOriginalSequenceThenThePayload) {
  const Bytes original = original_packet();
  Bytes original_copy = original;
  const auto before = rtp::RtpPacket::parse(original_copy);
  ASSERT_TRUE(before);
  Bytes out(200, 0xEE);
  const std::size_t size = write_rtx_packet(out, original, 97, 7, 0x55667788);
  ASSERT_EQ(size, original.size() + 2);
  auto rtx = rtp::RtpPacket::parse(std::span(out).first(size));
  ASSERT_TRUE(rtx);
  EXPECT_EQ(rtx->payload_type(), 97);
  EXPECT_EQ(rtx->sequence(), 7);
  EXPECT_EQ(rtx->ssrc(), 0x55667788u);
  // Everything else of the header stays: marker, timestamp, CSRCs, extensions.
  EXPECT_TRUE(rtx->marker());
  EXPECT_EQ(rtx->timestamp(), 90000u);
  ASSERT_EQ(rtx->csrc_count(), 1u);
  EXPECT_EQ(rtx->csrc(0), 0x01020304u);
  rtp::ExtensionIds ids;
  ids.mid = 4;
  EXPECT_EQ(rtp::read_mid(*rtx, ids), "t2");
  EXPECT_EQ(rtx->header_size(), before->header_size());
  // RFC 4588 §4: OSN (1000 = 0x03E8), then the original payload.
  const Bytes expected = {0x03, 0xE8, 10, 11, 12, 13, 14, 15, 16};
  EXPECT_EQ(Bytes(rtx->payload().begin(), rtx->payload().end()), expected);
}

TEST(RtxPacket, MarkerClearStaysClear) {
  Bytes original = original_packet();
  original[1] = 96;  // marker off
  Bytes out(200);
  const std::size_t size = write_rtx_packet(out, original, 0xE1, 1, 2);  // PT masked to 97
  ASSERT_NE(size, 0u);
  EXPECT_EQ(out[1], 0x61);
}

TEST(RtxPacket, RefusesPaddingNonRtpAndSmallBuffers) {
  Bytes out(200);
  // A padded original would put the padding in the middle of the RTX payload.
  EXPECT_EQ(write_rtx_packet(out, original_packet(4), 97, 1, 2), 0u);
  EXPECT_EQ(write_rtx_packet(out, Bytes(11, 0x80), 97, 1, 2), 0u);  // shorter than a header
  Bytes not_rtp = original_packet();
  not_rtp[0] = 0x40;  // version 1
  EXPECT_EQ(write_rtx_packet(out, not_rtp, 97, 1, 2), 0u);
  const Bytes original = original_packet();
  Bytes exact(original.size() + 2);
  EXPECT_EQ(write_rtx_packet(exact, original, 97, 1, 2), exact.size());
  Bytes small(original.size() + 1);
  EXPECT_EQ(write_rtx_packet(small, original, 97, 1, 2), 0u);
}

std::uint32_t as24(const std::array<std::uint8_t, 3>& v) {
  return (std::uint32_t{v[0]} << 16) | (std::uint32_t{v[1]} << 8) | v[2];
}

TEST(AbsSendTime, IsSixPointEighteenSecondsOfAMonotonicClock) {
  EXPECT_EQ(as24(abs_send_time(0)), 0u);
  EXPECT_EQ(as24(abs_send_time(1000)), 1u << 18);
  const std::array<std::uint8_t, 3> one_second = {0x04, 0x00, 0x00};
  EXPECT_EQ(abs_send_time(1000), one_second);
  EXPECT_EQ(as24(abs_send_time(500)), 1u << 17);
  EXPECT_EQ(as24(abs_send_time(1)), 262u);  // 2^18 / 1000, rounded down
  EXPECT_EQ(as24(abs_send_time(63999)), (63999ULL << 18) / 1000);
  // 24 bits hold 64 s: the value wraps there.
  EXPECT_EQ(as24(abs_send_time(64000)), 0u);
  EXPECT_EQ(as24(abs_send_time(65500)), (3u << 18) / 2);
  EXPECT_EQ(abs_send_time(3'600'000 + 1000), abs_send_time(1000 + 3'600'000 % 64000));
}

}  // namespace
}  // namespace bailanys::sfu
