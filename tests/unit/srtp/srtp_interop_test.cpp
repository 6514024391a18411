// The two backends against each other with the same master keys: what one protects the other
// unprotects, both ways, both profiles, RTP and RTCP; and both protect byte for byte alike.
// Covers many SSRCs, ROC rollover around sequence 65535, retransmissions, replays, tampering and
// truncated or garbage input.
#include "rtc/srtp/srtp_session.hpp"
#include "srtp_test_packets.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace bailanys::rtc::srtp {
namespace {

using testing::Bytes;
using testing::make_rtcp_rr;
using testing::make_rtp;
using Direction = SrtpSession::Direction;

struct InteropCase {
  SrtpProfile profile;
  SrtpBackend sender;
  SrtpBackend receiver;
};

std::string case_name(const InteropCase& c) {
  const auto name = [](SrtpBackend b) {
    return std::string(b == SrtpBackend::OpenSsl ? "OpenSsl" : "LibSrtp");
  };
  return std::string(c.profile == SrtpProfile::AeadAes128Gcm ? "Gcm" : "Cm") + name(c.sender) +
         "To" + name(c.receiver);
}

Bytes key_material(SrtpProfile profile) {
  Bytes key(srtp_key_length(profile) + srtp_salt_length(profile));
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(0x3c + 11 * i);
  return key;
}

// An RTP packet with a CSRC and a one-byte header extension as browsers send them.
Bytes make_rtp_with_extension(std::uint16_t sequence, std::uint32_t ssrc, std::size_t payload) {
  Bytes packet = make_rtp(sequence, ssrc, 0);
  packet[0] = 0x91;                             // X = 1, CC = 1
  const Bytes more = {0x01, 0x02, 0x03, 0x04,   // CSRC
                      0xbe, 0xde, 0x00, 0x01,   // RFC 8285 one-byte extensions, one word
                      0x10, 0x7f, 0x00, 0x00};  // id 1, one byte
  packet.insert(packet.end(), more.begin(), more.end());
  for (std::size_t i = 0; i < payload; ++i) packet.push_back(static_cast<std::uint8_t>(i * 3));
  return packet;
}

using testing::Packet;

class SrtpInteropTest : public ::testing::TestWithParam<InteropCase> {
 protected:
  void SetUp() override {
    const Bytes key = key_material(GetParam().profile);
    sender_ = SrtpSession::create(GetParam().sender, GetParam().profile, key, Direction::Outbound);
    receiver_ =
        SrtpSession::create(GetParam().receiver, GetParam().profile, key, Direction::Inbound);
    ASSERT_NE(sender_, nullptr);
    ASSERT_NE(receiver_, nullptr);
    ASSERT_EQ(sender_->backend(), GetParam().sender);
    ASSERT_EQ(receiver_->backend(), GetParam().receiver);
  }

  Packet protect_rtp(const Bytes& plain) {
    Packet packet(plain);
    EXPECT_EQ(sender_->protect_rtp(packet.buffer, packet.size), SrtpStatus::Ok);
    return packet;
  }
  Packet protect_rtcp(const Bytes& plain) {
    Packet packet(plain);
    EXPECT_EQ(sender_->protect_rtcp(packet.buffer, packet.size), SrtpStatus::Ok);
    return packet;
  }
  SrtpStatus unprotect_rtp(Packet& packet) {
    return receiver_->unprotect_rtp(packet.buffer, packet.size);
  }
  SrtpStatus unprotect_rtcp(Packet& packet) {
    return receiver_->unprotect_rtcp(packet.buffer, packet.size);
  }
  // Protected and unprotected again, which must give back the plain packet.
  void round_trip_rtp(const Bytes& plain) {
    Packet packet = protect_rtp(plain);
    ASSERT_EQ(unprotect_rtp(packet), SrtpStatus::Ok) << "sequence " << ((plain[2] << 8) | plain[3]);
    EXPECT_EQ(packet.bytes(), plain);
  }

  std::unique_ptr<SrtpSession> sender_;
  std::unique_ptr<SrtpSession> receiver_;
};

TEST_P(SrtpInteropTest, ManySsrcsAcrossTheSequenceRollover) {
  // 40 SSRCs interleaved, each from 65500 through the wrap to 100 (ROC 0 -> 1), payloads of
  // 0 to 1200 bytes, every other packet with CSRC and header extension.
  for (std::uint32_t step = 0; step < 137; ++step) {
    const auto sequence = static_cast<std::uint16_t>(65500 + step);
    for (std::uint32_t s = 0; s < 40; ++s) {
      const std::uint32_t ssrc = 0x10000000u + s * 0x01010101u;
      const std::size_t payload = (step * 37 + s * 101) % 1201;
      const Bytes plain = (step + s) % 2 == 0 ? make_rtp(sequence, ssrc, payload)
                                              : make_rtp_with_extension(sequence, ssrc, payload);
      ASSERT_NO_FATAL_FAILURE(round_trip_rtp(plain));
    }
  }
}

TEST_P(SrtpInteropTest, RolloverSurvivesLossAndReordering) {
  const std::uint32_t ssrc = 0xfeedbeef;
  // Packets around the wrap arrive out of order, some never.
  const std::vector<std::uint16_t> order = {65530, 65532, 65531, 65535, 1,  0,    65534,
                                            3,     2,     5,     4,     10, 65533};
  std::vector<Packet> sent;
  for (std::uint32_t s = 65530; s <= 65546; ++s) {
    sent.push_back(protect_rtp(make_rtp(static_cast<std::uint16_t>(s), ssrc, 100)));
  }
  for (const std::uint16_t sequence : order) {
    const std::size_t at = static_cast<std::uint16_t>(sequence - 65530);
    Packet packet = sent.at(at);
    ASSERT_EQ(unprotect_rtp(packet), SrtpStatus::Ok) << sequence;
    EXPECT_EQ(packet.bytes(), make_rtp(sequence, ssrc, 100));
  }
  // Two more laps in steps of 1000: the ROC keeps counting (1 -> 2 -> 3).
  for (std::uint32_t s = 1016; s < 140000; s += 1000) {
    const auto sequence = static_cast<std::uint16_t>((65530 + s) % 65536);
    ASSERT_NO_FATAL_FAILURE(round_trip_rtp(make_rtp(sequence, ssrc, 20)));
  }
}

TEST_P(SrtpInteropTest, RetransmissionsAreTheSameBytesAndReplaysAreRefused) {
  const std::uint32_t ssrc = 0x01020304;
  std::vector<Packet> first;
  for (std::uint32_t s = 65520; s < 65546; ++s) {
    first.push_back(protect_rtp(make_rtp(static_cast<std::uint16_t>(s), ssrc, 300)));
  }
  // Resent after the wrap (NACK): the sender must pick the old ROC again.
  for (std::uint32_t i : {0u, 5u, 15u, 16u, 25u}) {
    const auto sequence = static_cast<std::uint16_t>(65520 + i);
    const Packet again = protect_rtp(make_rtp(sequence, ssrc, 300));
    EXPECT_EQ(again.bytes(), first[i].bytes()) << sequence;
  }
  // The receiver takes each once; a copy is a replay.
  for (std::size_t i = 0; i < first.size(); ++i) {
    Packet copy = first[i];
    ASSERT_EQ(unprotect_rtp(copy), SrtpStatus::Ok) << i;
  }
  for (const std::size_t i : {std::size_t{0}, std::size_t{15}, std::size_t{16}, std::size_t{25}}) {
    Packet copy = first[i];
    EXPECT_EQ(unprotect_rtp(copy), SrtpStatus::ReplayDuplicate) << i;
  }
}

TEST_P(SrtpInteropTest, RtcpFromManySsrcs) {
  for (int round = 0; round < 5; ++round) {
    for (std::uint32_t s = 0; s < 30; ++s) {
      Bytes plain = make_rtcp_rr(0x20000000u + s);
      plain.resize(plain.size() + 4 * static_cast<std::size_t>(round), 0x5a);
      Packet packet = protect_rtcp(plain);
      ASSERT_EQ(unprotect_rtcp(packet), SrtpStatus::Ok) << round << " " << s;
      EXPECT_EQ(packet.bytes(), plain);
    }
  }
}

TEST_P(SrtpInteropTest, ReplayedRtcpIsRefused) {
  const Packet first = protect_rtcp(make_rtcp_rr(7));
  const Packet second = protect_rtcp(make_rtcp_rr(7));
  Packet a = first;
  Packet b = second;
  Packet a_again = first;
  ASSERT_EQ(unprotect_rtcp(a), SrtpStatus::Ok);
  ASSERT_EQ(unprotect_rtcp(b), SrtpStatus::Ok);
  EXPECT_EQ(unprotect_rtcp(a_again), SrtpStatus::ReplayDuplicate);
}

TEST_P(SrtpInteropTest, TamperedPacketsFailAuthentication) {
  const Packet rtp = protect_rtp(make_rtp_with_extension(500, 99, 200));
  const Packet rtcp = protect_rtcp(make_rtcp_rr(99));
  // Header, extension, payload and the last byte of the tag.
  for (const std::size_t at : {std::size_t{1}, std::size_t{17}, std::size_t{30}, rtp.size - 1}) {
    Packet tampered = rtp;
    tampered.buffer[at] ^= 0x04;
    EXPECT_EQ(unprotect_rtp(tampered), SrtpStatus::AuthFailed) << at;
  }
  for (const std::size_t at : {std::size_t{1}, std::size_t{9}, rtcp.size - 1}) {
    Packet tampered = rtcp;
    tampered.buffer[at] ^= 0x04;
    EXPECT_EQ(unprotect_rtcp(tampered), SrtpStatus::AuthFailed) << at;
  }
  Packet intact_rtp = rtp;
  Packet intact_rtcp = rtcp;
  EXPECT_EQ(unprotect_rtp(intact_rtp), SrtpStatus::Ok);
  EXPECT_EQ(unprotect_rtcp(intact_rtcp), SrtpStatus::Ok);
}

TEST_P(SrtpInteropTest, TruncatedAndGarbageInputIsRefused) {
  const Packet rtp = protect_rtp(make_rtp(42, 42, 64));
  const Packet rtcp = protect_rtcp(make_rtcp_rr(42));
  for (std::size_t size = 0; size < rtp.size; ++size) {
    Packet cut = rtp;
    cut.size = size;
    EXPECT_NE(unprotect_rtp(cut), SrtpStatus::Ok) << size;
  }
  for (std::size_t size = 0; size < rtcp.size; ++size) {
    Packet cut = rtcp;
    cut.size = size;
    EXPECT_NE(unprotect_rtcp(cut), SrtpStatus::Ok) << size;
  }
  std::mt19937 random(99);
  for (int round = 0; round < 1000; ++round) {
    Bytes garbage = rtp.bytes();
    garbage.resize(random() % (garbage.size() + 40));
    for (int flips = 0; flips < 3 && !garbage.empty(); ++flips) {
      garbage[random() % garbage.size()] = static_cast<std::uint8_t>(random());
    }
    Packet packet(garbage);
    const SrtpStatus status = unprotect_rtp(packet);
    if (garbage != rtp.bytes()) {
      EXPECT_NE(status, SrtpStatus::Ok);
    }
  }
  Packet intact_rtp = rtp;
  Packet intact_rtcp = rtcp;
  EXPECT_EQ(unprotect_rtp(intact_rtp), SrtpStatus::Ok);
  EXPECT_EQ(unprotect_rtcp(intact_rtcp), SrtpStatus::Ok);
}

INSTANTIATE_TEST_SUITE_P(
    Backends, SrtpInteropTest,
    ::testing::Values(
        InteropCase{SrtpProfile::AeadAes128Gcm, SrtpBackend::OpenSsl, SrtpBackend::LibSrtp},
        InteropCase{SrtpProfile::AeadAes128Gcm, SrtpBackend::LibSrtp, SrtpBackend::OpenSsl},
        InteropCase{SrtpProfile::Aes128CmSha1_80, SrtpBackend::OpenSsl, SrtpBackend::LibSrtp},
        InteropCase{SrtpProfile::Aes128CmSha1_80, SrtpBackend::LibSrtp, SrtpBackend::OpenSsl}),
    [](const auto& param_info) { return case_name(param_info.param); });

// Same keys, same packets: both senders write the same bytes, RTP across the wrap and RTCP.
TEST(SrtpBackendsAgree, BothProtectByteForByteAlike) {
  for (const SrtpProfile profile : {SrtpProfile::AeadAes128Gcm, SrtpProfile::Aes128CmSha1_80}) {
    const Bytes key = key_material(profile);
    auto ours = SrtpSession::create(SrtpBackend::OpenSsl, profile, key, Direction::Outbound);
    auto theirs = SrtpSession::create(SrtpBackend::LibSrtp, profile, key, Direction::Outbound);
    ASSERT_NE(ours, nullptr);
    ASSERT_NE(theirs, nullptr);
    for (std::uint32_t s = 65000; s < 66600; s += 7) {
      for (const std::uint32_t ssrc : {1u, 0xffffffffu, 0x8000abcdu}) {
        const Bytes plain = make_rtp_with_extension(static_cast<std::uint16_t>(s), ssrc, s % 1300);
        Packet a(plain);
        Packet b(plain);
        ASSERT_EQ(ours->protect_rtp(a.buffer, a.size), SrtpStatus::Ok);
        ASSERT_EQ(theirs->protect_rtp(b.buffer, b.size), SrtpStatus::Ok);
        ASSERT_EQ(a.bytes(), b.bytes()) << to_string(profile) << " sequence " << s;
      }
    }
    for (int i = 0; i < 20; ++i) {
      Packet a(make_rtcp_rr(0x77));
      Packet b(make_rtcp_rr(0x77));
      ASSERT_EQ(ours->protect_rtcp(a.buffer, a.size), SrtpStatus::Ok);
      ASSERT_EQ(theirs->protect_rtcp(b.buffer, b.size), SrtpStatus::Ok);
      ASSERT_EQ(a.bytes(), b.bytes()) << to_string(profile) << " rtcp " << i;
    }
  }
}

// Both backends refuse to protect a packet that has fallen behind the 1024-packet window.
TEST(SrtpBackendsAgree, OutboundRefusesIndexesBehindTheWindow) {
  for (const SrtpBackend backend : {SrtpBackend::OpenSsl, SrtpBackend::LibSrtp}) {
    auto sender =
        SrtpSession::create(backend, SrtpProfile::AeadAes128Gcm,
                            key_material(SrtpProfile::AeadAes128Gcm), Direction::Outbound);
    Packet newer(make_rtp(5000, 1));
    ASSERT_EQ(sender->protect_rtp(newer.buffer, newer.size), SrtpStatus::Ok);
    Packet inside(make_rtp(4000, 1));
    EXPECT_EQ(sender->protect_rtp(inside.buffer, inside.size), SrtpStatus::Ok)
        << to_string(backend);
    Packet behind(make_rtp(3000, 1));
    EXPECT_EQ(sender->protect_rtp(behind.buffer, behind.size), SrtpStatus::ReplayOld)
        << to_string(backend);
  }
}

}  // namespace
}  // namespace bailanys::rtc::srtp
