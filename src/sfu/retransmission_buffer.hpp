// The last packets sent on one outgoing stream, kept for NACK (RFC 4585 §6.2.1). Fixed slots
// indexed by sequence number: storing and finding are O(1), and each slot allocates once (with
// headroom for the stream's larger packets), the first time it is used. Packets are kept
// unencrypted so a retransmission is protected again like any packet.
#pragma once

#include "common/clock.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace bailanys::sfu {

class RetransmissionBuffer {
 public:
  // `capacity` slots (a power of two); packets older than `max_age_ms` are not resent (the
  // receiver has given up on them by then, and resending would only add load).
  explicit RetransmissionBuffer(std::size_t capacity = 1024, TimeMs max_age_ms = 1000);

  void store(std::uint16_t sequence, std::span<const std::uint8_t> packet, TimeMs now);
  // Overwrites the start of the stored packet with this sequence number by `header`, the bytes
  // that were finally sent (the transport-wide sequence number is written after the copy was
  // stored); its age stays. Nothing happens when that packet is not held or is shorter.
  void replace_header(std::uint16_t sequence, std::span<const std::uint8_t> header);
  // The stored packet with this sequence number, or empty when missing or too old.
  [[nodiscard]] std::span<const std::uint8_t> find(std::uint16_t sequence, TimeMs now) const;
  void clear();

 private:
  struct Slot {
    std::vector<std::uint8_t> bytes;
    std::uint16_t sequence = 0;
    TimeMs stored_at = -1;
  };
  std::vector<Slot> slots_;
  std::size_t mask_;
  TimeMs max_age_ms_;
};

}  // namespace bailanys::sfu
