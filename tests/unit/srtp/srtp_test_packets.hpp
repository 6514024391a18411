// Hex decoding and RTP/RTCP packet builders shared by the SRTP tests.
#pragma once

#include "rtc/srtp/srtp_session.hpp"

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace bailanys::rtc::srtp::testing {

using Bytes = std::vector<std::uint8_t>;

// Hex with any white space in between; throws on a bad digit (test data only).
inline Bytes from_hex(std::string_view text) {
  Bytes out;
  int high = -1;
  for (const char c : text) {
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    if (v < 0) {
      if (c == ' ' || c == '\n' || c == '\t') continue;
      throw std::invalid_argument("bad hex digit");
    }
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>((high << 4) | v));
      high = -1;
    }
  }
  if (high >= 0) throw std::invalid_argument("odd number of hex digits");
  return out;
}

// RTP (RFC 3550 §5.1): V=2, payload type 96, the given sequence number and SSRC, and
// `payload_size` bytes counting up from 0x30.
inline Bytes make_rtp(std::uint16_t sequence, std::uint32_t ssrc, std::size_t payload_size = 40) {
  Bytes packet = {0x80,
                  96,
                  static_cast<std::uint8_t>(sequence >> 8),
                  static_cast<std::uint8_t>(sequence),
                  0x00,
                  0x01,
                  0xe2,
                  0x40,  // timestamp
                  static_cast<std::uint8_t>(ssrc >> 24),
                  static_cast<std::uint8_t>(ssrc >> 16),
                  static_cast<std::uint8_t>(ssrc >> 8),
                  static_cast<std::uint8_t>(ssrc)};
  for (std::size_t i = 0; i < payload_size; ++i)
    packet.push_back(static_cast<std::uint8_t>(0x30 + i));
  return packet;
}

// A receiver report with one report block (RFC 3550 §6.4.2): 32 bytes.
inline Bytes make_rtcp_rr(std::uint32_t ssrc) {
  Bytes packet = {0x81,
                  201,
                  0x00,
                  0x07,
                  static_cast<std::uint8_t>(ssrc >> 24),
                  static_cast<std::uint8_t>(ssrc >> 16),
                  static_cast<std::uint8_t>(ssrc >> 8),
                  static_cast<std::uint8_t>(ssrc)};
  for (std::size_t i = 0; i < 24; ++i) packet.push_back(static_cast<std::uint8_t>(0xa0 + i));
  return packet;
}

// A packet in a buffer with room for the SRTP trailer, the way the transport hands them over.
struct Packet {
  Bytes buffer;
  std::size_t size = 0;

  explicit Packet(const Bytes& plain) : buffer(plain), size(plain.size()) {
    buffer.resize(size + kSrtpMaxOverhead);
  }
  [[nodiscard]] Bytes bytes() const {
    return Bytes(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(size));
  }
};

}  // namespace bailanys::rtc::srtp::testing
