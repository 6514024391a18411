#include "rtc/dtls/dtls_types.hpp"

namespace bailanys::rtc::dtls {

const char* to_string(DtlsRole role) {
  switch (role) {
    case DtlsRole::Client:
      return "client";
    case DtlsRole::Server:
      return "server";
  }
  return "unknown";
}

const char* to_string(DtlsState state) {
  switch (state) {
    case DtlsState::New:
      return "new";
    case DtlsState::Connecting:
      return "connecting";
    case DtlsState::Connected:
      return "connected";
    case DtlsState::Failed:
      return "failed";
    case DtlsState::Closed:
      return "closed";
  }
  return "unknown";
}

}  // namespace bailanys::rtc::dtls
