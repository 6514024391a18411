#include "rtc/srtp/libsrtp_library.hpp"

#include <srtp2/srtp.h>

namespace bailanys::rtc::srtp {

namespace {

class LibSrtpLifetime {
 public:
  LibSrtpLifetime() : status_(srtp_init()) {}
  ~LibSrtpLifetime() {
    // Sessions still alive at exit only free their own memory in srtp_dealloc, which does not
    // need the crypto kernel, so the order against other static destructors does not matter.
    if (ok()) srtp_shutdown();
  }
  LibSrtpLifetime(const LibSrtpLifetime&) = delete;
  LibSrtpLifetime& operator=(const LibSrtpLifetime&) = delete;

  [[nodiscard]] bool ok() const { return status_ == srtp_err_status_ok; }

 private:
  srtp_err_status_t status_;
};

}  // namespace

bool ensure_libsrtp_initialized() {
  // A function-local static is initialised once even when media workers race here.
  static const LibSrtpLifetime lifetime;
  return lifetime.ok();
}

}  // namespace bailanys::rtc::srtp
