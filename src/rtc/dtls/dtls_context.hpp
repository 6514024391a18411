// The OpenSSL configuration WebRTC needs for DTLS-SRTP (RFC 8827 §6.5, RFC 8842).
#pragma once

#include "rtc/dtls/dtls_certificate.hpp"
#include "rtc/dtls/openssl_handles.hpp"

namespace bailanys::rtc::dtls {

// DTLS 1.2 only; ECDHE-ECDSA with AES-GCM or ChaCha20-Poly1305; X25519 then P-256; our
// certificate; the peer must present a certificate, which any chain check accepts (the
// fingerprint from the SDP is checked after the handshake); no tickets, session cache,
// renegotiation or MTU probing. nullptr if OpenSSL refuses any of it.
SslContextHandle make_dtls_context(const DtlsCertificate& certificate);

}  // namespace bailanys::rtc::dtls
