#include "rtc/srtp/srtp_kdf.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <memory>

namespace bailanys::rtc::srtp {

namespace {

struct CipherContextFree {
  void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};

}  // namespace

SrtpSessionKeys::~SrtpSessionKeys() {
  OPENSSL_cleanse(cipher_key.data(), cipher_key.size());
  OPENSSL_cleanse(salt.data(), salt.size());
  OPENSSL_cleanse(auth_key.data(), auth_key.size());
}

bool srtp_kdf(std::span<const std::uint8_t> master_key, std::span<const std::uint8_t> master_salt,
              SrtpKdfLabel label, std::span<std::uint8_t> out) {
  if (master_key.size() != kSrtpMasterKeySize || master_salt.size() > kSrtpMaxSaltSize ||
      master_salt.size() < 12 || out.empty() || out.size() > 4096) {
    return false;
  }
  // x = key_id XOR master_salt, key_id = label || r with r = 0 (48 bits) and both right-aligned
  // in 112 bits: the label lands in byte 7. The AES-CM IV is x * 2^16.
  std::array<std::uint8_t, 16> iv{};
  std::copy(master_salt.begin(), master_salt.end(), iv.begin());
  iv[7] ^= static_cast<std::uint8_t>(label);

  const std::unique_ptr<EVP_CIPHER_CTX, CipherContextFree> context(EVP_CIPHER_CTX_new());
  if (!context || EVP_EncryptInit_ex(context.get(), EVP_aes_128_ctr(), nullptr, master_key.data(),
                                     iv.data()) != 1) {
    return false;
  }
  // The key stream is AES-CTR over zeros.
  std::fill(out.begin(), out.end(), std::uint8_t{0});
  int written = 0;
  return EVP_EncryptUpdate(context.get(), out.data(), &written, out.data(),
                           static_cast<int>(out.size())) == 1 &&
         static_cast<std::size_t>(written) == out.size();
}

bool derive_srtp_session_keys(SrtpProfile profile, std::span<const std::uint8_t> master_key,
                              std::span<const std::uint8_t> master_salt, bool rtcp,
                              SrtpSessionKeys& keys) {
  if (master_salt.size() != srtp_salt_length(profile)) return false;
  const auto cipher_label = rtcp ? SrtpKdfLabel::RtcpCipherKey : SrtpKdfLabel::RtpCipherKey;
  const auto auth_label = rtcp ? SrtpKdfLabel::RtcpAuthKey : SrtpKdfLabel::RtpAuthKey;
  const auto salt_label = rtcp ? SrtpKdfLabel::RtcpSalt : SrtpKdfLabel::RtpSalt;
  const bool gcm = profile == SrtpProfile::AeadAes128Gcm;
  // The session salt is as long as the master salt: 12 bytes for GCM, 14 for AES-CM.
  if (!srtp_kdf(master_key, master_salt, cipher_label, keys.cipher_key) ||
      !srtp_kdf(master_key, master_salt, salt_label,
                std::span(keys.salt).first(master_salt.size()))) {
    return false;
  }
  return gcm || srtp_kdf(master_key, master_salt, auth_label, keys.auth_key);
}

}  // namespace bailanys::rtc::srtp
