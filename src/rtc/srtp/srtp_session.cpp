#include "rtc/srtp/srtp_session.hpp"

#include "rtc/srtp/libsrtp_session.hpp"
#include "rtc/srtp/openssl_srtp_session.hpp"

namespace bailanys::rtc::srtp {

namespace {

constexpr std::size_t kRtpHeaderSize = 12;  // RFC 3550 §5.1 fixed header
constexpr std::size_t kRtcpHeaderSize = 8;  // RFC 3550 §6.4.1: first word + sender SSRC
// Nothing bigger arrives in a UDP datagram; also keeps lengths inside the C libraries' int.
constexpr std::size_t kMaxPacketSize = 65536;
// What libsrtp may write past an RTP packet (SRTP_MAX_TRAILER_LEN); RTCP adds the E+index word.
constexpr std::size_t kRtpTrailerRoom = 144;
constexpr std::size_t kRtcpTrailerRoom = kRtpTrailerRoom + 4;
static_assert(kSrtpMaxOverhead >= kRtcpTrailerRoom);

}  // namespace

const char* to_string(SrtpStatus status) {
  switch (status) {
    case SrtpStatus::Ok:
      return "ok";
    case SrtpStatus::BadPacket:
      return "bad_packet";
    case SrtpStatus::ReplayOld:
      return "replay_old";
    case SrtpStatus::ReplayDuplicate:
      return "replay_duplicate";
    case SrtpStatus::AuthFailed:
      return "auth_failed";
    case SrtpStatus::NoRoom:
      return "no_room";
    case SrtpStatus::Failed:
      return "failed";
  }
  return "unknown";
}

std::unique_ptr<SrtpSession> SrtpSession::create(SrtpProfile profile,
                                                 std::span<const std::uint8_t> key_and_salt,
                                                 Direction direction) {
  return create(default_srtp_backend(), profile, key_and_salt, direction);
}

std::unique_ptr<SrtpSession> SrtpSession::create(SrtpBackend backend, SrtpProfile profile,
                                                 std::span<const std::uint8_t> key_and_salt,
                                                 Direction direction) {
  if (key_and_salt.size() != srtp_key_length(profile) + srtp_salt_length(profile)) return nullptr;
  switch (backend) {
    case SrtpBackend::OpenSsl:
      return OpenSslSrtpSession::create(profile, key_and_salt, direction);
    case SrtpBackend::LibSrtp:
      return LibSrtpSession::create(profile, key_and_salt, direction);
  }
  return nullptr;
}

SrtpStatus SrtpSession::protect_rtp(std::span<std::uint8_t> buffer, std::size_t& size) {
  return check_and_run(Operation::ProtectRtp, buffer, size);
}
SrtpStatus SrtpSession::unprotect_rtp(std::span<std::uint8_t> buffer, std::size_t& size) {
  return check_and_run(Operation::UnprotectRtp, buffer, size);
}
SrtpStatus SrtpSession::protect_rtcp(std::span<std::uint8_t> buffer, std::size_t& size) {
  return check_and_run(Operation::ProtectRtcp, buffer, size);
}
SrtpStatus SrtpSession::unprotect_rtcp(std::span<std::uint8_t> buffer, std::size_t& size) {
  return check_and_run(Operation::UnprotectRtcp, buffer, size);
}

SrtpStatus SrtpSession::check_and_run(Operation operation, std::span<std::uint8_t> buffer,
                                      std::size_t& size) {
  const bool rtcp = operation == Operation::ProtectRtcp || operation == Operation::UnprotectRtcp;
  const bool protect = operation == Operation::ProtectRtp || operation == Operation::ProtectRtcp;
  if (protect != (direction_ == Direction::Outbound)) return SrtpStatus::Failed;
  if (size > buffer.size() || size > kMaxPacketSize) return SrtpStatus::BadPacket;
  if (size < (rtcp ? kRtcpHeaderSize : kRtpHeaderSize) || (buffer[0] >> 6) != 2) {
    return SrtpStatus::BadPacket;
  }
  if (protect && buffer.size() - size < (rtcp ? kRtcpTrailerRoom : kRtpTrailerRoom)) {
    return SrtpStatus::NoRoom;
  }
  std::size_t new_size = size;
  const SrtpStatus status = run(operation, buffer, new_size);
  if (status != SrtpStatus::Ok) return status;
  if (new_size > buffer.size()) return SrtpStatus::Failed;
  size = new_size;
  return SrtpStatus::Ok;
}

}  // namespace bailanys::rtc::srtp
