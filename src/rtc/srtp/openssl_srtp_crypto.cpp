#include "rtc/srtp/openssl_srtp_crypto.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>

namespace bailanys::rtc::srtp {

namespace {

int int_size(std::size_t size) { return static_cast<int>(size); }

}  // namespace

void OpenSslCipherContextFree::operator()(evp_cipher_ctx_st* context) const {
  EVP_CIPHER_CTX_free(context);
}

void OpenSslMacContextFree::operator()(evp_mac_ctx_st* context) const { EVP_MAC_CTX_free(context); }

bool AesGcm128::init(std::span<const std::uint8_t> key, bool seal) {
  if (key.size() != 16) return false;
  context_.reset(EVP_CIPHER_CTX_new());
  if (!context_) return false;
  // The key schedule (and GHASH key) once; each packet then only sets its IV. 12 bytes is GCM's
  // default IV length.
  return EVP_CipherInit_ex(context_.get(), EVP_aes_128_gcm(), nullptr, key.data(), nullptr,
                           seal ? 1 : 0) == 1;
}

bool AesGcm128::start(const Iv& iv, std::span<const std::uint8_t> aad_1,
                      std::span<const std::uint8_t> aad_2) {
  if (!context_) return false;
  if (EVP_CipherInit_ex(context_.get(), nullptr, nullptr, nullptr, iv.data(), -1) != 1) {
    return false;
  }
  int written = 0;
  for (const auto aad : {aad_1, aad_2}) {
    if (aad.empty()) continue;
    if (EVP_CipherUpdate(context_.get(), nullptr, &written, aad.data(), int_size(aad.size())) !=
        1) {
      return false;
    }
  }
  return true;
}

bool AesGcm128::seal(const Iv& iv, std::span<const std::uint8_t> aad_1,
                     std::span<const std::uint8_t> aad_2, std::span<std::uint8_t> data,
                     std::span<std::uint8_t, kTagSize> tag) {
  if (!start(iv, aad_1, aad_2)) return false;
  int written = 0;
  if (!data.empty() && EVP_CipherUpdate(context_.get(), data.data(), &written, data.data(),
                                        int_size(data.size())) != 1) {
    return false;
  }
  int tail = 0;  // GCM is a stream mode: nothing is held back
  if (EVP_CipherFinal_ex(context_.get(), nullptr, &tail) != 1) return false;
  // The provider's parameter directly: EVP_CIPHER_CTX_ctrl would build the same array per call.
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag.data(), kTagSize),
      OSSL_PARAM_construct_end(),
  };
  return EVP_CIPHER_CTX_get_params(context_.get(), params) == 1;
}

bool AesGcm128::open(const Iv& iv, std::span<const std::uint8_t> aad_1,
                     std::span<const std::uint8_t> aad_2, std::span<std::uint8_t> data,
                     std::span<const std::uint8_t, kTagSize> tag) {
  if (!start(iv, aad_1, aad_2)) return false;
  int written = 0;
  if (!data.empty() && EVP_CipherUpdate(context_.get(), data.data(), &written, data.data(),
                                        int_size(data.size())) != 1) {
    return false;
  }
  // OpenSSL takes the expected tag through a non-const pointer; it only reads it.
  std::array<std::uint8_t, kTagSize> expected{};
  std::copy(tag.begin(), tag.end(), expected.begin());
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, expected.data(), kTagSize),
      OSSL_PARAM_construct_end(),
  };
  int tail = 0;
  return EVP_CIPHER_CTX_set_params(context_.get(), params) == 1 &&
         EVP_CipherFinal_ex(context_.get(), nullptr, &tail) == 1;
}

bool AesCtr128::init(std::span<const std::uint8_t> key) {
  if (key.size() != 16) return false;
  context_.reset(EVP_CIPHER_CTX_new());
  return context_ &&
         EVP_EncryptInit_ex(context_.get(), EVP_aes_128_ctr(), nullptr, key.data(), nullptr) == 1;
}

bool AesCtr128::apply(const Iv& iv, std::span<std::uint8_t> data) {
  if (!context_) return false;
  if (EVP_EncryptInit_ex(context_.get(), nullptr, nullptr, nullptr, iv.data()) != 1) return false;
  int written = 0;
  return data.empty() || EVP_EncryptUpdate(context_.get(), data.data(), &written, data.data(),
                                           int_size(data.size())) == 1;
}

bool HmacSha1::init(std::span<const std::uint8_t> key) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr);
  if (mac == nullptr) return false;
  context_.reset(EVP_MAC_CTX_new(mac));
  EVP_MAC_free(mac);  // the context keeps its own reference
  if (!context_) return false;
  char digest[] = OSSL_DIGEST_NAME_SHA1;
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end(),
  };
  return EVP_MAC_init(context_.get(), key.data(), key.size(), params) == 1;
}

bool HmacSha1::compute(std::span<const std::uint8_t> part_1, std::span<const std::uint8_t> part_2,
                       Digest& out) {
  if (!context_) return false;
  // A null key restarts the MAC with the key given to init (the inner and outer pads are kept).
  if (EVP_MAC_init(context_.get(), nullptr, 0, nullptr) != 1) return false;
  if (EVP_MAC_update(context_.get(), part_1.data(), part_1.size()) != 1) return false;
  if (!part_2.empty() && EVP_MAC_update(context_.get(), part_2.data(), part_2.size()) != 1) {
    return false;
  }
  std::size_t written = 0;
  return EVP_MAC_final(context_.get(), out.data(), &written, out.size()) == 1 &&
         written == out.size();
}

}  // namespace bailanys::rtc::srtp
