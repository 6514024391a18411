#include "sfu/forwarded_packet.hpp"

#include "common/bytes.hpp"
#include "rtc/rtp/rtp_packet.hpp"

#include <cstring>

namespace bailanys::sfu {

namespace {
constexpr std::size_t kFixedHeader = 12;
constexpr std::uint16_t kOneByteProfile = 0xBEDE;
}  // namespace

void ForwardHeader::add_extension(std::uint8_t id, std::span<const std::uint8_t> value) {
  if (id == 0 || id > 14 || value.empty() || value.size() > 16) return;
  if (extension_count >= extensions.size()) return;
  extensions[extension_count++] = {id, value};
}

std::size_t write_forwarded_packet(std::span<std::uint8_t> out, const ForwardHeader& header,
                                   std::span<const std::uint8_t> payload) {
  std::size_t elements = 0;
  for (std::size_t i = 0; i < header.extension_count; ++i) {
    elements += 1 + header.extensions[i].value.size();
  }
  const std::size_t block = elements == 0 ? 0 : 4 + ((elements + 3) / 4) * 4;
  const std::size_t total = kFixedHeader + block + payload.size() + header.padding;
  if (total > out.size()) return 0;
  out[0] = static_cast<std::uint8_t>(0x80 | (header.padding != 0 ? 0x20 : 0) |
                                     (block != 0 ? 0x10 : 0));
  out[1] = static_cast<std::uint8_t>((header.marker ? 0x80 : 0) | (header.payload_type & 0x7F));
  store_be16(out.data() + 2, header.sequence);
  store_be32(out.data() + 4, header.timestamp);
  store_be32(out.data() + 8, header.ssrc);
  std::size_t at = kFixedHeader;
  if (block != 0) {
    store_be16(out.data() + at, kOneByteProfile);
    store_be16(out.data() + at + 2, static_cast<std::uint16_t>((block - 4) / 4));
    at += 4;
    for (std::size_t i = 0; i < header.extension_count; ++i) {
      const auto& ext = header.extensions[i];
      out[at++] = static_cast<std::uint8_t>((ext.id << 4) | (ext.value.size() - 1));
      std::memcpy(out.data() + at, ext.value.data(), ext.value.size());
      at += ext.value.size();
    }
    while (at < kFixedHeader + block) out[at++] = 0;
  }
  if (!payload.empty()) std::memcpy(out.data() + at, payload.data(), payload.size());
  at += payload.size();
  if (header.padding != 0) {
    std::memset(out.data() + at, 0, header.padding);
    out[total - 1] = header.padding;
  }
  return total;
}

std::size_t write_rtx_packet(std::span<std::uint8_t> out, std::span<const std::uint8_t> original,
                             std::uint8_t rtx_payload_type, std::uint16_t rtx_sequence,
                             std::uint32_t rtx_ssrc) {
  if (original.size() < kFixedHeader || original.size() + 2 > out.size()) return 0;
  // Parse a private copy's view: RtpPacket::parse needs a mutable span, the original is const.
  std::memcpy(out.data(), original.data(), original.size());
  const auto packet = rtc::rtp::RtpPacket::parse(out.first(original.size()));
  if (!packet || packet->padding_size() != 0) return 0;
  const std::size_t header = packet->header_size();
  const std::size_t payload = packet->payload().size();
  const std::uint16_t original_sequence = packet->sequence();
  // Make room for the OSN: move the payload two bytes on (overlapping, so memmove).
  std::memmove(out.data() + header + 2, out.data() + header, payload);
  store_be16(out.data() + header, original_sequence);
  out[1] = static_cast<std::uint8_t>((out[1] & 0x80) | (rtx_payload_type & 0x7F));
  store_be16(out.data() + 2, rtx_sequence);
  store_be32(out.data() + 8, rtx_ssrc);
  return header + 2 + payload;
}

std::array<std::uint8_t, 3> abs_send_time(std::int64_t now_ms) {
  // seconds << 18 with the fraction: (ms << 18) / 1000, keep the low 24 bits.
  const auto value = static_cast<std::uint32_t>(((static_cast<std::uint64_t>(now_ms) << 18) / 1000) &
                                                0xFFFFFFU);
  return {static_cast<std::uint8_t>(value >> 16), static_cast<std::uint8_t>(value >> 8),
          static_cast<std::uint8_t>(value)};
}

}  // namespace bailanys::sfu
