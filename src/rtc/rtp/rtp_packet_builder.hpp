// Builds RTP packets (RFC 3550 §5.1) for tests, RTX, probing and the load generator.
// Not on the forwarding path: it keeps its parts in vectors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace bailanys::rtc::rtp {

class RtpPacketBuilder {
 public:
  RtpPacketBuilder& payload_type(std::uint8_t payload_type);  // low 7 bits
  RtpPacketBuilder& marker(bool marker);
  RtpPacketBuilder& sequence(std::uint16_t sequence);
  RtpPacketBuilder& timestamp(std::uint32_t timestamp);
  RtpPacketBuilder& ssrc(std::uint32_t ssrc);
  // At most 15 CSRCs fit the CC field; extra ones are dropped.
  RtpPacketBuilder& csrcs(std::span<const std::uint32_t> csrcs);
  // Appends an element in this order. Ids must be 1..255 and values at most 255
  // bytes (RFC 8285 §4.3); anything else is ignored.
  RtpPacketBuilder& add_extension(std::uint8_t id, std::span<const std::uint8_t> value);
  RtpPacketBuilder& payload(std::span<const std::uint8_t> payload);
  // Appends `count` bytes of RFC 3550 padding (0 = none); the last byte holds the count.
  RtpPacketBuilder& padding(std::uint8_t count);

  // Uses the one-byte form (RFC 8285 §4.2) when every id is <= 14 and every value is
  // 1..16 bytes, the two-byte form (§4.3) otherwise.
  [[nodiscard]] std::vector<std::uint8_t> build() const;
  // The size build() produces; write() fills `out` without allocating and returns the
  // bytes written, or 0 when `out` is too small.
  [[nodiscard]] std::size_t size() const;
  std::size_t write(std::span<std::uint8_t> out) const;

 private:
  [[nodiscard]] bool one_byte_form() const;
  [[nodiscard]] std::size_t extension_block_size() const;  // elements + alignment

  std::uint8_t payload_type_ = 0;
  bool marker_ = false;
  std::uint16_t sequence_ = 0;
  std::uint32_t timestamp_ = 0;
  std::uint32_t ssrc_ = 0;
  std::vector<std::uint32_t> csrcs_;
  std::vector<std::pair<std::uint8_t, std::vector<std::uint8_t>>> extensions_;
  std::vector<std::uint8_t> payload_;
  std::uint8_t padding_ = 0;
};

}  // namespace bailanys::rtc::rtp
