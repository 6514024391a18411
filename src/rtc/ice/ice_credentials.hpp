// ICE username fragment and password (RFC 8839 §5.4).
#pragma once

#include <string>

namespace bailanys::rtc::ice {

struct IceCredentials {
  std::string ufrag;
  std::string pwd;
};

// Creates random credentials: ufrag 8 chars, pwd 24 chars from the ICE-char set
// (ALPHA / DIGIT / "+" / "/"), using libsodium; bailanys::init_crypto() must have run.
IceCredentials generate_ice_credentials();

}  // namespace bailanys::rtc::ice
