// An independent SRTP/SRTCP sender built only from OpenSSL EVP primitives, to check what libsrtp
// produces. It follows the RFCs, not libsrtp's code:
//   RFC 3711 §4.3.1 key derivation (kdr = 0), §4.1.1 AES-CM, §4.2 HMAC-SHA1, §3.4 SRTCP trailer;
//   RFC 7714 §8.1/§9.1 AES-GCM IVs and AAD, §11 + errata 4938 (12-byte salt padded to 14 for the
//   KDF).
// Written for tests: throws on OpenSSL failure, no attention to speed.
#pragma once

#include "srtp_test_packets.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>

namespace bailanys::rtc::srtp::reference {

using testing::Bytes;

struct CipherContextFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextFree>;

inline void check(int ok, const char* what) {
  if (ok != 1) throw std::runtime_error(what);
}

// AES-128 in counter mode from a 16-byte initial counter block (RFC 3711 §4.1.1).
inline Bytes aes_ctr(std::span<const std::uint8_t> key, const std::array<std::uint8_t, 16>& iv,
                     std::span<const std::uint8_t> input) {
  CipherContext ctx(EVP_CIPHER_CTX_new());
  check(EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_ctr(), nullptr, key.data(), iv.data()),
        "ctr init");
  Bytes out(input.size() + 16);
  int n = 0;
  check(EVP_EncryptUpdate(ctx.get(), out.data(), &n, input.data(), static_cast<int>(input.size())),
        "ctr update");
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// RFC 3711 §4.3.1 with key_derivation_rate 0: x = (label << 48) XOR master_salt, and the key
// stream of AES-CM(master_key, x * 2^16). `master_salt` is 14 bytes.
inline Bytes derive(std::span<const std::uint8_t> master_key,
                    std::span<const std::uint8_t> master_salt, std::uint8_t label,
                    std::size_t length) {
  std::array<std::uint8_t, 16> iv{};
  for (std::size_t i = 0; i < 14; ++i) iv[i] = master_salt[i];
  iv[7] ^= label;
  return aes_ctr(master_key, iv, Bytes(length, 0));
}

struct SessionKeys {
  Bytes cipher_key;
  Bytes cipher_salt;  // 14 bytes for AES-CM, 12 for AES-GCM
  Bytes auth_key;     // 20 bytes for HMAC-SHA1, empty for AES-GCM
};

// Labels 0,1,2 for SRTP and 3,4,5 for SRTCP (RFC 3711 §4.3.2).
inline SessionKeys derive_session_keys(bool gcm, std::span<const std::uint8_t> master_key,
                                       std::span<const std::uint8_t> master_salt, bool rtcp) {
  Bytes salt14(master_salt.begin(), master_salt.end());
  salt14.resize(14, 0);  // RFC 7714 errata 4938: the 96-bit salt times 2^16
  const std::uint8_t base = rtcp ? 3 : 0;
  SessionKeys keys;
  keys.cipher_key = derive(master_key, salt14, base, 16);
  keys.cipher_salt = derive(master_key, salt14, static_cast<std::uint8_t>(base + 2), gcm ? 12 : 14);
  if (!gcm) keys.auth_key = derive(master_key, salt14, static_cast<std::uint8_t>(base + 1), 20);
  return keys;
}

// Fixed header, CSRCs and the header extension: what AES-CM leaves clear and AES-GCM authenticates.
inline std::size_t rtp_header_length(std::span<const std::uint8_t> packet) {
  std::size_t length = 12 + 4 * (packet[0] & 0x0f);
  if ((packet[0] & 0x10) != 0) {
    length += 4 + 4 * ((std::size_t{packet[length + 2]} << 8) | packet[length + 3]);
  }
  return length;
}

inline std::uint32_t ssrc_at(std::span<const std::uint8_t> packet, std::size_t offset) {
  return (std::uint32_t{packet[offset]} << 24) | (std::uint32_t{packet[offset + 1]} << 16) |
         (std::uint32_t{packet[offset + 2]} << 8) | packet[offset + 3];
}

inline Bytes hmac_sha1_80(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
  Bytes tag(EVP_MAX_MD_SIZE);
  unsigned int n = 0;
  if (HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), data.data(), data.size(),
           tag.data(), &n) == nullptr) {
    throw std::runtime_error("hmac");
  }
  tag.resize(10);  // RFC 3711 §4.2: the 80-bit tag is the leftmost bits
  return tag;
}

// RFC 3711 §4.1.1: IV = (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16), index 48 bits.
inline std::array<std::uint8_t, 16> aes_cm_iv(std::span<const std::uint8_t> salt14,
                                              std::uint32_t ssrc, std::uint64_t index) {
  std::array<std::uint8_t, 16> iv{};
  for (std::size_t i = 0; i < 14; ++i) iv[i] = salt14[i];
  for (int i = 0; i < 4; ++i) iv[4 + i] ^= static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
  for (int i = 0; i < 6; ++i) iv[8 + i] ^= static_cast<std::uint8_t>(index >> (40 - 8 * i));
  return iv;
}

// AES_CM_128_HMAC_SHA1_80 SRTP; the index is ROC * 2^16 + SEQ (RFC 3711 §3.3.1).
inline Bytes protect_rtp_cm(const SessionKeys& keys, std::span<const std::uint8_t> packet,
                            std::uint32_t roc) {
  const std::size_t header = rtp_header_length(packet);
  const std::uint64_t index = (std::uint64_t{roc} << 16) | ((packet[2] << 8) | packet[3]);
  Bytes out(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(header));
  const Bytes encrypted =
      aes_ctr(keys.cipher_key, aes_cm_iv(keys.cipher_salt, ssrc_at(packet, 8), index),
              packet.subspan(header));
  out.insert(out.end(), encrypted.begin(), encrypted.end());
  // §4.2: the tag covers the packet and the ROC, which is not sent.
  Bytes authenticated = out;
  for (int i = 0; i < 4; ++i)
    authenticated.push_back(static_cast<std::uint8_t>(roc >> (24 - 8 * i)));
  const Bytes tag = hmac_sha1_80(keys.auth_key, authenticated);
  out.insert(out.end(), tag.begin(), tag.end());
  return out;
}

// AES_CM_128_HMAC_SHA1_80 SRTCP with E=1 (RFC 3711 §3.4): header | encrypted | E+index | tag.
inline Bytes protect_rtcp_cm(const SessionKeys& keys, std::span<const std::uint8_t> packet,
                             std::uint32_t index) {
  Bytes out(packet.begin(), packet.begin() + 8);
  const Bytes encrypted = aes_ctr(
      keys.cipher_key, aes_cm_iv(keys.cipher_salt, ssrc_at(packet, 4), index), packet.subspan(8));
  out.insert(out.end(), encrypted.begin(), encrypted.end());
  const std::uint32_t e_and_index = 0x80000000u | index;
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(e_and_index >> (24 - 8 * i)));
  const Bytes tag = hmac_sha1_80(keys.auth_key, out);
  out.insert(out.end(), tag.begin(), tag.end());
  return out;
}

// AES-128-GCM with a 16-byte tag appended to the ciphertext.
inline Bytes aes_gcm_seal(std::span<const std::uint8_t> key, const std::array<std::uint8_t, 12>& iv,
                          std::span<const std::uint8_t> aad, std::span<const std::uint8_t> plain) {
  CipherContext ctx(EVP_CIPHER_CTX_new());
  check(EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, nullptr, nullptr), "gcm init");
  check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, 12, nullptr), "gcm ivlen");
  check(EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), iv.data()), "gcm key");
  int n = 0;
  check(EVP_EncryptUpdate(ctx.get(), nullptr, &n, aad.data(), static_cast<int>(aad.size())), "aad");
  Bytes out(plain.size() + 16);
  check(EVP_EncryptUpdate(ctx.get(), out.data(), &n, plain.data(), static_cast<int>(plain.size())),
        "gcm update");
  int tail = 0;
  check(EVP_EncryptFinal_ex(ctx.get(), out.data() + n, &tail), "gcm final");
  const std::size_t cipher_size = static_cast<std::size_t>(n + tail);
  check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, out.data() + cipher_size), "tag");
  out.resize(cipher_size + 16);
  return out;
}

// RFC 7714 §8.1: IV = (00 00 || SSRC || ROC || SEQ) XOR salt; AAD = the whole RTP header.
inline Bytes protect_rtp_gcm(const SessionKeys& keys, std::span<const std::uint8_t> packet,
                             std::uint32_t roc) {
  const std::size_t header = rtp_header_length(packet);
  std::array<std::uint8_t, 12> iv{};
  for (int i = 0; i < 4; ++i) iv[2 + i] = packet[8 + i];
  for (int i = 0; i < 4; ++i) iv[6 + i] = static_cast<std::uint8_t>(roc >> (24 - 8 * i));
  iv[10] = packet[2];
  iv[11] = packet[3];
  for (std::size_t i = 0; i < 12; ++i) iv[i] ^= keys.cipher_salt[i];
  Bytes out(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(header));
  const Bytes sealed =
      aes_gcm_seal(keys.cipher_key, iv, packet.first(header), packet.subspan(header));
  out.insert(out.end(), sealed.begin(), sealed.end());
  return out;
}

// RFC 7714 §9.1/§9.2: IV = (00 00 || SSRC || 00 00 || 0 || index) XOR salt;
// AAD = first 8 octets || E+index; wire = header | ciphertext | tag | E+index.
inline Bytes protect_rtcp_gcm(const SessionKeys& keys, std::span<const std::uint8_t> packet,
                              std::uint32_t index) {
  std::array<std::uint8_t, 12> iv{};
  for (int i = 0; i < 4; ++i) iv[2 + i] = packet[4 + i];
  for (int i = 0; i < 4; ++i) iv[8 + i] = static_cast<std::uint8_t>(index >> (24 - 8 * i));
  for (std::size_t i = 0; i < 12; ++i) iv[i] ^= keys.cipher_salt[i];
  const std::uint32_t e_and_index = 0x80000000u | index;
  Bytes trailer;
  for (int i = 0; i < 4; ++i)
    trailer.push_back(static_cast<std::uint8_t>(e_and_index >> (24 - 8 * i)));
  Bytes aad(packet.begin(), packet.begin() + 8);
  aad.insert(aad.end(), trailer.begin(), trailer.end());
  Bytes out(packet.begin(), packet.begin() + 8);
  const Bytes sealed = aes_gcm_seal(keys.cipher_key, iv, aad, packet.subspan(8));
  out.insert(out.end(), sealed.begin(), sealed.end());
  out.insert(out.end(), trailer.begin(), trailer.end());
  return out;
}

}  // namespace bailanys::rtc::srtp::reference
