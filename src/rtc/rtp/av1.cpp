// AV1 RTP payload, "RTP Payload Format For AV1" v1.0 §4.4 (aggregation header) and
// §4.5 (OBU elements); OBU headers per the AV1 bitstream spec §5.3.
#include "rtc/rtp/codecs.hpp"

namespace bailanys::rtc::rtp {
namespace {

constexpr std::size_t kMaxLeb128Bytes = 8;  // AV1 spec §4.10.5

// Unsigned LEB128; nullopt when it runs past the end or is longer than 8 bytes.
std::optional<std::uint64_t> read_leb128(std::span<const std::uint8_t> in, std::size_t& pos) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < kMaxLeb128Bytes; ++i) {
    if (pos >= in.size()) return std::nullopt;
    const std::uint8_t byte = in[pos++];
    value |= std::uint64_t{byte & 0x7FU} << (7 * i);
    if ((byte & 0x80) == 0) return value;
  }
  return std::nullopt;
}

// Reads the OBU header at the start of an element (§5.3.1 obu_header()).
bool read_obu_header(std::span<const std::uint8_t> element, Av1Descriptor& d) {
  if (element.empty()) return true;  // nothing starts here
  const std::uint8_t header = element[0];
  if ((header & 0x80) != 0) return false;  // obu_forbidden_bit
  d.first_obu_type = static_cast<std::uint8_t>((header >> 3) & 0x0F);
  if ((header & 0x04) != 0) {  // obu_extension_flag
    if (element.size() < 2) return false;
    d.temporal_id = static_cast<std::uint8_t>(element[1] >> 5);
    d.spatial_id = static_cast<std::uint8_t>((element[1] >> 3) & 0x03);
  }
  return true;
}

}  // namespace

std::optional<Av1Descriptor> parse_av1(std::span<const std::uint8_t> payload) {
  if (payload.size() < 2) return std::nullopt;  // aggregation header + some OBU data
  Av1Descriptor d;
  const std::uint8_t head = payload[0];
  d.continues_previous = (head & 0x80) != 0;
  d.continues_in_next = (head & 0x40) != 0;
  d.obu_count = static_cast<std::uint8_t>((head >> 4) & 0x03);
  d.new_coded_video_sequence = (head & 0x08) != 0;
  // §4.4: "if N is equal to 1 then Z must be equal to 0".
  if (d.new_coded_video_sequence && d.continues_previous) return std::nullopt;

  std::size_t pos = 1;
  bool header_seen = false;
  while (pos < payload.size()) {
    std::size_t length = payload.size() - pos;  // W's last element runs to the end
    const bool last_without_length = d.obu_count != 0 && d.element_count + 1 == d.obu_count;
    if (!last_without_length) {
      const auto declared = read_leb128(payload, pos);
      if (!declared || *declared > payload.size() - pos) return std::nullopt;
      length = static_cast<std::size_t>(*declared);
    }
    const auto element = payload.subspan(pos, length);
    const bool is_continuation = d.element_count == 0 && d.continues_previous;
    if (!is_continuation && !header_seen && !element.empty()) {
      if (!read_obu_header(element, d)) return std::nullopt;
      header_seen = true;
    }
    ++d.element_count;
    pos += length;
    if (last_without_length) break;
  }
  if (d.element_count == 0 || (d.obu_count != 0 && d.element_count != d.obu_count)) {
    return std::nullopt;
  }
  d.keyframe = d.new_coded_video_sequence;
  return d;
}

}  // namespace bailanys::rtc::rtp
