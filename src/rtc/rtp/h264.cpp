// H.264 RTP packetization, RFC 6184 §5.6 (single NAL unit), §5.7.1 (STAP-A), §5.8 (FU-A).
#include "rtc/rtp/codecs.hpp"

#include "common/bytes.hpp"

namespace bailanys::rtc::rtp {
namespace {

constexpr std::uint8_t kIdr = 5;
constexpr std::uint8_t kSps = 7;
constexpr std::uint8_t kPps = 8;
constexpr std::uint8_t kStapA = 24;
constexpr std::uint8_t kFuA = 28;

void note_nal(H264Descriptor& d, std::uint8_t type) {
  d.has_idr = d.has_idr || type == kIdr;
  d.has_sps = d.has_sps || type == kSps;
  d.has_pps = d.has_pps || type == kPps;
}

bool is_single_nal_type(std::uint8_t type) { return type >= 1 && type <= 23; }

}  // namespace

std::optional<H264Descriptor> parse_h264(std::span<const std::uint8_t> payload) {
  if (payload.empty()) return std::nullopt;
  const std::uint8_t type = payload[0] & 0x1F;
  H264Descriptor d;
  if (is_single_nal_type(type)) {
    d.nal_type = type;
    note_nal(d, type);
  } else if (type == kStapA) {
    // §5.7.1: 16-bit size + NAL unit, repeated to the end of the payload.
    d.packetization = H264Packetization::StapA;
    d.nal_count = 0;
    std::size_t pos = 1;
    while (pos < payload.size()) {
      if (payload.size() - pos < 2) return std::nullopt;
      const std::size_t size = load_be16(&payload[pos]);
      pos += 2;
      if (size == 0 || size > payload.size() - pos) return std::nullopt;
      const std::uint8_t inner = payload[pos] & 0x1F;
      if (!is_single_nal_type(inner)) return std::nullopt;
      if (d.nal_count++ == 0) d.nal_type = inner;
      note_nal(d, inner);
      pos += size;
    }
    if (d.nal_count == 0) return std::nullopt;
  } else if (type == kFuA) {
    // §5.8: FU indicator, FU header (S E R type), then at least one byte of fragment.
    if (payload.size() < 3) return std::nullopt;
    const std::uint8_t header = payload[1];
    d.packetization = H264Packetization::FuA;
    d.start_of_nal = (header & 0x80) != 0;
    d.end_of_nal = (header & 0x40) != 0;
    d.nal_type = header & 0x1F;
    // "The Start bit and End bit MUST NOT both be set to one in the same FU header."
    if ((d.start_of_nal && d.end_of_nal) || !is_single_nal_type(d.nal_type)) {
      return std::nullopt;
    }
    note_nal(d, d.nal_type);
    d.keyframe = d.start_of_nal && (d.has_idr || d.has_sps);
    return d;
  } else {
    return std::nullopt;  // 0, 30, 31 unspecified; STAP-B, MTAP16/24, FU-B interleaved only
  }
  d.keyframe = d.has_idr || d.has_sps;
  return d;
}

}  // namespace bailanys::rtc::rtp
