// libFuzzer target for rtc/srtp: unprotect of arbitrary bytes never crashes, and any RTP/RTCP
// packet SrtpSession agrees to protect comes back byte for byte through a fresh receiver. The
// sender's and the receivers' backends (OpenSSL, libsrtp) are picked by the input, so the two are
// also fuzzed against each other.
#include "rtc/srtp/srtp_session.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

using bailanys::rtc::srtp::kSrtpMaxOverhead;
using bailanys::rtc::srtp::SrtpBackend;
using bailanys::rtc::srtp::SrtpProfile;
using bailanys::rtc::srtp::SrtpSession;
using bailanys::rtc::srtp::SrtpStatus;

namespace {

std::vector<std::uint8_t> key_for(SrtpProfile profile) {
  return std::vector<std::uint8_t>(
      bailanys::rtc::srtp::srtp_key_length(profile) + bailanys::rtc::srtp::srtp_salt_length(profile),
      0x42);
}

void round_trip(SrtpProfile profile, SrtpBackend sending, SrtpBackend receiving, const std::uint8_t* data,
                std::size_t size, bool rtcp) {
  auto sender = SrtpSession::create(sending, profile, key_for(profile), SrtpSession::Direction::Outbound);
  auto receiver = SrtpSession::create(receiving, profile, key_for(profile), SrtpSession::Direction::Inbound);
  if (!sender || !receiver) __builtin_trap();

  // Arbitrary bytes as if they were SRTP/SRTCP from the network.
  std::vector<std::uint8_t> buffer(data, data + size);
  std::size_t length = size;
  const SrtpStatus garbage = rtcp ? receiver->unprotect_rtcp(buffer, length)
                                  : receiver->unprotect_rtp(buffer, length);
  if (garbage == SrtpStatus::Ok && length > size) __builtin_trap();

  // The same bytes as a plain packet: protect, then a fresh receiver must restore them.
  auto fresh = SrtpSession::create(receiving, profile, key_for(profile), SrtpSession::Direction::Inbound);
  std::vector<std::uint8_t> plain(data, data + size);
  buffer.assign(data, data + size);
  buffer.resize(size + kSrtpMaxOverhead);
  length = size;
  const SrtpStatus sealed = rtcp ? sender->protect_rtcp(buffer, length) : sender->protect_rtp(buffer, length);
  if (sealed != SrtpStatus::Ok) return;
  if (length <= size) __builtin_trap();
  const SrtpStatus opened = rtcp ? fresh->unprotect_rtcp(buffer, length) : fresh->unprotect_rtp(buffer, length);
  if (opened != SrtpStatus::Ok || length != size) __builtin_trap();
  for (std::size_t i = 0; i < size; ++i) {
    if (buffer[i] != plain[i]) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0 || size > 4096) return 0;
  // The first byte picks the profile, RTP vs RTCP and the two backends; the rest is the packet.
  const std::uint8_t selector = data[0];
  const SrtpProfile profile = (selector & 1) != 0 ? SrtpProfile::AeadAes128Gcm : SrtpProfile::Aes128CmSha1_80;
  const SrtpBackend sending = (selector & 4) != 0 ? SrtpBackend::LibSrtp : SrtpBackend::OpenSsl;
  const SrtpBackend receiving = (selector & 8) != 0 ? SrtpBackend::LibSrtp : SrtpBackend::OpenSsl;
  round_trip(profile, sending, receiving, data + 1, size - 1, (selector & 2) != 0);
  return 0;
}
