#include "rtc/rtp/rtp_packet_builder.hpp"

#include <algorithm>

#include "common/bytes.hpp"

namespace bailanys::rtc::rtp {
namespace {
constexpr std::size_t kFixedHeaderSize = 12;
constexpr std::size_t kMaxCsrcs = 15;
constexpr std::uint8_t kMaxOneByteId = 14;
constexpr std::size_t kMaxOneByteValue = 16;
}  // namespace

RtpPacketBuilder& RtpPacketBuilder::payload_type(std::uint8_t payload_type) {
  payload_type_ = payload_type & 0x7F;
  return *this;
}
RtpPacketBuilder& RtpPacketBuilder::marker(bool marker) {
  marker_ = marker;
  return *this;
}
RtpPacketBuilder& RtpPacketBuilder::sequence(std::uint16_t sequence) {
  sequence_ = sequence;
  return *this;
}
RtpPacketBuilder& RtpPacketBuilder::timestamp(std::uint32_t timestamp) {
  timestamp_ = timestamp;
  return *this;
}
RtpPacketBuilder& RtpPacketBuilder::ssrc(std::uint32_t ssrc) {
  ssrc_ = ssrc;
  return *this;
}
RtpPacketBuilder& RtpPacketBuilder::csrcs(std::span<const std::uint32_t> csrcs) {
  csrcs_.assign(csrcs.begin(), csrcs.begin() + static_cast<std::ptrdiff_t>(
                                                   std::min(csrcs.size(), kMaxCsrcs)));
  return *this;
}
RtpPacketBuilder& RtpPacketBuilder::add_extension(std::uint8_t id,
                                                  std::span<const std::uint8_t> value) {
  if (id != 0 && value.size() <= 255) {
    extensions_.emplace_back(id, std::vector<std::uint8_t>(value.begin(), value.end()));
  }
  return *this;
}
RtpPacketBuilder& RtpPacketBuilder::payload(std::span<const std::uint8_t> payload) {
  payload_.assign(payload.begin(), payload.end());
  return *this;
}
RtpPacketBuilder& RtpPacketBuilder::padding(std::uint8_t count) {
  padding_ = count;
  return *this;
}

bool RtpPacketBuilder::one_byte_form() const {
  return std::all_of(extensions_.begin(), extensions_.end(), [](const auto& e) {
    return e.first <= kMaxOneByteId && !e.second.empty() && e.second.size() <= kMaxOneByteValue;
  });
}

std::size_t RtpPacketBuilder::extension_block_size() const {
  if (extensions_.empty()) return 0;
  const std::size_t element_header = one_byte_form() ? 1 : 2;
  std::size_t size = 0;
  for (const auto& e : extensions_) size += element_header + e.second.size();
  return (size + 3) / 4 * 4;  // RFC 3550 §5.3.1: counted in 32-bit words
}

std::size_t RtpPacketBuilder::size() const {
  const std::size_t extension = extensions_.empty() ? 0 : 4 + extension_block_size();
  return kFixedHeaderSize + 4 * csrcs_.size() + extension + payload_.size() + padding_;
}

std::vector<std::uint8_t> RtpPacketBuilder::build() const {
  std::vector<std::uint8_t> out(size());
  write(out);
  return out;
}

std::size_t RtpPacketBuilder::write(std::span<std::uint8_t> out) const {
  const std::size_t total = size();
  if (out.size() < total) return 0;
  std::uint8_t* p = out.data();
  p[0] = static_cast<std::uint8_t>(0x80 | (padding_ != 0 ? 0x20 : 0) |
                                   (extensions_.empty() ? 0 : 0x10) | csrcs_.size());
  p[1] = static_cast<std::uint8_t>(payload_type_ | (marker_ ? 0x80 : 0));
  store_be16(p + 2, sequence_);
  store_be32(p + 4, timestamp_);
  store_be32(p + 8, ssrc_);
  std::size_t pos = kFixedHeaderSize;
  for (const std::uint32_t csrc : csrcs_) {
    store_be32(p + pos, csrc);
    pos += 4;
  }
  if (!extensions_.empty()) {
    const bool one_byte = one_byte_form();
    const std::size_t block = extension_block_size();
    store_be16(p + pos, one_byte ? 0xBEDE : 0x1000);
    store_be16(p + pos + 2, static_cast<std::uint16_t>(block / 4));
    pos += 4;
    const std::size_t end = pos + block;
    for (const auto& [id, value] : extensions_) {
      if (one_byte) {
        p[pos++] = static_cast<std::uint8_t>((id << 4) | (value.size() - 1));
      } else {
        p[pos++] = id;
        p[pos++] = static_cast<std::uint8_t>(value.size());
      }
      std::copy(value.begin(), value.end(), p + pos);
      pos += value.size();
    }
    std::fill(p + pos, p + end, std::uint8_t{0});  // RFC 8285 §4.1 padding
    pos = end;
  }
  std::copy(payload_.begin(), payload_.end(), p + pos);
  pos += payload_.size();
  if (padding_ != 0) {
    std::fill(p + pos, p + pos + padding_ - 1, std::uint8_t{0});
    p[pos + padding_ - 1] = padding_;
    pos += padding_;
  }
  return pos;
}

}  // namespace bailanys::rtc::rtp
