#include "rtc/dtls/dtls_fingerprint.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <array>
#include <cctype>

namespace bailanys::rtc::dtls {

namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) !=
        std::toupper(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

const EVP_MD* fingerprint_digest(std::string_view algorithm) {
  if (equal_ignoring_case(algorithm, "sha-256")) return EVP_sha256();
  if (equal_ignoring_case(algorithm, "sha-1")) return EVP_sha1();
  if (equal_ignoring_case(algorithm, "sha-384")) return EVP_sha384();
  if (equal_ignoring_case(algorithm, "sha-512")) return EVP_sha512();
  if (equal_ignoring_case(algorithm, "sha-224")) return EVP_sha224();
  return nullptr;
}

std::optional<std::string> certificate_fingerprint(X509* certificate, std::string_view algorithm) {
  const EVP_MD* digest = fingerprint_digest(algorithm);
  if (certificate == nullptr || digest == nullptr) return std::nullopt;
  std::array<unsigned char, EVP_MAX_MD_SIZE> hash{};
  unsigned int length = 0;
  if (X509_digest(certificate, digest, hash.data(), &length) != 1) return std::nullopt;

  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string text;
  text.reserve(std::size_t{length} * 3);
  for (unsigned int i = 0; i < length; ++i) {
    if (i > 0) text.push_back(':');
    text.push_back(kHex[hash[i] >> 4]);
    text.push_back(kHex[hash[i] & 0x0f]);
  }
  return text;
}

bool fingerprints_equal(std::string_view a, std::string_view b) {
  return !a.empty() && equal_ignoring_case(a, b);
}

}  // namespace bailanys::rtc::dtls
