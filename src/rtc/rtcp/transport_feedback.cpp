// Transport-wide congestion control feedback,
// draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1:
//   sender SSRC | media SSRC | base seq (16) | status count (16) |
//   reference time (24, signed, 64 ms) | fb pkt count (8) | packet chunks | recv deltas
#include <algorithm>

#include "common/bytes.hpp"
#include "rtc/rtcp/packet_codec.hpp"

namespace bailanys::rtc::rtcp::detail {
namespace {

// Packet status symbols (§3.1.1).
constexpr std::uint8_t kNotReceived = 0;
constexpr std::uint8_t kSmallDelta = 1;  // 1-byte unsigned delta
constexpr std::uint8_t kLargeDelta = 2;  // 2-byte signed delta
constexpr std::uint8_t kReservedSymbol = 3;

constexpr std::int64_t kDeltaTickUs = 250;
constexpr std::size_t kMaxRunLength = 0x1FFF;  // 13 bits
constexpr std::size_t kOneBitSymbols = 14;
constexpr std::size_t kTwoBitSymbols = 7;
constexpr std::int32_t kMinReferenceTime = -0x800000;
constexpr std::int32_t kMaxReferenceTime = 0x7FFFFF;

// Appends the statuses one chunk describes, clamped to the declared status count.
// The symbol is parked in delta_us until the deltas are read.
bool read_chunk(std::uint16_t chunk, std::size_t status_count,
                std::vector<TransportFeedback::Packet>& packets) {
  const auto add = [&](std::uint8_t symbol) {
    if (packets.size() == status_count) return true;  // tail of the last chunk
    if (symbol == kReservedSymbol) return false;
    packets.push_back({0, symbol != kNotReceived, symbol});
    return true;
  };
  if ((chunk & 0x8000) == 0) {  // run length chunk (§3.1.3): T=0, S (2), length (13)
    const auto symbol = static_cast<std::uint8_t>((chunk >> 13) & 0x03);
    const std::size_t run = std::min<std::size_t>(chunk & kMaxRunLength,
                                                  status_count - packets.size());
    if (run > 0 && symbol == kReservedSymbol) return false;
    for (std::size_t i = 0; i < run; ++i) add(symbol);
    return true;
  }
  if ((chunk & 0x4000) == 0) {  // status vector chunk (§3.1.4), S=0: 14 one-bit symbols
    for (int bit = 13; bit >= 0; --bit) add(static_cast<std::uint8_t>((chunk >> bit) & 0x01));
    return true;
  }
  for (int shift = 12; shift >= 0; shift -= 2) {  // S=1: 7 two-bit symbols
    if (!add(static_cast<std::uint8_t>((chunk >> shift) & 0x03))) return false;
  }
  return true;
}

std::optional<std::uint8_t> symbol_for(const TransportFeedback::Packet& p) {
  if (!p.received) return kNotReceived;
  if (p.delta_us % kDeltaTickUs != 0) return std::nullopt;
  const std::int64_t ticks = p.delta_us / kDeltaTickUs;
  if (ticks >= 0 && ticks <= 0xFF) return kSmallDelta;
  if (ticks >= INT16_MIN && ticks <= INT16_MAX) return kLargeDelta;
  return std::nullopt;
}

// Greedy chunk choice: long runs as run-length chunks, otherwise the densest vector
// that fits the next symbols.
void write_chunks(ByteWriter& w, const std::vector<std::uint8_t>& symbols) {
  std::size_t i = 0;
  while (i < symbols.size()) {
    std::size_t run = 1;
    while (i + run < symbols.size() && run < kMaxRunLength && symbols[i + run] == symbols[i]) {
      ++run;
    }
    const std::size_t window = std::min(kOneBitSymbols, symbols.size() - i);
    const bool fits_one_bit = std::all_of(symbols.begin() + static_cast<std::ptrdiff_t>(i),
                                          symbols.begin() + static_cast<std::ptrdiff_t>(i + window),
                                          [](std::uint8_t s) { return s <= kSmallDelta; });
    if (run >= kOneBitSymbols || (!fits_one_bit && run >= kTwoBitSymbols)) {
      w.u16(static_cast<std::uint16_t>((symbols[i] << 13) | run));
      i += run;
    } else if (fits_one_bit) {
      std::uint16_t chunk = 0x8000;
      for (std::size_t k = 0; k < window; ++k) {
        chunk = static_cast<std::uint16_t>(chunk | (symbols[i + k] << (13 - k)));
      }
      w.u16(chunk);
      i += window;
    } else {
      const std::size_t count = std::min(kTwoBitSymbols, symbols.size() - i);
      std::uint16_t chunk = 0xC000;
      for (std::size_t k = 0; k < count; ++k) {
        chunk = static_cast<std::uint16_t>(chunk | (symbols[i + k] << (12 - 2 * k)));
      }
      w.u16(chunk);
      i += count;
    }
  }
}

}  // namespace

std::optional<TransportFeedback> parse_transport_feedback(const RtcpHeaderView& h,
                                                          RtcpRejectReason& why) {
  const auto fail = [&why](RtcpRejectReason reason) {
    why = reason;
    return std::nullopt;
  };
  ByteReader in(h.body);
  TransportFeedback fb;
  fb.sender_ssrc = in.u32();
  fb.media_ssrc = in.u32();
  fb.base_sequence = in.u16();
  const std::size_t status_count = in.u16();
  const std::uint32_t reference = in.u24();
  fb.reference_time_64ms = static_cast<std::int32_t>(reference ^ 0x800000U) - 0x800000;
  fb.feedback_count = in.u8();
  if (!in.ok()) return fail(RtcpRejectReason::TransportCcTruncated);
  if (status_count == 0) return fail(RtcpRejectReason::TransportCcEmpty);

  fb.packets.reserve(status_count);
  while (fb.packets.size() < status_count) {
    const std::uint16_t chunk = in.u16();
    if (!in.ok()) return fail(RtcpRejectReason::TransportCcTruncated);
    if (!read_chunk(chunk, status_count, fb.packets)) {
      return fail(RtcpRejectReason::TransportCcReservedSymbol);
    }
  }
  for (std::size_t i = 0; i < fb.packets.size(); ++i) {
    auto& p = fb.packets[i];
    p.sequence = static_cast<std::uint16_t>(fb.base_sequence + i);
    const std::int64_t symbol = p.delta_us;
    if (symbol == kSmallDelta) {
      p.delta_us = in.u8() * kDeltaTickUs;
    } else if (symbol == kLargeDelta) {
      p.delta_us = static_cast<std::int16_t>(in.u16()) * kDeltaTickUs;
    } else {
      p.delta_us = 0;
    }
  }
  // What follows the deltas is zero padding to 32 bits (§3.1); it is not checked.
  if (!in.ok()) return fail(RtcpRejectReason::TransportCcTruncated);
  return fb;
}

bool write_transport_feedback(std::vector<std::uint8_t>& out, const TransportFeedback& fb) {
  if (fb.packets.empty() || fb.packets.size() > 0xFFFF) return false;
  if (fb.reference_time_64ms < kMinReferenceTime || fb.reference_time_64ms > kMaxReferenceTime) {
    return false;
  }
  std::vector<std::uint8_t> symbols;
  symbols.reserve(fb.packets.size());
  for (std::size_t i = 0; i < fb.packets.size(); ++i) {
    const auto& p = fb.packets[i];
    const auto symbol = symbol_for(p);
    if (p.sequence != static_cast<std::uint16_t>(fb.base_sequence + i) || !symbol) return false;
    symbols.push_back(*symbol);
  }
  const std::size_t start = begin_packet(out, kTransportCcFormat, kTransportFeedbackType);
  ByteWriter w(out);
  w.u32(fb.sender_ssrc);
  w.u32(fb.media_ssrc);
  w.u16(fb.base_sequence);
  w.u16(static_cast<std::uint16_t>(fb.packets.size()));
  w.u24(static_cast<std::uint32_t>(fb.reference_time_64ms) & 0xFFFFFF);
  w.u8(fb.feedback_count);
  write_chunks(w, symbols);
  for (std::size_t i = 0; i < fb.packets.size(); ++i) {
    const std::int64_t ticks = fb.packets[i].delta_us / kDeltaTickUs;
    if (symbols[i] == kSmallDelta) w.u8(static_cast<std::uint8_t>(ticks));
    if (symbols[i] == kLargeDelta) w.u16(static_cast<std::uint16_t>(ticks));
  }
  return finish_packet(out, start);  // zero padding, as the draft describes
}

}  // namespace bailanys::rtc::rtcp::detail
