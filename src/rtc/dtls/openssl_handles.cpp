#include "rtc/dtls/openssl_handles.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace bailanys::rtc::dtls {

void OpenSslFree::operator()(SSL* p) const { SSL_free(p); }
void OpenSslFree::operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
void OpenSslFree::operator()(X509* p) const { X509_free(p); }
void OpenSslFree::operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
void OpenSslFree::operator()(BIO* p) const { BIO_free(p); }

}  // namespace bailanys::rtc::dtls
