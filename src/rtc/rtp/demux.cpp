#include "rtc/rtp/demux.hpp"

namespace bailanys::rtc::rtp {
namespace {
constexpr std::size_t kMinRtpSize = 12;   // RFC 3550 §5.1 fixed header
constexpr std::size_t kMinRtcpSize = 8;   // RFC 3550 §6.4 common header + SSRC
}  // namespace

bool is_rtcp(std::span<const std::uint8_t> packet) {
  return packet.size() >= 2 && packet[1] >= 192 && packet[1] <= 223;
}

bool looks_like_rtp_or_rtcp(std::span<const std::uint8_t> packet) {
  if (packet.size() < kMinRtcpSize || packet[0] < 128 || packet[0] > 191) return false;
  return packet.size() >= kMinRtpSize || is_rtcp(packet);
}

}  // namespace bailanys::rtc::rtp
