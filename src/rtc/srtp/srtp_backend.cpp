#include "rtc/srtp/srtp_backend.hpp"

#include <atomic>

namespace bailanys::rtc::srtp {

namespace {
std::atomic<SrtpBackend> g_default_backend{kDefaultSrtpBackend};
}  // namespace

const char* to_string(SrtpBackend backend) {
  switch (backend) {
    case SrtpBackend::OpenSsl:
      return "openssl";
    case SrtpBackend::LibSrtp:
      return "libsrtp";
  }
  return "unknown";
}

std::optional<SrtpBackend> srtp_backend_from_string(std::string_view name) {
  if (name == "openssl") return SrtpBackend::OpenSsl;
  if (name == "libsrtp") return SrtpBackend::LibSrtp;
  return std::nullopt;
}

SrtpBackend default_srtp_backend() { return g_default_backend.load(std::memory_order_relaxed); }

void set_default_srtp_backend(SrtpBackend backend) {
  g_default_backend.store(backend, std::memory_order_relaxed);
}

}  // namespace bailanys::rtc::srtp
