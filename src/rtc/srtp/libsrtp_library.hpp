// The one owner of libsrtp's process-wide state (ARCHITECTURE.md, "one owner per C library").
#pragma once

namespace bailanys::rtc::srtp {

// Calls srtp_init() exactly once, thread-safely, on first use; srtp_shutdown() runs at exit.
// Returns false when libsrtp could not initialise (its self-tests failed): no session works then.
bool ensure_libsrtp_initialized();

}  // namespace bailanys::rtc::srtp
