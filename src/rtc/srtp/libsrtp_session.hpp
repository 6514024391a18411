// SrtpSession on libsrtp2 (Debian's 2.5.0 is built on NSS): the same library Janus and the
// browsers use, kept as the reference backend (--srtp-backend libsrtp).
#pragma once

#include "rtc/srtp/srtp_session.hpp"

struct srtp_ctx_t_;  // libsrtp's session, kept out of this header

namespace bailanys::rtc::srtp {

class LibSrtpSession final : public SrtpSession {
 public:
  // Called by SrtpSession::create, which has checked the key length.
  static std::unique_ptr<SrtpSession> create(SrtpProfile profile,
                                             std::span<const std::uint8_t> key_and_salt,
                                             Direction direction);
  ~LibSrtpSession() override;
  LibSrtpSession(const LibSrtpSession&) = delete;
  LibSrtpSession& operator=(const LibSrtpSession&) = delete;

  [[nodiscard]] SrtpBackend backend() const override { return SrtpBackend::LibSrtp; }

 private:
  LibSrtpSession(srtp_ctx_t_* context, SrtpProfile profile, Direction direction);
  SrtpStatus run(Operation operation, std::span<std::uint8_t> buffer, std::size_t& size) override;

  srtp_ctx_t_* context_;
};

}  // namespace bailanys::rtc::srtp
