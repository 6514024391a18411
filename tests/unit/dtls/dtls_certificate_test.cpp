#include "rtc/dtls/dtls_certificate.hpp"
#include "rtc/dtls/dtls_fingerprint.hpp"

#include <gtest/gtest.h>
#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <unistd.h>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>

namespace bailanys::rtc::dtls {
namespace {

// The openssl command's answer for a PEM file, e.g. "sha256 Fingerprint=AB:CD:...".
std::string openssl_cli_fingerprint(const std::string& pem, const char* digest_flag) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("bailanys_dtls_cert_" + std::to_string(::getpid()) + ".pem");
  std::ofstream(path) << pem;
  const std::string command =
      "openssl x509 -in '" + path.string() + "' -noout -fingerprint " + digest_flag + " 2>&1";
  std::string output;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char line[512];
    while (std::fgets(line, sizeof line, pipe) != nullptr) output += line;
    ::pclose(pipe);
  }
  std::filesystem::remove(path);
  const auto equals = output.find('=');
  if (equals == std::string::npos) return "no answer: " + output;
  std::string value = output.substr(equals + 1);
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  return value;
}

TEST(DtlsCertificate, FingerprintMatchesTheOpensslTool) {
  const auto certificate = DtlsCertificate::generate();
  const std::string pem = certificate->certificate_pem();
  ASSERT_EQ(pem.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
  EXPECT_EQ(certificate->fingerprint_sha256(), openssl_cli_fingerprint(pem, "-sha256"));
  EXPECT_EQ(*certificate->fingerprint("sha-1"), openssl_cli_fingerprint(pem, "-sha1"));
  EXPECT_EQ(*certificate->fingerprint("sha-512"), openssl_cli_fingerprint(pem, "-sha512"));
}

TEST(DtlsCertificate, FingerprintFormat) {
  const auto certificate = DtlsCertificate::generate();
  // RFC 8122 §5: upper-case hex pairs joined by colons; 32 bytes for SHA-256.
  const std::string& text = certificate->fingerprint_sha256();
  ASSERT_EQ(text.size(), 32u * 3 - 1);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i % 3 == 2) {
      EXPECT_EQ(text[i], ':') << text;
    } else {
      EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(text[i])) ||
                  (text[i] >= 'A' && text[i] <= 'F'))
          << text;
    }
  }
  EXPECT_EQ(certificate->fingerprint("sha-1")->size(), 20u * 3 - 1);
  EXPECT_EQ(certificate->fingerprint("sha-384")->size(), 48u * 3 - 1);
  EXPECT_EQ(certificate->fingerprint("SHA-256"), certificate->fingerprint_sha256());
  EXPECT_FALSE(certificate->fingerprint("md5").has_value());
  EXPECT_FALSE(certificate->fingerprint("").has_value());
}

TEST(DtlsCertificate, IsASelfSignedP256CertificateForThirtyDays) {
  const auto certificate = DtlsCertificate::generate();
  X509* x = certificate->x509();
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(X509_get_version(x), X509_VERSION_3);

  EVP_PKEY* key = X509_get0_pubkey(x);
  ASSERT_NE(key, nullptr);
  EXPECT_TRUE(EVP_PKEY_is_a(key, "EC"));
  char group[64] = {};
  size_t group_length = 0;
  ASSERT_EQ(EVP_PKEY_get_group_name(key, group, sizeof group, &group_length), 1);
  EXPECT_STREQ(group, "prime256v1");
  EXPECT_EQ(X509_verify(x, certificate->private_key()), 1);  // signed by its own key
  EXPECT_EQ(X509_check_private_key(x, certificate->private_key()), 1);

  char name[128] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, name, sizeof name);
  EXPECT_STREQ(name, "bailanys");
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)), 0);

  // Not before: about a day ago. Not after: about 30 days from now.
  int days = 0;
  int seconds = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, nullptr, X509_get0_notBefore(x)), 1);
  EXPECT_NEAR(days * 86400.0 + seconds, -86400.0, 5.0) << days << "d " << seconds << "s";
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, nullptr, X509_get0_notAfter(x)), 1);
  EXPECT_NEAR(days * 86400.0 + seconds, 30 * 86400.0, 5.0);

  BIGNUM* serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), nullptr);
  ASSERT_NE(serial, nullptr);
  EXPECT_FALSE(BN_is_negative(serial));
  EXPECT_FALSE(BN_is_zero(serial));
  EXPECT_LE(BN_num_bits(serial), 63);
  BN_free(serial);
}

TEST(DtlsCertificate, EachOneIsNew) {
  const auto a = DtlsCertificate::generate();
  const auto b = DtlsCertificate::generate();
  EXPECT_NE(a->fingerprint_sha256(), b->fingerprint_sha256());
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(a->x509()), X509_get0_serialNumber(b->x509())),
            0);
}

TEST(DtlsFingerprint, ComparisonIgnoresCaseOnly) {
  EXPECT_TRUE(fingerprints_equal("AB:CD:EF", "ab:cd:ef"));
  EXPECT_FALSE(fingerprints_equal("AB:CD:EF", "AB:CD:EE"));
  EXPECT_FALSE(fingerprints_equal("AB:CD:EF", "ABCDEF"));
  EXPECT_FALSE(fingerprints_equal("", ""));
  EXPECT_EQ(fingerprint_digest("Sha-256"), EVP_sha256());
  EXPECT_EQ(fingerprint_digest("sha-1"), EVP_sha1());
  EXPECT_EQ(fingerprint_digest("sha-384"), EVP_sha384());
  EXPECT_EQ(fingerprint_digest("sha-512"), EVP_sha512());
  EXPECT_EQ(fingerprint_digest("md5"), nullptr);
  EXPECT_EQ(fingerprint_digest("sha256"), nullptr);  // RFC 8122 spells it "sha-256"
  EXPECT_FALSE(certificate_fingerprint(nullptr, "sha-256").has_value());
}

}  // namespace
}  // namespace bailanys::rtc::dtls
