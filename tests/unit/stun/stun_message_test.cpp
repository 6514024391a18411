// Parser rules (RFC 8489 §5, §14) and builder round trips.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "rtc/stun/stun_attributes.hpp"
#include "rtc/stun/stun_message.hpp"

namespace bailanys::rtc::stun {
namespace {

const TransactionId kId = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

// A hand-assembled message: header plus raw attribute records, length field set.
std::vector<std::uint8_t> raw_message(std::uint16_t type,
                                      const std::vector<std::uint8_t>& attributes) {
  std::vector<std::uint8_t> out;
  ByteWriter w(out);
  w.u16(type);
  w.u16(static_cast<std::uint16_t>(attributes.size()));
  w.u32(kMagicCookie);
  w.bytes(kId);
  w.bytes(attributes);
  return out;
}

std::vector<std::uint8_t> record(std::uint16_t type, const std::vector<std::uint8_t>& value) {
  std::vector<std::uint8_t> out;
  ByteWriter w(out);
  w.u16(type);
  w.u16(static_cast<std::uint16_t>(value.size()));
  w.bytes(value);
  w.zeros(padded_size(value.size()) - value.size());
  return out;
}

std::vector<std::uint8_t> concat(std::initializer_list<std::vector<std::uint8_t>> parts) {
  std::vector<std::uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

TEST(StunMessage, LooksLikeStunFollowsRfc7983) {
  const auto request = StunBuilder(kBindingMethod, StunClass::Request, kId).finish({}, false);
  EXPECT_TRUE(looks_like_stun(request));
  auto other = request;
  other[0] = 0x80;  // RTP/RTCP
  EXPECT_FALSE(looks_like_stun(other));
  other[0] = 0x16;  // DTLS handshake
  EXPECT_FALSE(looks_like_stun(other));
  other = request;
  other[7] ^= 1;  // no magic cookie (RFC 3489 message)
  EXPECT_FALSE(looks_like_stun(other));
  EXPECT_FALSE(looks_like_stun(std::span(request).first(19)));
  EXPECT_FALSE(looks_like_stun({}));
}

TEST(StunMessage, EveryClassAndMethodRoundTrips) {
  for (const auto cls : {StunClass::Request, StunClass::Indication, StunClass::SuccessResponse,
                         StunClass::ErrorResponse}) {
    for (const std::uint16_t method : {0x001, 0x003, 0x00F, 0x070, 0x0FF}) {
      const auto bytes = StunBuilder(method, cls, kId).finish({}, false);
      ASSERT_EQ(bytes.size(), kHeaderSize);
      EXPECT_EQ(bytes[0] & 0xC0, 0);
      const auto msg = parse_stun(bytes);
      ASSERT_TRUE(msg);
      EXPECT_EQ(msg->method, method);
      EXPECT_EQ(msg->message_class, cls);
      EXPECT_EQ(msg->transaction_id, kId);
    }
  }
  // Methods from 0x100 up put more than 0..3 in the first byte, which RFC 7983 does not
  // count as STUN; no such method is registered, and the parser follows the demux.
  EXPECT_FALSE(parse_stun(StunBuilder(0x100, StunClass::Request, kId).finish({}, false)));
  // Binding success response is 0x0101, error 0x0111, indication 0x0011 (RFC 8489 §5, §18.2).
  EXPECT_EQ(StunBuilder(kBindingMethod, StunClass::SuccessResponse, kId).finish({}, false)[1],
            0x01);
  EXPECT_EQ(StunBuilder(kBindingMethod, StunClass::ErrorResponse, kId).finish({}, false)[1], 0x11);
  EXPECT_EQ(StunBuilder(kBindingMethod, StunClass::Indication, kId).finish({}, false)[1], 0x11);
}

TEST(StunMessage, AllAttributesRoundTrip) {
  const auto v4 = *SocketAddress::parse("203.0.113.7", 51000);
  const auto v6 = *SocketAddress::parse("2001:db8::1", 443);
  const std::uint16_t unknown[] = {0x0003, 0x7abc, 0x8000};
  const auto bytes = StunBuilder(kBindingMethod, StunClass::ErrorResponse, kId)
                         .username("local:remote")
                         .priority(0x7effffff)
                         .use_candidate()
                         .ice_controlling(0x0102030405060708)
                         .ice_controlled(0xfffffffffffffffe)
                         .xor_mapped_address(v6)
                         .mapped_address(v4)
                         .error_code(420, "Unknown Attribute")
                         .software("bailanys")
                         .realm("example.org")
                         .nonce("n0nce")
                         .unknown_attributes(unknown)
                         .finish(as_bytes("secret"), true);
  ASSERT_EQ(bytes.size() % 4, 0u);
  const auto msg = parse_stun(bytes);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->username, "local:remote");
  EXPECT_EQ(msg->priority, 0x7effffffu);
  EXPECT_TRUE(msg->use_candidate);
  EXPECT_EQ(msg->ice_controlling, 0x0102030405060708u);
  EXPECT_EQ(msg->ice_controlled, 0xfffffffffffffffeu);
  EXPECT_EQ(msg->xor_mapped_address, v6);
  EXPECT_EQ(msg->mapped_address, v4);
  EXPECT_EQ(msg->error_code, (StunErrorCode{420, "Unknown Attribute"}));
  EXPECT_EQ(msg->software, "bailanys");
  EXPECT_EQ(msg->realm, "example.org");
  EXPECT_EQ(msg->nonce, "n0nce");
  EXPECT_EQ(msg->unknown_attributes,
            std::vector<std::uint16_t>(std::begin(unknown), std::end(unknown)));
  EXPECT_TRUE(msg->unknown_required.empty());
  EXPECT_TRUE(check_integrity(bytes, *msg, as_bytes("secret")));
  EXPECT_FALSE(check_integrity(bytes, *msg, as_bytes("Secret")));
  EXPECT_TRUE(check_fingerprint(bytes, *msg));
}

TEST(StunMessage, XorMappedAddressIsXoredOnTheWire) {
  const auto v4 = *SocketAddress::parse("192.0.2.1", 32853);
  const auto bytes = StunBuilder(kBindingMethod, StunClass::SuccessResponse, kId)
                         .xor_mapped_address(v4)
                         .finish({}, false);
  // RFC 8489 §14.2: port ^ 0x2112, address ^ 0x2112A442.
  const std::vector<std::uint8_t> value(bytes.begin() + 24, bytes.end());
  EXPECT_EQ(value, (std::vector<std::uint8_t>{0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43}));
}

TEST(StunMessage, TrailerOptions) {
  const StunBuilder builder(kBindingMethod, StunClass::Request, kId);
  const auto plain = builder.finish({}, false);
  auto msg = parse_stun(plain);
  ASSERT_TRUE(msg);
  EXPECT_FALSE(msg->integrity_offset);
  EXPECT_FALSE(msg->fingerprint_offset);
  EXPECT_FALSE(check_integrity(plain, *msg, as_bytes("k")));
  EXPECT_FALSE(check_fingerprint(plain, *msg));

  const auto fingerprint_only = builder.finish({}, true);
  msg = parse_stun(fingerprint_only);
  ASSERT_TRUE(msg);
  EXPECT_FALSE(msg->integrity_offset);
  EXPECT_EQ(msg->fingerprint_offset, 20u);
  EXPECT_TRUE(check_fingerprint(fingerprint_only, *msg));

  const auto integrity_only = builder.finish(as_bytes("k"), false);
  msg = parse_stun(integrity_only);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->integrity_offset, 20u);
  EXPECT_TRUE(check_integrity(integrity_only, *msg, as_bytes("k")));

  // The builder can be finished again: same bytes every time.
  EXPECT_EQ(builder.finish({}, true), fingerprint_only);
}

TEST(StunMessage, RejectsBadHeaders) {
  const auto good =
      StunBuilder(kBindingMethod, StunClass::Request, kId).username("a:b").finish({}, false);
  ASSERT_TRUE(parse_stun(good));
  auto bad = good;
  bad[0] |= 0x40;  // top type bits must be zero
  EXPECT_FALSE(parse_stun(bad));
  bad = good;
  bad[3] = static_cast<std::uint8_t>(bad[3] + 1);  // length not a multiple of 4
  EXPECT_FALSE(parse_stun(bad));
  bad = good;
  bad[3] = static_cast<std::uint8_t>(bad[3] - 4);  // length shorter than the packet
  EXPECT_FALSE(parse_stun(bad));
}

TEST(StunMessage, RejectsAttributeOverrunsAndMissingPadding) {
  // Declared 8 bytes, 4 present.
  EXPECT_FALSE(parse_stun(raw_message(0x0001, {0x00, 0x06, 0x00, 0x08, 'a', ':', 'b', 'c'})));
  // A 3-byte USERNAME with no padding makes the body length 7: not a multiple of 4.
  EXPECT_FALSE(parse_stun(raw_message(0x0001, {0x00, 0x06, 0x00, 0x03, 'a', ':', 'b'})));
  // A truncated attribute header.
  EXPECT_FALSE(
      parse_stun(raw_message(0x0001, concat({record(attr::kUsername, {'a'}), {0x00, 0x24}}))));
}

TEST(StunMessage, RejectsKnownAttributesOfTheWrongShape) {
  const auto reject = [](std::uint16_t type, const std::vector<std::uint8_t>& value) {
    return !parse_stun(raw_message(0x0001, record(type, value)));
  };
  EXPECT_TRUE(reject(attr::kPriority, {1, 2, 3}));
  EXPECT_TRUE(reject(attr::kPriority, {1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_TRUE(reject(attr::kIceControlling, {1, 2, 3, 4}));
  EXPECT_TRUE(reject(attr::kIceControlled, {}));
  EXPECT_TRUE(reject(attr::kUseCandidate, {0}));
  EXPECT_TRUE(reject(attr::kMessageIntegrity, std::vector<std::uint8_t>(16)));
  EXPECT_TRUE(reject(attr::kMessageIntegrity, std::vector<std::uint8_t>(32)));  // SHA-256 size
  EXPECT_TRUE(reject(attr::kFingerprint, {1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_TRUE(reject(attr::kXorMappedAddress, {0, 3, 0, 0, 1, 2, 3, 4}));  // family 3
  EXPECT_TRUE(reject(attr::kXorMappedAddress,
                     std::vector<std::uint8_t>{0, 1, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_TRUE(reject(attr::kMappedAddress, {0, 2, 0, 0, 1, 2, 3, 4}));  // v6 too short
  EXPECT_TRUE(reject(attr::kErrorCode, {0, 0, 4}));
  EXPECT_TRUE(reject(attr::kErrorCode, {0, 0, 2, 0}));    // class 2
  EXPECT_TRUE(reject(attr::kErrorCode, {0, 0, 7, 0}));    // class 7
  EXPECT_TRUE(reject(attr::kErrorCode, {0, 0, 4, 100}));  // number 100
  EXPECT_TRUE(reject(attr::kUnknownAttributes, {0, 1, 0}));
  EXPECT_TRUE(reject(attr::kUsername, std::vector<std::uint8_t>(kMaxUsernameBytes + 1, 'u')));
  EXPECT_FALSE(reject(attr::kUsername, std::vector<std::uint8_t>(kMaxUsernameBytes, 'u')));
  EXPECT_TRUE(reject(attr::kSoftware, std::vector<std::uint8_t>(kMaxTextAttributeBytes + 1, 's')));
  EXPECT_FALSE(reject(attr::kSoftware, std::vector<std::uint8_t>(kMaxTextAttributeBytes, 's')));
  EXPECT_FALSE(reject(attr::kErrorCode, {0, 0, 6, 99}));
}

TEST(StunMessage, RejectsAnythingAfterFingerprint) {
  const auto fingerprinted = StunBuilder(kBindingMethod, StunClass::Request, kId).finish({}, true);
  auto extended = concat({fingerprinted, record(attr::kSoftware, {'x'})});
  store_be16(&extended[2], static_cast<std::uint16_t>(extended.size() - kHeaderSize));
  EXPECT_FALSE(parse_stun(extended));
  auto twice = concat({fingerprinted, record(attr::kFingerprint, {0, 0, 0, 0})});
  store_be16(&twice[2], static_cast<std::uint16_t>(twice.size() - kHeaderSize));
  EXPECT_FALSE(parse_stun(twice));
}

TEST(StunMessage, IgnoresAttributesAfterIntegrityExceptFingerprint) {
  const auto signed_request = StunBuilder(kBindingMethod, StunClass::Request, kId)
                                  .username("a:b")
                                  .finish(as_bytes("pw"), false);
  auto extended = concat({signed_request, record(attr::kUseCandidate, {}),
                          record(attr::kPriority, {0, 0, 0, 9}), record(0x0003, {})});
  store_be16(&extended[2], static_cast<std::uint16_t>(extended.size() - kHeaderSize));
  const auto msg = parse_stun(extended);
  ASSERT_TRUE(msg);
  EXPECT_FALSE(msg->use_candidate);
  EXPECT_FALSE(msg->priority);
  EXPECT_TRUE(msg->unknown_required.empty());
  // §14.5: the HMAC only covers what precedes it, so it still verifies.
  EXPECT_TRUE(check_integrity(extended, *msg, as_bytes("pw")));
}

TEST(StunMessage, UnknownAttributesAreSortedByComprehension) {
  const auto msg = parse_stun(raw_message(
      0x0001, concat({record(0x0003, {1}), record(0xC057, {0, 1, 0, 0}), record(0x7fff, {}),
                      record(0x0003, {2, 2}),
                      record(attr::kMessageIntegritySha256, std::vector<std::uint8_t>(32))})));
  ASSERT_TRUE(msg);
  // Comprehension-optional 0xC057 (Chromium's GOOG-NETWORK-INFO) is ignored; duplicates once.
  EXPECT_EQ(msg->unknown_required,
            (std::vector<std::uint16_t>{0x0003, 0x7fff, attr::kMessageIntegritySha256}));
}

TEST(StunMessage, FirstOccurrenceWins) {
  const auto msg = parse_stun(raw_message(
      0x0001,
      concat({record(attr::kUsername, {'a', ':', 'b'}), record(attr::kPriority, {0, 0, 0, 1}),
              record(attr::kUsername, {'c', ':', 'd'}), record(attr::kPriority, {0, 0, 0, 2})})));
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->username, "a:b");
  EXPECT_EQ(msg->priority, 1u);
}

TEST(StunMessage, PaddingContentIsIgnored) {
  auto bytes =
      StunBuilder(kBindingMethod, StunClass::Request, kId).username("abc").finish({}, false);
  bytes[27] = 0xff;  // the padding byte after "abc"
  const auto msg = parse_stun(bytes);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->username, "abc");
}

TEST(StunMessage, BuilderLeavesOutAttributesThatWouldOverflowTheLength) {
  StunBuilder builder(kBindingMethod, StunClass::Request, kId);
  const std::vector<std::uint8_t> huge(70000, 'x');
  const std::vector<std::uint8_t> big(40000, 'x');
  builder.attribute(0x8123, huge).attribute(0x8123, big).attribute(0x8124, big).priority(7);
  const auto bytes = builder.finish(as_bytes("pw"), true);
  const auto msg = parse_stun(bytes);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->priority, 7u);
  EXPECT_LT(bytes.size(), 40100u);  // only the first 40000-byte attribute fitted
  EXPECT_TRUE(check_integrity(bytes, *msg, as_bytes("pw")));
  EXPECT_TRUE(check_fingerprint(bytes, *msg));
}

TEST(StunMessage, ErrorCodeEncoding) {
  const auto bytes = StunBuilder(kBindingMethod, StunClass::ErrorResponse, kId)
                         .error_code(487, "Role Conflict")
                         .finish({}, false);
  // RFC 8489 §14.8: class 4 in the low bits of byte 2, number 87 in byte 3.
  EXPECT_EQ(bytes[26], 4);
  EXPECT_EQ(bytes[27], 87);
  const auto msg = parse_stun(bytes);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->error_code, (StunErrorCode{487, "Role Conflict"}));
}

}  // namespace
}  // namespace bailanys::rtc::stun
