// SRTP master keys from a finished DTLS handshake (RFC 5764 §4.2).
#pragma once

#include "rtc/dtls/dtls_types.hpp"

#include <openssl/types.h>

#include <cstdint>
#include <optional>
#include <span>

namespace bailanys::rtc::dtls {

// RFC 5764 §4.2: the exporter output is client_write_key | server_write_key |
// client_write_salt | server_write_salt. The local role writes with its own half.
// nullopt when `material` is not exactly 2 * (key + salt) bytes for the profile.
std::optional<SrtpKeyMaterial> split_srtp_keying_material(srtp::SrtpProfile profile,
                                                          std::span<const std::uint8_t> material,
                                                          DtlsRole local_role);

// Runs the "EXTRACTOR-dtls_srtp" exporter (RFC 5705) on a finished handshake for `profile`.
std::optional<SrtpKeyMaterial> export_srtp_keys(SSL* ssl, srtp::SrtpProfile profile,
                                                DtlsRole local_role);

}  // namespace bailanys::rtc::dtls
