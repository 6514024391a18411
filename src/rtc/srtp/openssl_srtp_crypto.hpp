// The three OpenSSL primitives SRTP needs, each keyed once and reused for every packet: no
// allocation and no key schedule on the packet path, only a new IV (or a reset MAC) per call.
//   AesGcm128:  AEAD_AES_128_GCM with a 12-byte IV and a 16-byte tag (RFC 7714).
//   AesCtr128:  AES-128 in counter mode from a 16-byte initial counter (RFC 3711 §4.1.1).
//   HmacSha1:   HMAC-SHA1 (RFC 3711 §4.2.1) over up to two pieces.
// Every call returns false instead of throwing; lengths are at most 65536 (checked by callers).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

// OpenSSL's types, kept out of this header.
struct evp_cipher_ctx_st;
struct evp_mac_ctx_st;

namespace bailanys::rtc::srtp {

struct OpenSslCipherContextFree {
  void operator()(evp_cipher_ctx_st* context) const;
};
struct OpenSslMacContextFree {
  void operator()(evp_mac_ctx_st* context) const;
};

class AesGcm128 {
 public:
  static constexpr std::size_t kIvSize = 12;
  static constexpr std::size_t kTagSize = 16;
  using Iv = std::array<std::uint8_t, kIvSize>;

  // One direction: a sealing context or an opening one.
  bool init(std::span<const std::uint8_t> key, bool seal);

  // Encrypts `data` in place, authenticates `aad_1 || aad_2` and the ciphertext, writes the tag.
  bool seal(const Iv& iv, std::span<const std::uint8_t> aad_1, std::span<const std::uint8_t> aad_2,
            std::span<std::uint8_t> data, std::span<std::uint8_t, kTagSize> tag);
  // Decrypts `data` in place; false when the tag does not match (the bytes are then garbage).
  bool open(const Iv& iv, std::span<const std::uint8_t> aad_1, std::span<const std::uint8_t> aad_2,
            std::span<std::uint8_t> data, std::span<const std::uint8_t, kTagSize> tag);

 private:
  bool start(const Iv& iv, std::span<const std::uint8_t> aad_1,
             std::span<const std::uint8_t> aad_2);

  std::unique_ptr<evp_cipher_ctx_st, OpenSslCipherContextFree> context_;
};

class AesCtr128 {
 public:
  using Iv = std::array<std::uint8_t, 16>;

  bool init(std::span<const std::uint8_t> key);
  // XORs the key stream that starts at counter `iv` into `data`.
  bool apply(const Iv& iv, std::span<std::uint8_t> data);

 private:
  std::unique_ptr<evp_cipher_ctx_st, OpenSslCipherContextFree> context_;
};

class HmacSha1 {
 public:
  static constexpr std::size_t kSize = 20;
  using Digest = std::array<std::uint8_t, kSize>;

  bool init(std::span<const std::uint8_t> key);
  // HMAC(key, part_1 || part_2).
  bool compute(std::span<const std::uint8_t> part_1, std::span<const std::uint8_t> part_2,
               Digest& out);

 private:
  std::unique_ptr<evp_mac_ctx_st, OpenSslMacContextFree> context_;
};

}  // namespace bailanys::rtc::srtp
