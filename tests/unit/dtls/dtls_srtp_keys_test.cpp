#include "rtc/dtls/dtls_srtp_keys.hpp"
#include "rtc/dtls/dtls_demux.hpp"

#include <gtest/gtest.h>

#include <numeric>

namespace bailanys::rtc::dtls {
namespace {

using srtp::SrtpProfile;
using Bytes = std::vector<std::uint8_t>;

Bytes counting(std::size_t size) {
  Bytes bytes(size);
  std::iota(bytes.begin(), bytes.end(), std::uint8_t{0});
  return bytes;
}

Bytes concat(const Bytes& a, const Bytes& b) {
  Bytes out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

Bytes range(std::size_t from, std::size_t count) {
  Bytes out(count);
  std::iota(out.begin(), out.end(), static_cast<std::uint8_t>(from));
  return out;
}

// RFC 5764 §4.2: client_write_key | server_write_key | client_write_salt | server_write_salt.
TEST(SrtpKeySplit, GcmLayout) {
  const Bytes material = counting(56);  // 2 * (16 + 12)
  const auto client =
      split_srtp_keying_material(SrtpProfile::AeadAes128Gcm, material, DtlsRole::Client);
  ASSERT_TRUE(client.has_value());
  EXPECT_EQ(client->profile, SrtpProfile::AeadAes128Gcm);
  EXPECT_EQ(client->local_key_salt, concat(range(0, 16), range(32, 12)));
  EXPECT_EQ(client->remote_key_salt, concat(range(16, 16), range(44, 12)));

  const auto server =
      split_srtp_keying_material(SrtpProfile::AeadAes128Gcm, material, DtlsRole::Server);
  ASSERT_TRUE(server.has_value());
  EXPECT_EQ(server->local_key_salt, client->remote_key_salt);
  EXPECT_EQ(server->remote_key_salt, client->local_key_salt);
}

TEST(SrtpKeySplit, AesCmLayout) {
  const Bytes material = counting(60);  // 2 * (16 + 14)
  const auto client =
      split_srtp_keying_material(SrtpProfile::Aes128CmSha1_80, material, DtlsRole::Client);
  ASSERT_TRUE(client.has_value());
  EXPECT_EQ(client->local_key_salt, concat(range(0, 16), range(32, 14)));
  EXPECT_EQ(client->remote_key_salt, concat(range(16, 16), range(46, 14)));
}

TEST(SrtpKeySplit, WrongLengthIsRefused) {
  EXPECT_FALSE(
      split_srtp_keying_material(SrtpProfile::AeadAes128Gcm, counting(60), DtlsRole::Client));
  EXPECT_FALSE(
      split_srtp_keying_material(SrtpProfile::Aes128CmSha1_80, counting(56), DtlsRole::Client));
  EXPECT_FALSE(split_srtp_keying_material(SrtpProfile::AeadAes128Gcm, {}, DtlsRole::Server));
  EXPECT_FALSE(export_srtp_keys(nullptr, SrtpProfile::AeadAes128Gcm, DtlsRole::Client));
}

TEST(DtlsDemux, FirstByteRangeOfRfc7983) {
  const auto with_first = [](std::uint8_t b) { return Bytes{b, 0xfe, 0xfd}; };
  EXPECT_FALSE(looks_like_dtls({}));
  EXPECT_FALSE(looks_like_dtls(with_first(0)));  // STUN
  EXPECT_FALSE(looks_like_dtls(with_first(19)));
  EXPECT_TRUE(looks_like_dtls(with_first(20)));  // change_cipher_spec
  EXPECT_TRUE(looks_like_dtls(with_first(22)));  // handshake
  EXPECT_TRUE(looks_like_dtls(with_first(23)));  // application_data
  EXPECT_TRUE(looks_like_dtls(with_first(63)));
  EXPECT_FALSE(looks_like_dtls(with_first(64)));   // TURN channel
  EXPECT_FALSE(looks_like_dtls(with_first(128)));  // RTP/RTCP
}

}  // namespace
}  // namespace bailanys::rtc::dtls
