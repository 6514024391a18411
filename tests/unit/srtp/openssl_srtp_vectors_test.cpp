// The OpenSSL backend against the RFC test vectors themselves. Unlike libsrtp it can be given
// session keys (OpenSslSrtpSession::create_from_session_keys), so the vectors that start from
// session keys go straight through it:
//   RFC 3711 Appendix B.3: the key derivation (srtp_kdf), all three session keys;
//   RFC 3711 Appendix B.2: the AES-CM key stream, through AesCtr128 and through an SRTP packet
//     whose payload is zeros (SSRC 0, index 0: its ciphertext is the key stream);
//   RFC 7714 §16.1.1: AEAD_AES_128_GCM SRTP encryption, and its decryption;
//   RFC 7714 §17.1.1: AEAD_AES_128_GCM SRTCP (SRTCP index 0x5d4) decryption, and the encryption
//     of the same packet at the index our sender picks, against the reference.
#include "rtc/srtp/openssl_srtp_session.hpp"
#include "rtc/srtp/srtp_kdf.hpp"
#include "srtp_reference.hpp"
#include "srtp_test_packets.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace bailanys::rtc::srtp {
namespace {

using testing::Bytes;
using testing::from_hex;
using Direction = SrtpSession::Direction;

const Bytes kB3MasterKey = from_hex("E1F97A0D3E018BE0D64FA32C06DE4139");
const Bytes kB3MasterSalt = from_hex("0EC675AD498AFEEBB6960B3AABE6");

// RFC 7714 §16.1 / §17.1.
const Bytes kGcmKey = from_hex("000102030405060708090a0b0c0d0e0f");
const Bytes kGcmSalt = from_hex("517569642070726f2071756f");  // "Quid pro quo"
const Bytes kRfc7714RtpPlain = from_hex(
    "8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973"
    "20646976 69736120 696e2070 61727465 73207472 6573");
const Bytes kRfc7714RtpProtected = from_hex(
    "8040f17b 8041f8d3 5501a0b2"
    "f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5 0d294e6f 42a5f47a"
    "51c7d19b 36de3adf 8833"
    "899d7f27 beb16a91 52cf765e e4390cce");
const Bytes kRfc7714RtcpPlain = from_hex(
    "81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61"
    "deadbeef deadbeef deadbeef deadbeef deadbeef");
const Bytes kRfc7714RtcpProtected = from_hex(
    "81c8000d 4d617273"
    "63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d c676a5f1"
    "730d6fda 4ce09b46 86303ded 0bb9275b c84aa458 96cf4d2f c5abf872"
    "45d9eade 800005d4");

template <std::size_t N>
Bytes bytes_of(const std::array<std::uint8_t, N>& array, std::size_t size = N) {
  return Bytes(array.begin(), array.begin() + static_cast<std::ptrdiff_t>(size));
}

SrtpSessionKeys session_keys(const Bytes& key, const Bytes& salt, const Bytes& auth = {}) {
  SrtpSessionKeys keys;
  std::copy(key.begin(), key.end(), keys.cipher_key.begin());
  std::copy(salt.begin(), salt.end(), keys.salt.begin());
  std::copy(auth.begin(), auth.end(), keys.auth_key.begin());
  return keys;
}

// Runs one operation on a copy of `packet` with room for the trailer; empty on failure.
Bytes run(SrtpSession& session, const Bytes& packet, bool rtcp, bool protect) {
  Bytes buffer = packet;
  std::size_t size = buffer.size();
  buffer.resize(size + kSrtpMaxOverhead);
  SrtpStatus status = SrtpStatus::Failed;
  if (protect) {
    status = rtcp ? session.protect_rtcp(buffer, size) : session.protect_rtp(buffer, size);
  } else {
    status = rtcp ? session.unprotect_rtcp(buffer, size) : session.unprotect_rtp(buffer, size);
  }
  EXPECT_EQ(status, SrtpStatus::Ok) << to_string(status);
  buffer.resize(status == SrtpStatus::Ok ? size : 0);
  return buffer;
}

TEST(OpenSslSrtpKdf, MatchesRfc3711AppendixB3) {
  SrtpSessionKeys keys;
  ASSERT_TRUE(derive_srtp_session_keys(SrtpProfile::Aes128CmSha1_80, kB3MasterKey, kB3MasterSalt,
                                       false, keys));
  EXPECT_EQ(bytes_of(keys.cipher_key), from_hex("C61E7A93744F39EE10734AFE3FF7A087"));
  EXPECT_EQ(bytes_of(keys.salt), from_hex("30CBBC08863D8C85D49DB34A9AE1"));
  EXPECT_EQ(bytes_of(keys.auth_key), from_hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"));

  // B.3 lists 94 bytes of the authentication key stream.
  Bytes stream(94);
  ASSERT_TRUE(srtp_kdf(kB3MasterKey, kB3MasterSalt, SrtpKdfLabel::RtpAuthKey, stream));
  EXPECT_EQ(stream, from_hex("CEBE321F6FF7716B6FD4AB49AF256A15 6D38BAA48F0A0ACF3C34E2359E6CDBCE"
                             "E049646C43D9327AD175578EF7227098 6371C10C9A369AC2F94A8C5FBCDDDC25"
                             "6D6E919A48B610EF17C2041E47403576 6B68642C59BBFC2F34DB60DBDFB2"));
}

TEST(OpenSslSrtpKdf, SrtcpLabelsAndGcmSaltMatchTheReference) {
  for (const bool gcm : {false, true}) {
    const Bytes salt =
        gcm ? Bytes(kB3MasterSalt.begin(), kB3MasterSalt.begin() + 12) : kB3MasterSalt;
    const SrtpProfile profile = gcm ? SrtpProfile::AeadAes128Gcm : SrtpProfile::Aes128CmSha1_80;
    for (const bool rtcp : {false, true}) {
      SrtpSessionKeys keys;
      ASSERT_TRUE(derive_srtp_session_keys(profile, kB3MasterKey, salt, rtcp, keys));
      const auto expected = reference::derive_session_keys(gcm, kB3MasterKey, salt, rtcp);
      EXPECT_EQ(bytes_of(keys.cipher_key), expected.cipher_key);
      EXPECT_EQ(bytes_of(keys.salt, salt.size()), expected.cipher_salt);
      if (!gcm) {
        EXPECT_EQ(bytes_of(keys.auth_key), expected.auth_key);
      }
    }
  }
}

TEST(OpenSslSrtpKdf, RefusesWrongSizes) {
  Bytes out(16);
  EXPECT_FALSE(srtp_kdf(Bytes(15, 1), kB3MasterSalt, SrtpKdfLabel::RtpCipherKey, out));
  EXPECT_FALSE(srtp_kdf(kB3MasterKey, Bytes(15, 1), SrtpKdfLabel::RtpCipherKey, out));
  EXPECT_FALSE(srtp_kdf(kB3MasterKey, Bytes(11, 1), SrtpKdfLabel::RtpCipherKey, out));
  SrtpSessionKeys keys;
  EXPECT_FALSE(derive_srtp_session_keys(SrtpProfile::AeadAes128Gcm, kB3MasterKey, kB3MasterSalt,
                                        false, keys));  // GCM wants a 12-byte salt
}

const Bytes kB2Key = from_hex("2B7E151628AED2A6ABF7158809CF4F3C");
const Bytes kB2Salt = from_hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD");
const Bytes kB2Keystream = from_hex(
    "E03EAD0935C95E80E166B16DD92B4EB4"
    "D23513162B02D0F72A43A2FE4A5F97AB"
    "41E95B3BB0A2E8DD477901E4FCA894C0");

TEST(OpenSslSrtpAesCm, KeyStreamMatchesRfc3711AppendixB2) {
  AesCtr128 ctr;
  ASSERT_TRUE(ctr.init(kB2Key));
  AesCtr128::Iv iv{};  // salt * 2^16: F0F1...FCFD0000
  std::copy(kB2Salt.begin(), kB2Salt.end(), iv.begin());
  Bytes stream(48, 0);
  ASSERT_TRUE(ctr.apply(iv, stream));
  EXPECT_EQ(stream, kB2Keystream);
  // The context is reused: the same IV again gives the same stream.
  Bytes again(48, 0);
  ASSERT_TRUE(ctr.apply(iv, again));
  EXPECT_EQ(again, kB2Keystream);
}

TEST(OpenSslSrtpAesCm, SrtpPacketCarriesTheRfc3711AppendixB2KeyStream) {
  const auto keys = session_keys(kB2Key, kB2Salt, Bytes(20, 0x42));
  auto sender = OpenSslSrtpSession::create_from_session_keys(SrtpProfile::Aes128CmSha1_80, keys,
                                                             keys, Direction::Outbound);
  ASSERT_NE(sender, nullptr);
  // SSRC 0, sequence 0, first packet: index 0, so the IV is the salt * 2^16 of B.2.
  Bytes plain = testing::make_rtp(0, 0, 48);
  std::fill(plain.begin() + 12, plain.end(), std::uint8_t{0});
  const Bytes protected_packet = run(*sender, plain, false, true);
  ASSERT_EQ(protected_packet.size(), plain.size() + 10);
  EXPECT_EQ(Bytes(protected_packet.begin() + 12, protected_packet.begin() + 60), kB2Keystream);
}

TEST(OpenSslSrtpAesGcm, RtpMatchesRfc7714Section16) {
  const auto keys = session_keys(kGcmKey, kGcmSalt);
  auto sender = OpenSslSrtpSession::create_from_session_keys(SrtpProfile::AeadAes128Gcm, keys, keys,
                                                             Direction::Outbound);
  auto receiver = OpenSslSrtpSession::create_from_session_keys(SrtpProfile::AeadAes128Gcm, keys,
                                                               keys, Direction::Inbound);
  ASSERT_NE(sender, nullptr);
  ASSERT_NE(receiver, nullptr);
  EXPECT_EQ(run(*sender, kRfc7714RtpPlain, false, true), kRfc7714RtpProtected);
  EXPECT_EQ(run(*receiver, kRfc7714RtpProtected, false, false), kRfc7714RtpPlain);

  // One bit of the tag flipped: refused, and the genuine packet still passes afterwards.
  auto other = OpenSslSrtpSession::create_from_session_keys(SrtpProfile::AeadAes128Gcm, keys, keys,
                                                            Direction::Inbound);
  Bytes tampered = kRfc7714RtpProtected;
  tampered.back() ^= 0x01;
  std::size_t size = tampered.size();
  tampered.resize(size + kSrtpMaxOverhead);
  EXPECT_EQ(other->unprotect_rtp(tampered, size), SrtpStatus::AuthFailed);
  EXPECT_EQ(run(*other, kRfc7714RtpProtected, false, false), kRfc7714RtpPlain);
}

TEST(OpenSslSrtpAesGcm, RtcpMatchesRfc7714Section17) {
  const auto keys = session_keys(kGcmKey, kGcmSalt);
  auto receiver = OpenSslSrtpSession::create_from_session_keys(SrtpProfile::AeadAes128Gcm, keys,
                                                               keys, Direction::Inbound);
  ASSERT_NE(receiver, nullptr);
  EXPECT_EQ(run(*receiver, kRfc7714RtcpProtected, true, false), kRfc7714RtcpPlain);

  // Our sender numbers SRTCP from 1; the same packet at that index, as the reference builds it.
  auto sender = OpenSslSrtpSession::create_from_session_keys(SrtpProfile::AeadAes128Gcm, keys, keys,
                                                             Direction::Outbound);
  ASSERT_NE(sender, nullptr);
  const reference::SessionKeys reference_keys{kGcmKey, kGcmSalt, {}};
  EXPECT_EQ(run(*sender, kRfc7714RtcpPlain, true, true),
            reference::protect_rtcp_gcm(reference_keys, kRfc7714RtcpPlain, 1));
}

}  // namespace
}  // namespace bailanys::rtc::srtp
