// Certificate fingerprints as SDP carries them (RFC 8122 §5, "a=fingerprint:sha-256 AB:CD:...").
// With self-signed certificates the fingerprint is the only trust anchor (RFC 8827 §6.5).
#pragma once

#include <openssl/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace bailanys::rtc::dtls {

// "sha-1", "sha-224", "sha-256", "sha-384", "sha-512" in any case; nullptr for anything else
// (RFC 8122 still lists md5/md2, which we refuse).
const EVP_MD* fingerprint_digest(std::string_view algorithm);

// Upper-case hex pairs separated by colons over the DER certificate; nullopt for an unknown
// algorithm or an OpenSSL failure.
std::optional<std::string> certificate_fingerprint(X509* certificate, std::string_view algorithm);

// Case-insensitive comparison of two "AB:CD:..." strings (RFC 8122 §5 hex is case-insensitive).
bool fingerprints_equal(std::string_view a, std::string_view b);

}  // namespace bailanys::rtc::dtls
