// Damaged messages: every truncation is rejected, every single-byte change breaks the
// integrity or fingerprint check, and random garbage never crashes the parser.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "rfc5769_vectors.hpp"
#include "rtc/stun/stun_message.hpp"

namespace bailanys::rtc::stun {
namespace {

using namespace test;

struct Vector {
  const std::vector<std::uint8_t>* bytes;
  std::vector<std::uint8_t> key;
  bool has_fingerprint;
};

std::vector<Vector> all_vectors() {
  const auto pwd = as_bytes(kSamplePassword);
  const std::vector<std::uint8_t> short_term(pwd.begin(), pwd.end());
  return {
      {&kSampleRequest, short_term, true},
      {&kSampleIpv4Response, short_term, true},
      {&kSampleIpv6Response, short_term, true},
      {&kSampleLongTermRequest, long_term_key(kLongTermUsername, kLongTermRealm, kLongTermPassword),
       false},
  };
}

// What a receiver would accept: parses, authenticates, and still carries a valid FINGERPRINT
// when the original had one.
bool accepted(const std::vector<std::uint8_t>& packet, const Vector& v) {
  const auto msg = parse_stun(packet);
  if (!msg || !check_integrity(packet, *msg, v.key)) return false;
  return !v.has_fingerprint || check_fingerprint(packet, *msg);
}

TEST(StunRobustness, VectorsAreAcceptedUnchanged) {
  for (const auto& v : all_vectors()) EXPECT_TRUE(accepted(*v.bytes, v));
}

TEST(StunRobustness, EveryTruncationIsRejected) {
  for (const auto& v : all_vectors()) {
    for (std::size_t n = 0; n < v.bytes->size(); ++n) {
      const std::vector<std::uint8_t> cut(v.bytes->begin(),
                                          v.bytes->begin() + static_cast<std::ptrdiff_t>(n));
      EXPECT_FALSE(parse_stun(cut)) << "length " << n;
    }
  }
}

TEST(StunRobustness, TrailingBytesAreRejected) {
  for (const auto& v : all_vectors()) {
    for (std::size_t extra = 1; extra <= 8; ++extra) {
      auto longer = *v.bytes;
      longer.resize(longer.size() + extra, 0);
      EXPECT_FALSE(parse_stun(longer)) << "extra " << extra;
    }
  }
}

TEST(StunRobustness, EverySingleByteChangeIsDetected) {
  for (const auto& v : all_vectors()) {
    for (std::size_t i = 0; i < v.bytes->size(); ++i) {
      for (const std::uint8_t mask : {0x01, 0x10, 0x80, 0xff}) {
        auto damaged = *v.bytes;
        damaged[i] ^= mask;
        EXPECT_FALSE(accepted(damaged, v)) << "byte " << i << " mask " << int{mask};
      }
    }
  }
}

TEST(StunRobustness, FingerprintAloneCatchesDamage) {
  // Without the key, FINGERPRINT alone still flags any change.
  for (std::size_t i = 0; i < kSampleIpv4Response.size(); ++i) {
    auto damaged = kSampleIpv4Response;
    damaged[i] ^= 0x04;
    const auto msg = parse_stun(damaged);
    if (msg) {
      EXPECT_FALSE(check_fingerprint(damaged, *msg)) << "byte " << i;
    }
  }
}

TEST(StunRobustness, RandomGarbageNeverCrashes) {
  std::mt19937 rng(5769);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::size_t> length(0, 200);
  int parsed = 0;
  for (int round = 0; round < 20000; ++round) {
    std::vector<std::uint8_t> packet(length(rng));
    for (auto& b : packet) b = static_cast<std::uint8_t>(byte(rng));
    // Half the time, make the header plausible so the attribute walk is exercised.
    if (round % 2 == 0 && packet.size() >= 20) {
      packet[0] &= 0x01;
      packet[2] = static_cast<std::uint8_t>((packet.size() - 20) >> 8);
      packet[3] = static_cast<std::uint8_t>(packet.size() - 20);
      packet[4] = 0x21;
      packet[5] = 0x12;
      packet[6] = 0xa4;
      packet[7] = 0x42;
    }
    const auto msg = parse_stun(packet);
    if (msg) {
      ++parsed;
      (void)check_integrity(packet, *msg, as_bytes("key"));
      (void)check_fingerprint(packet, *msg);
    }
  }
  SUCCEED() << parsed << " garbage packets happened to parse";
}

TEST(StunRobustness, RandomMutationsOfVectorsNeverCrash) {
  std::mt19937 rng(8489);
  for (const auto& v : all_vectors()) {
    for (int round = 0; round < 5000; ++round) {
      auto packet = *v.bytes;
      const int flips = 1 + static_cast<int>(rng() % 6);
      for (int f = 0; f < flips; ++f) {
        packet[rng() % packet.size()] = static_cast<std::uint8_t>(rng());
      }
      const auto msg = parse_stun(packet);
      if (msg) {
        (void)check_integrity(packet, *msg, v.key);
        (void)check_fingerprint(packet, *msg);
      }
    }
  }
}

TEST(StunRobustness, ChecksRejectOffsetsOutsideThePacket) {
  StunMessage msg;
  msg.integrity_offset = 100;
  msg.fingerprint_offset = 100;
  const std::vector<std::uint8_t> small(24, 0);
  EXPECT_FALSE(check_integrity(small, msg, as_bytes("k")));
  EXPECT_FALSE(check_fingerprint(small, msg));
  msg.integrity_offset = 4;  // inside the header
  msg.fingerprint_offset = 4;
  EXPECT_FALSE(check_integrity(small, msg, as_bytes("k")));
  EXPECT_FALSE(check_fingerprint(small, msg));
}

}  // namespace
}  // namespace bailanys::rtc::stun
