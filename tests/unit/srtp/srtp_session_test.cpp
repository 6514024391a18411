#include "rtc/srtp/srtp_session.hpp"
#include "srtp_test_packets.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

namespace bailanys::rtc::srtp {
namespace {

using testing::Bytes;
using testing::make_rtcp_rr;
using testing::make_rtp;
using Direction = SrtpSession::Direction;

Bytes key_material(SrtpProfile profile, std::uint8_t seed) {
  Bytes key(srtp_key_length(profile) + srtp_salt_length(profile));
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(seed + 7 * i);
  return key;
}

using testing::Packet;

// Every test runs on both backends and both profiles.
struct SessionCase {
  SrtpBackend backend;
  SrtpProfile profile;
};

class SrtpSessionTest : public ::testing::TestWithParam<SessionCase> {
 protected:
  void SetUp() override {
    sender_ = make(Direction::Outbound);
    receiver_ = make(Direction::Inbound);
    ASSERT_NE(sender_, nullptr);
    ASSERT_NE(receiver_, nullptr);
    EXPECT_EQ(sender_->backend(), GetParam().backend);
  }

  [[nodiscard]] SrtpProfile profile() const { return GetParam().profile; }
  [[nodiscard]] std::unique_ptr<SrtpSession> make(Direction direction,
                                                  std::uint8_t seed = 1) const {
    return SrtpSession::create(GetParam().backend, profile(), key_material(profile(), seed),
                               direction);
  }
  [[nodiscard]] std::size_t tag_size() const {
    return profile() == SrtpProfile::AeadAes128Gcm ? 16 : 10;
  }

  Packet protected_rtp(std::uint16_t sequence, std::uint32_t ssrc = 0x11223344) {
    Packet packet(make_rtp(sequence, ssrc));
    EXPECT_EQ(sender_->protect_rtp(packet.buffer, packet.size), SrtpStatus::Ok);
    return packet;
  }
  Packet protected_rtcp(std::uint32_t ssrc = 0x11223344) {
    Packet packet(make_rtcp_rr(ssrc));
    EXPECT_EQ(sender_->protect_rtcp(packet.buffer, packet.size), SrtpStatus::Ok);
    return packet;
  }
  SrtpStatus unprotect_rtp(Packet& packet) {
    return receiver_->unprotect_rtp(packet.buffer, packet.size);
  }
  SrtpStatus unprotect_rtcp(Packet& packet) {
    return receiver_->unprotect_rtcp(packet.buffer, packet.size);
  }

  std::unique_ptr<SrtpSession> sender_;
  std::unique_ptr<SrtpSession> receiver_;
};

TEST_P(SrtpSessionTest, RtpRoundTrip) {
  const Bytes plain = make_rtp(1000, 0x11223344);
  Packet packet(plain);
  ASSERT_EQ(sender_->protect_rtp(packet.buffer, packet.size), SrtpStatus::Ok);
  EXPECT_EQ(packet.size, plain.size() + tag_size());
  EXPECT_TRUE(
      std::equal(plain.begin(), plain.begin() + 12, packet.buffer.begin()));  // header clear
  EXPECT_NE(packet.bytes(), plain);
  ASSERT_EQ(unprotect_rtp(packet), SrtpStatus::Ok);
  EXPECT_EQ(packet.bytes(), plain);
}

TEST_P(SrtpSessionTest, RtcpRoundTrip) {
  const Bytes plain = make_rtcp_rr(0x11223344);
  Packet packet(plain);
  ASSERT_EQ(sender_->protect_rtcp(packet.buffer, packet.size), SrtpStatus::Ok);
  EXPECT_EQ(packet.size, plain.size() + 4 + tag_size());  // E flag + SRTCP index, then the tag
  ASSERT_EQ(unprotect_rtcp(packet), SrtpStatus::Ok);
  EXPECT_EQ(packet.bytes(), plain);
}

TEST_P(SrtpSessionTest, ManySsrcsAndSequenceRollover) {
  for (std::uint32_t i = 0; i < 20; ++i) {
    const auto sequence = static_cast<std::uint16_t>(65525 + i);  // wraps to 0 after 65535
    for (const std::uint32_t ssrc : {0xaaaa0001u, 0xbbbb0002u}) {
      const Bytes plain = make_rtp(sequence, ssrc, 20 + i);
      Packet packet(plain);
      ASSERT_EQ(sender_->protect_rtp(packet.buffer, packet.size), SrtpStatus::Ok);
      ASSERT_EQ(unprotect_rtp(packet), SrtpStatus::Ok) << "sequence " << sequence;
      EXPECT_EQ(packet.bytes(), plain);
    }
  }
}

TEST_P(SrtpSessionTest, TamperedRtpFailsAuthentication) {
  const Packet original = protected_rtp(1);
  for (const std::size_t at :
       {std::size_t{1}, std::size_t{3}, std::size_t{8}, std::size_t{12}, original.size - 1}) {
    // A fresh receiver each time: a failed check must not have consumed the index either way.
    auto receiver = make(Direction::Inbound);
    Packet packet = original;
    packet.buffer[at] ^= 0x01;
    EXPECT_EQ(receiver->unprotect_rtp(packet.buffer, packet.size), SrtpStatus::AuthFailed)
        << "byte " << at;
  }
  Packet intact = original;
  EXPECT_EQ(unprotect_rtp(intact), SrtpStatus::Ok);
}

TEST_P(SrtpSessionTest, TamperedRtcpFailsAuthentication) {
  Packet packet = protected_rtcp();
  packet.buffer[10] ^= 0x80;
  EXPECT_EQ(unprotect_rtcp(packet), SrtpStatus::AuthFailed);
}

TEST_P(SrtpSessionTest, ReplayedRtpIsRefused) {
  const Packet first = protected_rtp(10);
  Packet copy = first;
  Packet again = first;
  ASSERT_EQ(unprotect_rtp(copy), SrtpStatus::Ok);
  EXPECT_EQ(unprotect_rtp(again), SrtpStatus::ReplayDuplicate);

  // Far ahead, then one from behind the 1024-packet window.
  Packet old = protected_rtp(20);
  Packet ahead = protected_rtp(3000);
  ASSERT_EQ(unprotect_rtp(ahead), SrtpStatus::Ok);
  EXPECT_EQ(unprotect_rtp(old), SrtpStatus::ReplayOld);
  // Inside the window and never seen: still fine.
  Packet late = protected_rtp(2500);
  EXPECT_EQ(unprotect_rtp(late), SrtpStatus::Ok);
}

TEST_P(SrtpSessionTest, ReplayedRtcpIsRefused) {
  const Packet first = protected_rtcp();
  Packet copy = first;
  Packet again = first;
  ASSERT_EQ(unprotect_rtcp(copy), SrtpStatus::Ok);
  EXPECT_EQ(unprotect_rtcp(again), SrtpStatus::ReplayDuplicate);
}

TEST_P(SrtpSessionTest, SameRtpPacketMayBeProtectedAgainForRetransmission) {
  const Bytes plain = make_rtp(77, 0x11223344);
  Packet once(plain);
  Packet twice(plain);
  ASSERT_EQ(sender_->protect_rtp(once.buffer, once.size), SrtpStatus::Ok);
  ASSERT_EQ(sender_->protect_rtp(twice.buffer, twice.size), SrtpStatus::Ok);
  EXPECT_EQ(once.bytes(), twice.bytes());
  // The receiver takes the first and refuses the copy, as it should.
  EXPECT_EQ(unprotect_rtp(once), SrtpStatus::Ok);
  EXPECT_EQ(unprotect_rtp(twice), SrtpStatus::ReplayDuplicate);
}

TEST_P(SrtpSessionTest, WrongKeyFailsAuthentication) {
  auto stranger = make(Direction::Inbound, 2);
  ASSERT_NE(stranger, nullptr);
  Packet rtp = protected_rtp(5);
  EXPECT_EQ(stranger->unprotect_rtp(rtp.buffer, rtp.size), SrtpStatus::AuthFailed);
  Packet rtcp = protected_rtcp();
  EXPECT_EQ(stranger->unprotect_rtcp(rtcp.buffer, rtcp.size), SrtpStatus::AuthFailed);
}

TEST_P(SrtpSessionTest, TooShortPacketsAreBadPackets) {
  const Bytes whole = make_rtp(1, 1);
  for (std::size_t size = 0; size < 12; ++size) {
    Packet rtp(Bytes(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(size)));
    std::size_t n = size;
    EXPECT_EQ(sender_->protect_rtp(rtp.buffer, n), SrtpStatus::BadPacket) << size;
    n = size;
    EXPECT_EQ(receiver_->unprotect_rtp(rtp.buffer, n), SrtpStatus::BadPacket) << size;
    EXPECT_EQ(n, size);
  }
  for (std::size_t size = 0; size < 8; ++size) {
    Packet rtcp(Bytes(size, 0x80));
    std::size_t n = size;
    EXPECT_EQ(sender_->protect_rtcp(rtcp.buffer, n), SrtpStatus::BadPacket) << size;
    n = size;
    EXPECT_EQ(receiver_->unprotect_rtcp(rtcp.buffer, n), SrtpStatus::BadPacket) << size;
  }
}

TEST_P(SrtpSessionTest, MalformedPacketsAreBadPackets) {
  Packet not_v2(make_rtp(1, 1));
  not_v2.buffer[0] = 0x40;  // version 1
  EXPECT_EQ(sender_->protect_rtp(not_v2.buffer, not_v2.size), SrtpStatus::BadPacket);
  EXPECT_EQ(receiver_->unprotect_rtp(not_v2.buffer, not_v2.size), SrtpStatus::BadPacket);

  Packet past_end(make_rtp(1, 1));
  std::size_t too_big = past_end.buffer.size() + 1;
  EXPECT_EQ(sender_->protect_rtp(past_end.buffer, too_big), SrtpStatus::BadPacket);
  EXPECT_EQ(receiver_->unprotect_rtcp(past_end.buffer, too_big), SrtpStatus::BadPacket);

  // Fifteen CSRCs announced in a 20-byte packet: the header overruns the data.
  Packet csrc_overrun(make_rtp(1, 1, 8));
  csrc_overrun.buffer[0] = 0x8f;
  EXPECT_EQ(sender_->protect_rtp(csrc_overrun.buffer, csrc_overrun.size), SrtpStatus::BadPacket);
  // A header extension longer than the packet.
  Bytes overrun = make_rtp(1, 1, 8);
  overrun[0] = 0x90;
  overrun[12] = 0xbe;
  overrun[13] = 0xde;
  overrun[14] = 0x00;
  overrun[15] = 0x40;
  Packet ext_overrun(overrun);
  EXPECT_EQ(sender_->protect_rtp(ext_overrun.buffer, ext_overrun.size), SrtpStatus::BadPacket);
}

TEST_P(SrtpSessionTest, ProtectNeedsRoomForTheTrailer) {
  const Bytes rtp = make_rtp(1, 1);
  Bytes buffer = rtp;
  buffer.resize(rtp.size() + kSrtpMaxOverhead - 5);
  std::size_t size = rtp.size();
  EXPECT_EQ(sender_->protect_rtp(std::span<std::uint8_t>(buffer.data(), rtp.size() + 143), size),
            SrtpStatus::NoRoom);
  EXPECT_EQ(sender_->protect_rtp(std::span<std::uint8_t>(buffer.data(), rtp.size()), size),
            SrtpStatus::NoRoom);
  EXPECT_EQ(size, rtp.size());
  buffer.resize(rtp.size() + 144);
  EXPECT_EQ(sender_->protect_rtp(buffer, size), SrtpStatus::Ok);  // SRTP_MAX_TRAILER_LEN is enough

  const Bytes rtcp = make_rtcp_rr(1);
  buffer = rtcp;
  buffer.resize(rtcp.size() + kSrtpMaxOverhead - 1);
  size = rtcp.size();
  EXPECT_EQ(sender_->protect_rtcp(buffer, size), SrtpStatus::NoRoom);
  buffer.resize(rtcp.size() + kSrtpMaxOverhead);
  EXPECT_EQ(sender_->protect_rtcp(buffer, size), SrtpStatus::Ok);
}

TEST_P(SrtpSessionTest, WrongDirectionFails) {
  Packet rtp(make_rtp(1, 1));
  EXPECT_EQ(receiver_->protect_rtp(rtp.buffer, rtp.size), SrtpStatus::Failed);
  EXPECT_EQ(receiver_->protect_rtcp(rtp.buffer, rtp.size), SrtpStatus::Failed);
  EXPECT_EQ(sender_->unprotect_rtp(rtp.buffer, rtp.size), SrtpStatus::Failed);
  EXPECT_EQ(sender_->unprotect_rtcp(rtp.buffer, rtp.size), SrtpStatus::Failed);
}

// Every truncation of a valid packet is refused, never decrypted and never a crash.
TEST_P(SrtpSessionTest, EveryTruncationIsRefused) {
  const Packet rtp = protected_rtp(9);
  const Packet rtcp = protected_rtcp();
  for (std::size_t size = 0; size < rtp.size; ++size) {
    Packet cut = rtp;
    cut.size = size;
    const SrtpStatus status = unprotect_rtp(cut);
    EXPECT_NE(status, SrtpStatus::Ok) << size;
    EXPECT_EQ(cut.size, size);
  }
  for (std::size_t size = 0; size < rtcp.size; ++size) {
    Packet cut = rtcp;
    cut.size = size;
    EXPECT_NE(unprotect_rtcp(cut), SrtpStatus::Ok) << size;
  }
  // The intact packets still pass afterwards: failed checks did not poison the windows.
  Packet intact_rtp = rtp;
  Packet intact_rtcp = rtcp;
  EXPECT_EQ(unprotect_rtp(intact_rtp), SrtpStatus::Ok);
  EXPECT_EQ(unprotect_rtcp(intact_rtcp), SrtpStatus::Ok);
}

TEST_P(SrtpSessionTest, RandomGarbageIsRefused) {
  std::mt19937 random(1234);
  for (int round = 0; round < 2000; ++round) {
    Bytes garbage(random() % 200);
    for (auto& byte : garbage) byte = static_cast<std::uint8_t>(random());
    if (!garbage.empty() && round % 2 == 0)
      garbage[0] = static_cast<std::uint8_t>(0x80 | (garbage[0] & 0x3f));
    Packet packet(garbage);
    EXPECT_NE(unprotect_rtp(packet), SrtpStatus::Ok);
    Packet again(garbage);
    EXPECT_NE(unprotect_rtcp(again), SrtpStatus::Ok);
  }
}

INSTANTIATE_TEST_SUITE_P(
    BackendsAndProfiles, SrtpSessionTest,
    ::testing::Values(SessionCase{SrtpBackend::OpenSsl, SrtpProfile::AeadAes128Gcm},
                      SessionCase{SrtpBackend::OpenSsl, SrtpProfile::Aes128CmSha1_80},
                      SessionCase{SrtpBackend::LibSrtp, SrtpProfile::AeadAes128Gcm},
                      SessionCase{SrtpBackend::LibSrtp, SrtpProfile::Aes128CmSha1_80}),
    [](const auto& param_info) {
      return std::string(param_info.param.backend == SrtpBackend::OpenSsl ? "OpenSsl" : "LibSrtp") +
             (param_info.param.profile == SrtpProfile::AeadAes128Gcm ? "Gcm" : "Cm");
    });

TEST(SrtpSessionCreate, RefusesKeyMaterialOfTheWrongLength) {
  for (const SrtpBackend backend : {SrtpBackend::OpenSsl, SrtpBackend::LibSrtp}) {
    for (const SrtpProfile profile : {SrtpProfile::AeadAes128Gcm, SrtpProfile::Aes128CmSha1_80}) {
      const std::size_t right = srtp_key_length(profile) + srtp_salt_length(profile);
      for (const std::size_t size :
           {std::size_t{0}, std::size_t{16}, right - 1, right + 1, std::size_t{60}}) {
        EXPECT_EQ(SrtpSession::create(backend, profile, Bytes(size, 1), Direction::Inbound),
                  nullptr)
            << size;
      }
      EXPECT_NE(SrtpSession::create(backend, profile, Bytes(right, 1), Direction::Outbound),
                nullptr);
    }
  }
}

TEST(SrtpSessionCreate, ProfilesDoNotInteroperate) {
  for (const SrtpBackend backend : {SrtpBackend::OpenSsl, SrtpBackend::LibSrtp}) {
    auto gcm =
        SrtpSession::create(backend, SrtpProfile::AeadAes128Gcm, Bytes(28, 3), Direction::Outbound);
    auto cm = SrtpSession::create(backend, SrtpProfile::Aes128CmSha1_80, Bytes(30, 3),
                                  Direction::Inbound);
    Packet packet(make_rtp(1, 1));
    ASSERT_EQ(gcm->protect_rtp(packet.buffer, packet.size), SrtpStatus::Ok);
    EXPECT_EQ(cm->unprotect_rtp(packet.buffer, packet.size), SrtpStatus::AuthFailed);
  }
}

TEST(SrtpSessionCreate, DefaultBackendIsOpenSslAndCanBeChanged) {
  EXPECT_EQ(kDefaultSrtpBackend, SrtpBackend::OpenSsl);
  EXPECT_EQ(default_srtp_backend(), kDefaultSrtpBackend);
  const Bytes key(28, 3);
  EXPECT_EQ(SrtpSession::create(SrtpProfile::AeadAes128Gcm, key, Direction::Outbound)->backend(),
            SrtpBackend::OpenSsl);
  set_default_srtp_backend(SrtpBackend::LibSrtp);
  EXPECT_EQ(SrtpSession::create(SrtpProfile::AeadAes128Gcm, key, Direction::Outbound)->backend(),
            SrtpBackend::LibSrtp);
  set_default_srtp_backend(kDefaultSrtpBackend);
}

TEST(SrtpBackendTest, NamesRoundTrip) {
  EXPECT_STREQ(to_string(SrtpBackend::OpenSsl), "openssl");
  EXPECT_STREQ(to_string(SrtpBackend::LibSrtp), "libsrtp");
  EXPECT_EQ(srtp_backend_from_string("openssl"), SrtpBackend::OpenSsl);
  EXPECT_EQ(srtp_backend_from_string("libsrtp"), SrtpBackend::LibSrtp);
  EXPECT_EQ(srtp_backend_from_string("nss"), std::nullopt);
  EXPECT_EQ(srtp_backend_from_string(""), std::nullopt);
}

TEST(SrtpProfileTest, SizesNamesAndIds) {
  EXPECT_EQ(srtp_key_length(SrtpProfile::AeadAes128Gcm), 16u);
  EXPECT_EQ(srtp_salt_length(SrtpProfile::AeadAes128Gcm), 12u);
  EXPECT_EQ(srtp_key_length(SrtpProfile::Aes128CmSha1_80), 16u);
  EXPECT_EQ(srtp_salt_length(SrtpProfile::Aes128CmSha1_80), 14u);
  EXPECT_STREQ(openssl_profile_name(SrtpProfile::AeadAes128Gcm), "SRTP_AEAD_AES_128_GCM");
  EXPECT_STREQ(openssl_profile_name(SrtpProfile::Aes128CmSha1_80), "SRTP_AES128_CM_SHA1_80");
  EXPECT_STREQ(to_string(SrtpProfile::AeadAes128Gcm), "AEAD_AES_128_GCM");
  EXPECT_STREQ(to_string(SrtpProfile::Aes128CmSha1_80), "AES_CM_128_HMAC_SHA1_80");
  EXPECT_EQ(dtls_srtp_profile_id(SrtpProfile::AeadAes128Gcm), 0x0007);
  EXPECT_EQ(dtls_srtp_profile_id(SrtpProfile::Aes128CmSha1_80), 0x0001);
  EXPECT_EQ(srtp_profile_from_id(0x0007), SrtpProfile::AeadAes128Gcm);
  EXPECT_EQ(srtp_profile_from_id(0x0001), SrtpProfile::Aes128CmSha1_80);
  EXPECT_EQ(srtp_profile_from_id(0x0002), std::nullopt);  // SRTP_AES128_CM_HMAC_SHA1_32
  EXPECT_EQ(srtp_profile_from_id(0x0008), std::nullopt);  // AEAD_AES_256_GCM
}

TEST(SrtpStatusTest, EveryStatusHasAName) {
  EXPECT_STREQ(to_string(SrtpStatus::Ok), "ok");
  EXPECT_STREQ(to_string(SrtpStatus::BadPacket), "bad_packet");
  EXPECT_STREQ(to_string(SrtpStatus::ReplayOld), "replay_old");
  EXPECT_STREQ(to_string(SrtpStatus::ReplayDuplicate), "replay_duplicate");
  EXPECT_STREQ(to_string(SrtpStatus::AuthFailed), "auth_failed");
  EXPECT_STREQ(to_string(SrtpStatus::NoRoom), "no_room");
  EXPECT_STREQ(to_string(SrtpStatus::Failed), "failed");
}

}  // namespace
}  // namespace bailanys::rtc::srtp
