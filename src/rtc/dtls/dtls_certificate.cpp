#include "rtc/dtls/dtls_certificate.hpp"

#include "rtc/dtls/dtls_fingerprint.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <stdexcept>

namespace bailanys::rtc::dtls {

namespace {

constexpr long kOneDaySeconds = 24L * 60 * 60;
constexpr long kValidDays = 30;
constexpr int kSerialBits = 63;  // positive and well under RFC 5280 §4.1.2.2's 20 octets

[[noreturn]] void fail(const char* what) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  throw std::runtime_error(std::string("DTLS certificate: ") + what +
                           (reason != nullptr ? std::string(": ") + reason : std::string()));
}

void set_random_serial(X509* certificate) {
  BIGNUM* serial = BN_new();
  const bool ok = serial != nullptr &&
                  BN_rand(serial, kSerialBits, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
                  BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(certificate)) != nullptr;
  BN_free(serial);
  if (!ok) fail("random serial");
}

}  // namespace

std::shared_ptr<const DtlsCertificate> DtlsCertificate::generate() {
  // P-256: what browsers generate themselves and every WebRTC stack accepts.
  PrivateKeyHandle key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) fail("EC key generation");

  X509Handle certificate(X509_new());
  if (!certificate) fail("X509_new");
  X509* x = certificate.get();
  if (X509_set_version(x, X509_VERSION_3) != 1) fail("version");
  set_random_serial(x);
  // Valid from yesterday so a peer whose clock is behind ours still accepts it (browsers do
  // check validity even for self-signed DTLS certificates).
  if (X509_gmtime_adj(X509_getm_notBefore(x), -kOneDaySeconds) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(x), kValidDays * kOneDaySeconds) == nullptr) {
    fail("validity");
  }
  X509_NAME* name = X509_get_subject_name(x);
  static constexpr unsigned char kCommonName[] = "bailanys";
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, kCommonName, -1, -1, 0) != 1 ||
      X509_set_issuer_name(x, name) != 1 || X509_set_pubkey(x, key.get()) != 1) {
    fail("name or public key");
  }
  if (X509_sign(x, key.get(), EVP_sha256()) <= 0) fail("self-signature");

  auto fingerprint = certificate_fingerprint(x, "sha-256");
  if (!fingerprint) fail("fingerprint");
  return std::shared_ptr<const DtlsCertificate>(
      new DtlsCertificate(std::move(certificate), std::move(key), std::move(*fingerprint)));
}

DtlsCertificate::DtlsCertificate(X509Handle certificate, PrivateKeyHandle key,
                                 std::string fingerprint_sha256)
    : certificate_(std::move(certificate)),
      key_(std::move(key)),
      fingerprint_sha256_(std::move(fingerprint_sha256)) {}

std::optional<std::string> DtlsCertificate::fingerprint(std::string_view algorithm) const {
  return certificate_fingerprint(certificate_.get(), algorithm);
}

std::string DtlsCertificate::certificate_pem() const {
  BioHandle bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), certificate_.get()) != 1) {
    ERR_clear_error();
    return {};
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

}  // namespace bailanys::rtc::dtls
