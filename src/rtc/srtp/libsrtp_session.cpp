#include "rtc/srtp/libsrtp_session.hpp"

#include "rtc/srtp/libsrtp_library.hpp"

#include <sodium.h>
#include <srtp2/srtp.h>

#include <algorithm>
#include <array>

namespace bailanys::rtc::srtp {

namespace {

static_assert(kSrtpMaxOverhead >= SRTP_MAX_TRAILER_LEN + 4,
              "kSrtpMaxOverhead must cover what libsrtp may write");
// Video bursts reorder well beyond libsrtp's default window of 128 (RFC 3711 §3.3.2 allows any).
constexpr unsigned long kReplayWindow = 1024;

SrtpStatus status_from_libsrtp(srtp_err_status_t status) {
  switch (status) {
    case srtp_err_status_ok:
      return SrtpStatus::Ok;
    case srtp_err_status_replay_fail:
      return SrtpStatus::ReplayDuplicate;
    case srtp_err_status_replay_old:
    case srtp_err_status_pkt_idx_old:
      return SrtpStatus::ReplayOld;
    case srtp_err_status_auth_fail:
      return SrtpStatus::AuthFailed;
    case srtp_err_status_bad_param:
    case srtp_err_status_parse_err:
    case srtp_err_status_bad_mki:
      return SrtpStatus::BadPacket;
    default:
      return SrtpStatus::Failed;
  }
}

void set_crypto_policy(SrtpProfile profile, srtp_crypto_policy_t& policy) {
  switch (profile) {
    case SrtpProfile::AeadAes128Gcm:
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy);
      break;
    case SrtpProfile::Aes128CmSha1_80:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy);
      break;
  }
}

}  // namespace

std::unique_ptr<SrtpSession> LibSrtpSession::create(SrtpProfile profile,
                                                    std::span<const std::uint8_t> key_and_salt,
                                                    Direction direction) {
  if (!ensure_libsrtp_initialized()) return nullptr;

  // libsrtp takes the key through a non-const pointer; it only reads it to derive the session
  // keys in srtp_create, so a wiped local copy is enough.
  std::array<unsigned char, SRTP_MAX_KEY_LEN> key{};
  std::copy(key_and_salt.begin(), key_and_salt.end(), key.begin());

  srtp_policy_t policy{};
  set_crypto_policy(profile, policy.rtp);
  set_crypto_policy(profile, policy.rtcp);
  policy.key = key.data();
  policy.ssrc.type = direction == Direction::Inbound ? ssrc_any_inbound : ssrc_any_outbound;
  policy.window_size = kReplayWindow;
  // An SFU resends the very same protected bytes for NACK (RFC 4585), which libsrtp would
  // otherwise refuse as a replay on the sending side.
  policy.allow_repeat_tx = direction == Direction::Outbound ? 1 : 0;
  policy.next = nullptr;

  srtp_t context = nullptr;
  const srtp_err_status_t status = srtp_create(&context, &policy);
  sodium_memzero(key.data(), key.size());
  if (status != srtp_err_status_ok) {
    if (context != nullptr) srtp_dealloc(context);
    return nullptr;
  }
  return std::unique_ptr<SrtpSession>(new LibSrtpSession(context, profile, direction));
}

LibSrtpSession::LibSrtpSession(srtp_ctx_t_* context, SrtpProfile profile, Direction direction)
    : SrtpSession(profile, direction), context_(context) {}

LibSrtpSession::~LibSrtpSession() { srtp_dealloc(context_); }

SrtpStatus LibSrtpSession::run(Operation operation, std::span<std::uint8_t> buffer,
                               std::size_t& size) {
  // SrtpSession::check_and_run has checked the direction, the fixed header and the room.
  int length = static_cast<int>(size);
  void* packet = buffer.data();
  srtp_err_status_t status = srtp_err_status_fail;
  switch (operation) {
    case Operation::ProtectRtp:
      status = srtp_protect(context_, packet, &length);
      break;
    case Operation::UnprotectRtp:
      status = srtp_unprotect(context_, packet, &length);
      break;
    case Operation::ProtectRtcp:
      status = srtp_protect_rtcp(context_, packet, &length);
      break;
    case Operation::UnprotectRtcp:
      status = srtp_unprotect_rtcp(context_, packet, &length);
      break;
  }
  if (status != srtp_err_status_ok) return status_from_libsrtp(status);
  if (length < 0 || static_cast<std::size_t>(length) > buffer.size()) return SrtpStatus::Failed;
  size = static_cast<std::size_t>(length);
  return SrtpStatus::Ok;
}

}  // namespace bailanys::rtc::srtp
