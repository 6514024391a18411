#include "rtc/dtls/dtls_demux.hpp"

namespace bailanys::rtc::dtls {

bool looks_like_dtls(std::span<const std::uint8_t> packet) {
  return !packet.empty() && packet[0] >= 20 && packet[0] <= 63;
}

}  // namespace bailanys::rtc::dtls
