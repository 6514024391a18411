// Plain values shared by the DTLS transport and its listener.
#pragma once

#include "rtc/srtp/srtp_profile.hpp"

#include <cstdint>
#include <vector>

namespace bailanys::rtc::dtls {

// RFC 5763 §5: a=setup:active is the DTLS client, a=setup:passive the server.
enum class DtlsRole : std::uint8_t { Client, Server };
enum class DtlsState : std::uint8_t { New, Connecting, Connected, Failed, Closed };

const char* to_string(DtlsRole role);
const char* to_string(DtlsState state);

// The SRTP master keys of one DTLS association, each key || salt (RFC 5764 §4.2).
// local: what WE protect with (client_write_* for the client role); remote: what we unprotect.
struct SrtpKeyMaterial {
  srtp::SrtpProfile profile;
  std::vector<std::uint8_t> local_key_salt;
  std::vector<std::uint8_t> remote_key_salt;
};

}  // namespace bailanys::rtc::dtls
