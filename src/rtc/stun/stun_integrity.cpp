#include "rtc/stun/stun_integrity.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "rtc/stun/stun_attributes.hpp"
#include "rtc/stun/stun_message.hpp"

namespace bailanys::rtc::stun {

std::optional<IntegrityDigest> integrity_digest(std::span<const std::uint8_t> prefix,
                                                std::span<const std::uint8_t> key) {
  if (prefix.size() < kHeaderSize || key.size() > INT_MAX) return std::nullopt;
  // §14.5: the length field must count up to the end of MESSAGE-INTEGRITY, even if more
  // attributes (FINGERPRINT) follow; hash a copy with the field rewritten.
  const std::size_t body = prefix.size() - kHeaderSize + kAttributeHeaderSize + kIntegritySize;
  if (body > 0xFFFF) return std::nullopt;
  std::vector<std::uint8_t> input(prefix.begin(), prefix.end());
  store_be16(&input[2], static_cast<std::uint16_t>(body));

  // OpenSSL rejects a null key pointer even with zero length on some 3.0 releases.
  static const std::uint8_t kNoKey = 0;
  IntegrityDigest digest{};
  unsigned int digest_len = 0;
  const unsigned char* result =
      HMAC(EVP_sha1(), key.empty() ? &kNoKey : key.data(), static_cast<int>(key.size()),
           input.data(), input.size(), digest.data(), &digest_len);
  if (result == nullptr || digest_len != digest.size()) return std::nullopt;
  return digest;
}

std::uint32_t fingerprint_value(std::span<const std::uint8_t> prefix) {
  // zlib's crc32 is the ISO/IEC 13239 CRC-32 that §14.7 asks for; feed it in uInt-sized parts.
  uLong crc = crc32(0L, Z_NULL, 0);
  std::size_t done = 0;
  while (done < prefix.size()) {
    const std::size_t part = std::min<std::size_t>(prefix.size() - done, UINT_MAX);
    crc = crc32(crc, prefix.data() + done, static_cast<uInt>(part));
    done += part;
  }
  return static_cast<std::uint32_t>(crc) ^ kFingerprintXor;
}

bool check_integrity(std::span<const std::uint8_t> packet, const StunMessage& msg,
                     std::span<const std::uint8_t> key) {
  if (!msg.integrity_offset) return false;
  const std::size_t at = *msg.integrity_offset;
  if (at < kHeaderSize || at + kAttributeHeaderSize + kIntegritySize > packet.size()) return false;
  const auto digest = integrity_digest(packet.first(at), key);
  if (!digest) return false;
  const std::uint8_t* received = packet.data() + at + kAttributeHeaderSize;
  // Constant time, so the response timing does not leak how much of a forged HMAC matched.
  return CRYPTO_memcmp(digest->data(), received, digest->size()) == 0;
}

bool check_fingerprint(std::span<const std::uint8_t> packet, const StunMessage& msg) {
  if (!msg.fingerprint_offset) return false;
  const std::size_t at = *msg.fingerprint_offset;
  if (at < kHeaderSize || at + kAttributeHeaderSize + kFingerprintSize > packet.size()) {
    return false;
  }
  return fingerprint_value(packet.first(at)) ==
         load_be32(packet.data() + at + kAttributeHeaderSize);
}

std::vector<std::uint8_t> long_term_key(std::string_view username, std::string_view realm,
                                        std::string_view password) {
  std::string input;
  input.reserve(username.size() + realm.size() + password.size() + 2);
  input.append(username).append(":").append(realm).append(":").append(password);
  std::vector<std::uint8_t> key(EVP_MAX_MD_SIZE);
  unsigned int key_len = 0;
  if (EVP_Digest(input.data(), input.size(), key.data(), &key_len, EVP_md5(), nullptr) != 1) {
    return {};
  }
  key.resize(key_len);
  return key;
}

}  // namespace bailanys::rtc::stun
