// RFC 5769 test vectors: parsing, MESSAGE-INTEGRITY, FINGERPRINT, XOR-MAPPED-ADDRESS, and the
// same messages rebuilt with StunBuilder.
#include <gtest/gtest.h>

#include <cstddef>
#include <initializer_list>
#include <utility>
#include <vector>

#include "rfc5769_vectors.hpp"
#include "rtc/stun/stun_message.hpp"

namespace bailanys::rtc::stun {
namespace {

using namespace test;

const TransactionId kSampleId = {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
                                 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};

// Byte ranges [first, last) where our zero padding and the digests over it differ from the
// RFC, which pads with spaces.
using Ranges = std::initializer_list<std::pair<std::size_t, std::size_t>>;
void expect_equal_outside(const std::vector<std::uint8_t>& ours,
                          const std::vector<std::uint8_t>& rfc, Ranges skip) {
  ASSERT_EQ(ours.size(), rfc.size());
  for (std::size_t i = 0; i < rfc.size(); ++i) {
    bool skipped = false;
    for (const auto& [first, last] : skip) skipped = skipped || (i >= first && i < last);
    if (!skipped) {
      EXPECT_EQ(ours[i], rfc[i]) << "byte " << i;
    }
  }
}

std::vector<std::uint8_t> bytes_at(const std::vector<std::uint8_t>& v, std::size_t at,
                                   std::size_t n) {
  return {v.begin() + static_cast<std::ptrdiff_t>(at),
          v.begin() + static_cast<std::ptrdiff_t>(at + n)};
}

TEST(StunRfc5769, SampleRequestParsesAndAuthenticates) {
  const auto msg = parse_stun(kSampleRequest);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->method, kBindingMethod);
  EXPECT_EQ(msg->message_class, StunClass::Request);
  EXPECT_EQ(msg->transaction_id, kSampleId);
  EXPECT_EQ(msg->software, "STUN test client");
  EXPECT_EQ(msg->priority, 0x6e0001ffu);
  EXPECT_EQ(msg->ice_controlled, 0x932ff9b151263b36u);
  EXPECT_FALSE(msg->ice_controlling);
  EXPECT_FALSE(msg->use_candidate);
  EXPECT_EQ(msg->username, "evtj:h6vY");
  EXPECT_EQ(msg->integrity_offset, 76u);
  EXPECT_EQ(msg->fingerprint_offset, 100u);
  EXPECT_TRUE(msg->unknown_required.empty());
  EXPECT_TRUE(check_integrity(kSampleRequest, *msg, as_bytes(kSamplePassword)));
  EXPECT_FALSE(check_integrity(kSampleRequest, *msg, as_bytes("VOkJxbRl1RmTxUk/WvJxBT")));
  EXPECT_FALSE(check_integrity(kSampleRequest, *msg, {}));
  EXPECT_TRUE(check_fingerprint(kSampleRequest, *msg));
}

TEST(StunRfc5769, SampleRequestRebuilt) {
  const auto ours = StunBuilder(kBindingMethod, StunClass::Request, kSampleId)
                        .software("STUN test client")
                        .priority(0x6e0001ff)
                        .ice_controlled(0x932ff9b151263b36)
                        .username("evtj:h6vY")
                        .finish(as_bytes(kSamplePassword), true);
  // Different: the USERNAME padding (73..76) and so the HMAC (80..100) and CRC (104..108).
  expect_equal_outside(ours, kSampleRequest, {{73, 76}, {80, 100}, {104, 108}});
  EXPECT_EQ(ours[73], 0);
  // The HMAC over the zero-padded message, as libwebrtc's STUN tests also computed it.
  const std::vector<std::uint8_t> zero_padded_hmac = {0x79, 0x07, 0xc2, 0xd2, 0xed, 0xbf, 0xea,
                                                      0x48, 0x0e, 0x4c, 0x76, 0xd8, 0x29, 0x62,
                                                      0xd5, 0xc3, 0x74, 0x2a, 0xf9, 0xe3};
  EXPECT_EQ(bytes_at(ours, 80, 20), zero_padded_hmac);
  const auto msg = parse_stun(ours);
  ASSERT_TRUE(msg);
  EXPECT_TRUE(check_integrity(ours, *msg, as_bytes(kSamplePassword)));
  EXPECT_TRUE(check_fingerprint(ours, *msg));
}

TEST(StunRfc5769, SampleIpv4Response) {
  const auto msg = parse_stun(kSampleIpv4Response);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->message_class, StunClass::SuccessResponse);
  EXPECT_EQ(msg->method, kBindingMethod);
  EXPECT_EQ(msg->software, "test vector");
  EXPECT_EQ(msg->xor_mapped_address, SocketAddress::parse("192.0.2.1", 32853));
  EXPECT_TRUE(check_integrity(kSampleIpv4Response, *msg, as_bytes(kSamplePassword)));
  EXPECT_TRUE(check_fingerprint(kSampleIpv4Response, *msg));

  const auto ours = StunBuilder(kBindingMethod, StunClass::SuccessResponse, kSampleId)
                        .software("test vector")
                        .xor_mapped_address(*SocketAddress::parse("192.0.2.1", 32853))
                        .finish(as_bytes(kSamplePassword), true);
  expect_equal_outside(ours, kSampleIpv4Response, {{35, 36}, {52, 72}, {76, 80}});
  const std::vector<std::uint8_t> zero_padded_hmac = {0x5d, 0x6b, 0x58, 0xbe, 0xad, 0x94, 0xe0,
                                                      0x7e, 0xef, 0x0d, 0xfc, 0x12, 0x82, 0xa2,
                                                      0xbd, 0x08, 0x43, 0x14, 0x10, 0x28};
  EXPECT_EQ(bytes_at(ours, 52, 20), zero_padded_hmac);
  const auto reparsed = parse_stun(ours);
  ASSERT_TRUE(reparsed);
  EXPECT_TRUE(check_integrity(ours, *reparsed, as_bytes(kSamplePassword)));
  EXPECT_TRUE(check_fingerprint(ours, *reparsed));
}

TEST(StunRfc5769, SampleIpv6Response) {
  const auto mapped = SocketAddress::parse("2001:db8:1234:5678:11:2233:4455:6677", 32853);
  ASSERT_TRUE(mapped);
  const auto msg = parse_stun(kSampleIpv6Response);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->xor_mapped_address, mapped);
  EXPECT_TRUE(check_integrity(kSampleIpv6Response, *msg, as_bytes(kSamplePassword)));
  EXPECT_TRUE(check_fingerprint(kSampleIpv6Response, *msg));

  const auto ours = StunBuilder(kBindingMethod, StunClass::SuccessResponse, kSampleId)
                        .software("test vector")
                        .xor_mapped_address(*mapped)
                        .finish(as_bytes(kSamplePassword), true);
  // The XOR-MAPPED-ADDRESS (36..60) must match exactly: it depends on the transaction id.
  expect_equal_outside(ours, kSampleIpv6Response, {{35, 36}, {64, 84}, {88, 92}});
  const auto reparsed = parse_stun(ours);
  ASSERT_TRUE(reparsed);
  EXPECT_TRUE(check_integrity(ours, *reparsed, as_bytes(kSamplePassword)));
  EXPECT_TRUE(check_fingerprint(ours, *reparsed));
}

TEST(StunRfc5769, LongTermRequestAuthenticatesWithSaslPreppedKey) {
  const auto msg = parse_stun(kSampleLongTermRequest);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->username, kLongTermUsername);
  EXPECT_EQ(msg->nonce, kLongTermNonce);
  EXPECT_EQ(msg->realm, kLongTermRealm);
  EXPECT_FALSE(msg->fingerprint_offset);
  const auto key = long_term_key(kLongTermUsername, kLongTermRealm, kLongTermPassword);
  ASSERT_EQ(key.size(), 16u);
  EXPECT_TRUE(check_integrity(kSampleLongTermRequest, *msg, key));
  // The un-prepared password ("The" SOFT HYPHEN "M" FEMININE ORDINAL "tr" ROMAN NUMERAL NINE)
  // is a different key: SASLprep is the caller's job.
  const auto raw = long_term_key(kLongTermUsername, kLongTermRealm,
                                 "The\xc2\xad"
                                 "M\xc2\xaa"
                                 "tr\xe2\x85\xa8");
  EXPECT_FALSE(check_integrity(kSampleLongTermRequest, *msg, raw));
  EXPECT_FALSE(check_integrity(kSampleLongTermRequest, *msg, as_bytes(kLongTermPassword)));
}

TEST(StunRfc5769, LongTermRequestRebuiltByteExact) {
  const TransactionId id = {0x78, 0xad, 0x34, 0x33, 0xc6, 0xad, 0x72, 0xc0, 0x29, 0xda, 0x41, 0x2e};
  const auto key = long_term_key(kLongTermUsername, kLongTermRealm, kLongTermPassword);
  const auto ours = StunBuilder(kBindingMethod, StunClass::Request, id)
                        .username(kLongTermUsername)
                        .nonce(kLongTermNonce)
                        .realm(kLongTermRealm)
                        .finish(key, false);
  EXPECT_EQ(ours, kSampleLongTermRequest);
}

TEST(StunRfc5769, LongTermKeyIsMd5OfUserRealmPassword) {
  // MD5("user:realm:pass"), computed independently.
  const std::vector<std::uint8_t> expected = {0x84, 0x93, 0xfb, 0xc5, 0x3b, 0xa5, 0x82, 0xfb,
                                              0x4c, 0x04, 0x4c, 0x45, 0x6b, 0xdc, 0x40, 0xeb};
  EXPECT_EQ(long_term_key("user", "realm", "pass"), expected);
}

}  // namespace
}  // namespace bailanys::rtc::stun
