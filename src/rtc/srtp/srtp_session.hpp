// One direction of SRTP and SRTCP (RFC 3711, AES-GCM per RFC 7714) for every SSRC of a
// transport, on top of libsrtp2. In place, no I/O, never throws on the packet path.
#pragma once

#include "rtc/srtp/srtp_profile.hpp"
#include "rtc/srtp/srtp_status.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

struct srtp_ctx_t_;  // libsrtp's session, kept out of this header

namespace bailanys::rtc::srtp {

// Spare bytes a buffer needs past the packet for protect. libsrtp documents that it may write
// SRTP_MAX_TRAILER_LEN (16-byte tag + 128-byte MKI = 144) after an RTP packet, and 4 more (the
// E flag and SRTCP index, RFC 3711 §3.4) after an RTCP packet: 148.
constexpr std::size_t kSrtpMaxOverhead = 148;

// Not thread-safe: one session belongs to one media worker, like the transport that owns it.
class SrtpSession {
 public:
  enum class Direction : std::uint8_t { Inbound, Outbound };

  // key_and_salt = master key followed by master salt (the halves RFC 5764 §4.2 exports);
  // nullptr when the length is wrong for the profile or libsrtp refuses.
  // Inbound: any SSRC (each gets its own replay window of 1024 packets).
  // Outbound: any SSRC, and the same packet may be protected again (retransmission for NACK).
  static std::unique_ptr<SrtpSession> create(SrtpProfile profile,
                                             std::span<const std::uint8_t> key_and_salt,
                                             Direction direction);
  ~SrtpSession();
  SrtpSession(const SrtpSession&) = delete;
  SrtpSession& operator=(const SrtpSession&) = delete;

  // In place: the packet is the first `size` bytes of `buffer`, which should be 4-byte aligned
  // (libsrtp reads 32-bit words). protect needs kSrtpMaxOverhead spare bytes after it. On Ok
  // `size` is the new length; otherwise `size` is unchanged and the bytes are unspecified.
  // protect on an Inbound session or unprotect on an Outbound one returns Failed.
  SrtpStatus protect_rtp(std::span<std::uint8_t> buffer, std::size_t& size);
  SrtpStatus unprotect_rtp(std::span<std::uint8_t> buffer, std::size_t& size);
  SrtpStatus protect_rtcp(std::span<std::uint8_t> buffer, std::size_t& size);
  SrtpStatus unprotect_rtcp(std::span<std::uint8_t> buffer, std::size_t& size);

  [[nodiscard]] SrtpProfile profile() const { return profile_; }
  [[nodiscard]] Direction direction() const { return direction_; }

 private:
  enum class Operation : std::uint8_t { ProtectRtp, UnprotectRtp, ProtectRtcp, UnprotectRtcp };

  SrtpSession(srtp_ctx_t_* context, SrtpProfile profile, Direction direction);
  SrtpStatus run(Operation operation, std::span<std::uint8_t> buffer, std::size_t& size);

  srtp_ctx_t_* context_;
  SrtpProfile profile_;
  Direction direction_;
};

}  // namespace bailanys::rtc::srtp
