// The server's DTLS identity: an ECDSA P-256 key and a self-signed certificate whose SHA-256
// fingerprint goes into every SDP answer/offer (RFC 8827 §6.5, RFC 8122).
#pragma once

#include "rtc/dtls/openssl_handles.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace bailanys::rtc::dtls {

// Immutable once generated; one may be shared by every transport on every media worker.
class DtlsCertificate {
 public:
  // ECDSA P-256, self-signed, random positive 63-bit serial, CN "bailanys", valid from yesterday
  // (clock skew) for 30 days. Throws std::runtime_error on failure (a start-up path).
  static std::shared_ptr<const DtlsCertificate> generate();

  // "AB:CD:..." upper-case hex with colons: the value of a=fingerprint:sha-256.
  [[nodiscard]] const std::string& fingerprint_sha256() const { return fingerprint_sha256_; }
  // The same with another hash ("sha-1", "sha-384", "sha-512"); nullopt for an unknown one.
  [[nodiscard]] std::optional<std::string> fingerprint(std::string_view algorithm) const;
  // The certificate in PEM, for logs and for checking with the openssl tool.
  [[nodiscard]] std::string certificate_pem() const;

  // Owned here and valid as long as this object; OpenSSL reference-counts them when an SSL_CTX
  // takes them, so a context may outlive the certificate.
  [[nodiscard]] X509* x509() const { return certificate_.get(); }
  [[nodiscard]] EVP_PKEY* private_key() const { return key_.get(); }

 private:
  DtlsCertificate(X509Handle certificate, PrivateKeyHandle key, std::string fingerprint_sha256);

  X509Handle certificate_;
  PrivateKeyHandle key_;
  std::string fingerprint_sha256_;
};

}  // namespace bailanys::rtc::dtls
