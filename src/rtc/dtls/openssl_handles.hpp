// unique_ptr aliases for the OpenSSL objects this module owns.
#pragma once

#include <openssl/types.h>

#include <memory>

namespace bailanys::rtc::dtls {

struct OpenSslFree {
  void operator()(SSL* p) const;
  void operator()(SSL_CTX* p) const;
  void operator()(X509* p) const;
  void operator()(EVP_PKEY* p) const;
  void operator()(BIO* p) const;
};

using SslHandle = std::unique_ptr<SSL, OpenSslFree>;
using SslContextHandle = std::unique_ptr<SSL_CTX, OpenSslFree>;
using X509Handle = std::unique_ptr<X509, OpenSslFree>;
using PrivateKeyHandle = std::unique_ptr<EVP_PKEY, OpenSslFree>;
using BioHandle = std::unique_ptr<BIO, OpenSslFree>;

}  // namespace bailanys::rtc::dtls
