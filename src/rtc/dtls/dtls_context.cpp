#include "rtc/dtls/dtls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace bailanys::rtc::dtls {

namespace {

// Chromium and Firefox offer these; all forward-secret AEAD suites for an ECDSA certificate.
constexpr const char* kCipherSuites =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305";
constexpr const char* kGroups = "X25519:P-256";

// Self-signed certificates have no chain to check: RFC 8122 §6.2 and RFC 8827 §6.5 trust
// the certificate whose fingerprint the signalling delivered, which we compare ourselves.
int accept_peer_certificate(int /*preverify_ok*/, X509_STORE_CTX* /*store*/) { return 1; }

}  // namespace

SslContextHandle make_dtls_context(const DtlsCertificate& certificate) {
  SslContextHandle context(SSL_CTX_new(DTLS_method()));
  SSL_CTX* ctx = context.get();
  // DTLS 1.3 is not in OpenSSL 3.0 and Chromium falls back to 1.2 anyway; 1.0 is obsolete
  // (RFC 8996).
  const bool ok = ctx != nullptr && SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) == 1 &&
                  SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION) == 1 &&
                  SSL_CTX_use_certificate(ctx, certificate.x509()) == 1 &&
                  SSL_CTX_use_PrivateKey(ctx, certificate.private_key()) == 1 &&
                  SSL_CTX_check_private_key(ctx) == 1 &&
                  SSL_CTX_set_cipher_list(ctx, kCipherSuites) == 1 &&
                  SSL_CTX_set1_groups_list(ctx, kGroups) == 1;
  if (!ok) {
    ERR_clear_error();
    return nullptr;
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                     accept_peer_certificate);
  // Every association is new: resumption would skip the certificate and its fingerprint.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_QUERY_MTU |
                               SSL_OP_CIPHER_SERVER_PREFERENCE);
  return context;
}

}  // namespace bailanys::rtc::dtls
