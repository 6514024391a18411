// One direction of SRTP and SRTCP (RFC 3711, AES-GCM per RFC 7714) for every SSRC of a
// transport. In place, no I/O, never throws on the packet path. Two implementations behind one
// interface (srtp_backend.hpp): our own on OpenSSL EVP and libsrtp2; they interoperate.
#pragma once

#include "rtc/srtp/srtp_backend.hpp"
#include "rtc/srtp/srtp_profile.hpp"
#include "rtc/srtp/srtp_status.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace bailanys::rtc::srtp {

// Spare bytes a buffer needs past the packet for protect. libsrtp documents that it may write
// SRTP_MAX_TRAILER_LEN (16-byte tag + 128-byte MKI = 144) after an RTP packet, and 4 more (the
// E flag and SRTCP index, RFC 3711 §3.4) after an RTCP packet: 148. Both backends ask for it.
constexpr std::size_t kSrtpMaxOverhead = 148;

// Not thread-safe: one session belongs to one media worker, like the transport that owns it.
class SrtpSession {
 public:
  enum class Direction : std::uint8_t { Inbound, Outbound };

  // key_and_salt = master key followed by master salt (the halves RFC 5764 §4.2 exports);
  // nullptr when the length is wrong for the profile or the backend refuses.
  // Inbound: any SSRC (each gets its own replay window of 1024 packets).
  // Outbound: any SSRC, and the same packet may be protected again (retransmission for NACK).
  // The first form uses default_srtp_backend().
  static std::unique_ptr<SrtpSession> create(SrtpProfile profile,
                                             std::span<const std::uint8_t> key_and_salt,
                                             Direction direction);
  static std::unique_ptr<SrtpSession> create(SrtpBackend backend, SrtpProfile profile,
                                             std::span<const std::uint8_t> key_and_salt,
                                             Direction direction);
  virtual ~SrtpSession() = default;
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
  [[nodiscard]] virtual SrtpBackend backend() const = 0;

 protected:
  enum class Operation : std::uint8_t { ProtectRtp, UnprotectRtp, ProtectRtcp, UnprotectRtcp };

  SrtpSession(SrtpProfile profile, Direction direction)
      : profile_(profile), direction_(direction) {}

  // Called once the checks every backend shares have passed: the direction fits the operation,
  // `size` <= buffer.size() and <= 65536, the fixed header (12 bytes RTP, 8 RTCP) is there with
  // version 2, and protect has kSrtpMaxOverhead bytes of room.
  virtual SrtpStatus run(Operation operation, std::span<std::uint8_t> buffer,
                         std::size_t& size) = 0;

 private:
  SrtpStatus check_and_run(Operation operation, std::span<std::uint8_t> buffer, std::size_t& size);

  SrtpProfile profile_;
  Direction direction_;
};

}  // namespace bailanys::rtc::srtp
