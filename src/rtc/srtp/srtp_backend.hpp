// Which implementation protects the packets: our own SRTP on OpenSSL EVP (openssl_srtp_session)
// or libsrtp2 (libsrtp_session), the library Janus and the browsers use. Both speak the same wire
// format and interoperate; the choice is a matter of speed (docs/BENCHMARKS.md, "SRTP backends").
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace bailanys::rtc::srtp {

enum class SrtpBackend : std::uint8_t { OpenSsl, LibSrtp };

// The faster one: 2-3x less CPU per AES-GCM packet and 4-5x less per AES-CM packet than Debian's
// NSS-backed libsrtp2 on an AES-NI machine (docs/BENCHMARKS.md, "SRTP backends").
constexpr SrtpBackend kDefaultSrtpBackend = SrtpBackend::OpenSsl;

// "openssl" / "libsrtp", the values of --srtp-backend.
const char* to_string(SrtpBackend backend);
std::optional<SrtpBackend> srtp_backend_from_string(std::string_view name);

// The backend SrtpSession::create uses when none is named: kDefaultSrtpBackend until the process
// sets another once at startup (the server from --srtp-backend, before the media workers start).
// Thread-safe.
SrtpBackend default_srtp_backend();
void set_default_srtp_backend(SrtpBackend backend);

}  // namespace bailanys::rtc::srtp
