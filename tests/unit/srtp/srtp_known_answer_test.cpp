// Known answers for SRTP.
//
// Why not RFC vectors straight through SrtpSession: RFC 7714 §16/§17 (AES-GCM) and RFC 3711
// Appendix B.2 (AES-CM) give *session* keys, and B.3 gives the session keys derived from a
// master key. libsrtp's public API only takes a master key and runs the RFC 3711 KDF itself,
// without exposing the session keys or a way to pass them in. So none of these vectors reaches
// libsrtp directly (the OpenSSL backend takes them directly: openssl_srtp_vectors_test.cpp).
// Instead:
//   1. an independent reference built from OpenSSL EVP primitives (srtp_reference.hpp) is checked
//      against every RFC vector (KDF B.3, AES-CM B.2, AES-GCM §16.1.1 and §17.1.1);
//   2. both backends, through SrtpSession with a master key, must produce byte for byte what the
//      reference produces for that master key, for RTP and RTCP in both profiles, and accept
//      what the reference protects;
//   3. libsrtp's own published AES_CM_128_HMAC_SHA1_80 packet (master key = the RFC 3711 B.3 key)
//      is reproduced by the reference and by both backends.
#include "rtc/srtp/srtp_session.hpp"
#include "srtp_reference.hpp"
#include "srtp_test_packets.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace bailanys::rtc::srtp {
namespace {

using testing::Bytes;
using testing::from_hex;

// RFC 3711 Appendix B.3.
const Bytes kB3MasterKey = from_hex("E1F97A0D3E018BE0D64FA32C06DE4139");
const Bytes kB3MasterSalt = from_hex("0EC675AD498AFEEBB6960B3AABE6");

// RFC 7714 §16.1 / §17.1 session key and salt ("Quid pro quo").
const Bytes kGcmSessionKey = from_hex("000102030405060708090a0b0c0d0e0f");
const Bytes kGcmSessionSalt = from_hex("517569642070726f2071756f");

Bytes protect_with(SrtpSession& session, const Bytes& packet, bool rtcp) {
  Bytes buffer = packet;
  std::size_t size = buffer.size();
  buffer.resize(size + kSrtpMaxOverhead);
  const SrtpStatus status =
      rtcp ? session.protect_rtcp(buffer, size) : session.protect_rtp(buffer, size);
  EXPECT_EQ(status, SrtpStatus::Ok) << to_string(status);
  buffer.resize(status == SrtpStatus::Ok ? size : 0);
  return buffer;
}

std::unique_ptr<SrtpSession> session_for(SrtpBackend backend, SrtpProfile profile, const Bytes& key,
                                         const Bytes& salt, SrtpSession::Direction direction) {
  Bytes key_and_salt = key;
  key_and_salt.insert(key_and_salt.end(), salt.begin(), salt.end());
  auto session = SrtpSession::create(backend, profile, key_and_salt, direction);
  EXPECT_NE(session, nullptr);
  return session;
}

TEST(SrtpReference, KeyDerivationMatchesRfc3711AppendixB3) {
  const auto keys = reference::derive_session_keys(false, kB3MasterKey, kB3MasterSalt, false);
  EXPECT_EQ(keys.cipher_key, from_hex("C61E7A93744F39EE10734AFE3FF7A087"));
  EXPECT_EQ(keys.cipher_salt, from_hex("30CBBC08863D8C85D49DB34A9AE1"));
  EXPECT_EQ(keys.auth_key, from_hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"));
  // B.3 lists 94 bytes of the authentication key stream; check the whole of it once.
  EXPECT_EQ(reference::derive(kB3MasterKey, kB3MasterSalt, 1, 94),
            from_hex("CEBE321F6FF7716B6FD4AB49AF256A15 6D38BAA48F0A0ACF3C34E2359E6CDBCE"
                     "E049646C43D9327AD175578EF7227098 6371C10C9A369AC2F94A8C5FBCDDDC25"
                     "6D6E919A48B610EF17C2041E47403576 6B68642C59BBFC2F34DB60DBDFB2"));
}

TEST(SrtpReference, AesCounterModeMatchesRfc3711AppendixB2) {
  const Bytes key = from_hex("2B7E151628AED2A6ABF7158809CF4F3C");
  const Bytes salt = from_hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD");
  const Bytes keystream = reference::aes_ctr(key, reference::aes_cm_iv(salt, 0, 0), Bytes(48, 0));
  EXPECT_EQ(keystream, from_hex("E03EAD0935C95E80E166B16DD92B4EB4"
                                "D23513162B02D0F72A43A2FE4A5F97AB"
                                "41E95B3BB0A2E8DD477901E4FCA894C0"));
}

TEST(SrtpReference, AesGcmRtpMatchesRfc7714Section16) {
  const reference::SessionKeys keys{kGcmSessionKey, kGcmSessionSalt, {}};
  const Bytes plain = from_hex(
      "8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973"
      "20646976 69736120 696e2070 61727465 73207472 6573");
  EXPECT_EQ(reference::protect_rtp_gcm(keys, plain, 0),
            from_hex("8040f17b 8041f8d3 5501a0b2"
                     "f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5 0d294e6f 42a5f47a"
                     "51c7d19b 36de3adf 8833"
                     "899d7f27 beb16a91 52cf765e e4390cce"));
}

TEST(SrtpReference, AesGcmRtcpMatchesRfc7714Section17) {
  const reference::SessionKeys keys{kGcmSessionKey, kGcmSessionSalt, {}};
  const Bytes plain = from_hex(
      "81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61"
      "deadbeef deadbeef deadbeef deadbeef deadbeef");
  EXPECT_EQ(reference::protect_rtcp_gcm(keys, plain, 0x5d4),
            from_hex("81c8000d 4d617273"
                     "63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d c676a5f1"
                     "730d6fda 4ce09b46 86303ded 0bb9275b c84aa458 96cf4d2f c5abf872"
                     "45d9eade 800005d4"));
}

// libsrtp's srtp_driver known answer: master key and salt of RFC 3711 B.3, SSRC 0xcafebabe,
// sequence 0x1234, sixteen 0xab bytes of payload.
TEST(SrtpKnownAnswer, LibsrtpAesCmPacketIsReproducedByBoth) {
  const Bytes plain = from_hex("800f1234 decafbad cafebabe abababab abababab abababab abababab");
  const Bytes expected = from_hex(
      "800f1234 decafbad cafebabe 4e55dc4c e79978d8 8ca4d215 949d2402 b78d6acc 99ea179b 8dbb");

  for (const SrtpBackend backend : {SrtpBackend::OpenSsl, SrtpBackend::LibSrtp}) {
    auto sender = session_for(backend, SrtpProfile::Aes128CmSha1_80, kB3MasterKey, kB3MasterSalt,
                              SrtpSession::Direction::Outbound);
    ASSERT_NE(sender, nullptr);
    EXPECT_EQ(protect_with(*sender, plain, false), expected) << to_string(backend);
  }

  const auto keys = reference::derive_session_keys(false, kB3MasterKey, kB3MasterSalt, false);
  EXPECT_EQ(reference::protect_rtp_cm(keys, plain, 0), expected);
}

struct ProfileCase {
  SrtpBackend backend;
  SrtpProfile profile;
  const char* name;
};

class SrtpMatchesReference : public ::testing::TestWithParam<ProfileCase> {
 protected:
  [[nodiscard]] bool gcm() const { return GetParam().profile == SrtpProfile::AeadAes128Gcm; }
  [[nodiscard]] Bytes master_salt() const {
    return gcm() ? from_hex("0ec675ad498afeebb6960b3a") : kB3MasterSalt;
  }
};

TEST_P(SrtpMatchesReference, RtpIsByteForByteTheSame) {
  auto sender = session_for(GetParam().backend, GetParam().profile, kB3MasterKey, master_salt(),
                            SrtpSession::Direction::Outbound);
  ASSERT_NE(sender, nullptr);
  const auto keys = reference::derive_session_keys(gcm(), kB3MasterKey, master_salt(), false);

  // Plain header, then CSRCs plus a one-byte header extension (AAD for GCM, clear for CM).
  Bytes with_extension = from_hex(
      "92 60 0101 00000064 11223344"  // V=2 X=1 CC=2
      "01020304 05060708"             // two CSRCs
      "bede 0001 10ff0000"            // RFC 8285 one-byte extension block
      "0102030405060708090a0b0c0d0e0f10 1112131415");
  const std::vector<Bytes> packets = {testing::make_rtp(1, 0x11223344, 0),
                                      testing::make_rtp(2, 0x11223344, 1),
                                      testing::make_rtp(3, 0x11223344, 160), with_extension};
  for (const Bytes& plain : packets) {
    const Bytes expected = gcm() ? reference::protect_rtp_gcm(keys, plain, 0)
                                 : reference::protect_rtp_cm(keys, plain, 0);
    EXPECT_EQ(protect_with(*sender, plain, false), expected) << plain.size() << " bytes";
  }
}

TEST_P(SrtpMatchesReference, RtcpIsByteForByteTheSame) {
  auto sender = session_for(GetParam().backend, GetParam().profile, kB3MasterKey, master_salt(),
                            SrtpSession::Direction::Outbound);
  ASSERT_NE(sender, nullptr);
  const auto keys = reference::derive_session_keys(gcm(), kB3MasterKey, master_salt(), true);
  const std::size_t tag = gcm() ? 16 : 10;
  for (int i = 0; i < 3; ++i) {
    const Bytes plain = testing::make_rtcp_rr(0x55667788);
    const Bytes actual = protect_with(*sender, plain, true);
    ASSERT_EQ(actual.size(), plain.size() + 4 + tag);
    // libsrtp picks the SRTCP index; read it from the trailer (E flag set: encrypted).
    const std::size_t at = gcm() ? actual.size() - 4 : actual.size() - tag - 4;
    const std::uint32_t e_and_index = reference::ssrc_at(actual, at);
    ASSERT_NE(e_and_index & 0x80000000u, 0u);
    const std::uint32_t index = e_and_index & 0x7fffffffu;
    EXPECT_EQ(index, static_cast<std::uint32_t>(i + 1));  // both start at 1, as libsrtp does
    const Bytes expected = gcm() ? reference::protect_rtcp_gcm(keys, plain, index)
                                 : reference::protect_rtcp_cm(keys, plain, index);
    EXPECT_EQ(actual, expected);
  }
}

TEST_P(SrtpMatchesReference, AcceptsWhatTheReferenceProtects) {
  auto receiver = session_for(GetParam().backend, GetParam().profile, kB3MasterKey, master_salt(),
                              SrtpSession::Direction::Inbound);
  ASSERT_NE(receiver, nullptr);
  const auto rtp_keys = reference::derive_session_keys(gcm(), kB3MasterKey, master_salt(), false);
  const auto rtcp_keys = reference::derive_session_keys(gcm(), kB3MasterKey, master_salt(), true);

  const Bytes rtp = testing::make_rtp(0xfffe, 0x01020304, 33);
  Bytes buffer = gcm() ? reference::protect_rtp_gcm(rtp_keys, rtp, 0)
                       : reference::protect_rtp_cm(rtp_keys, rtp, 0);
  std::size_t size = buffer.size();
  ASSERT_EQ(receiver->unprotect_rtp(buffer, size), SrtpStatus::Ok);
  buffer.resize(size);
  EXPECT_EQ(buffer, rtp);

  const Bytes rtcp = testing::make_rtcp_rr(0x01020304);
  buffer = gcm() ? reference::protect_rtcp_gcm(rtcp_keys, rtcp, 77)
                 : reference::protect_rtcp_cm(rtcp_keys, rtcp, 77);
  size = buffer.size();
  ASSERT_EQ(receiver->unprotect_rtcp(buffer, size), SrtpStatus::Ok);
  buffer.resize(size);
  EXPECT_EQ(buffer, rtcp);
}

INSTANTIATE_TEST_SUITE_P(
    BackendsAndProfiles, SrtpMatchesReference,
    ::testing::Values(ProfileCase{SrtpBackend::OpenSsl, SrtpProfile::AeadAes128Gcm, "OpenSslGcm"},
                      ProfileCase{SrtpBackend::OpenSsl, SrtpProfile::Aes128CmSha1_80, "OpenSslCm"},
                      ProfileCase{SrtpBackend::LibSrtp, SrtpProfile::AeadAes128Gcm, "LibSrtpGcm"},
                      ProfileCase{SrtpBackend::LibSrtp, SrtpProfile::Aes128CmSha1_80, "LibSrtpCm"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace bailanys::rtc::srtp
