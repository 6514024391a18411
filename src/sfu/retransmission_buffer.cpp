#include "sfu/retransmission_buffer.hpp"

#include <algorithm>

#include <bit>

namespace bailanys::sfu {

namespace {
constexpr std::size_t kSlotHeadroom = 256;
}  // namespace

RetransmissionBuffer::RetransmissionBuffer(std::size_t capacity, TimeMs max_age_ms)
    : slots_(std::bit_ceil(capacity < 2 ? std::size_t{2} : capacity)),
      mask_(slots_.size() - 1),
      max_age_ms_(max_age_ms) {}

void RetransmissionBuffer::store(std::uint16_t sequence, std::span<const std::uint8_t> packet,
                                 TimeMs now) {
  Slot& slot = slots_[sequence & mask_];
  // A slot allocates once, with headroom (packets of one stream vary by a few hundred bytes),
  // not each time a packet is a little larger than the one it held before.
  if (slot.bytes.capacity() < packet.size()) {
    slot.bytes.reserve((packet.size() + kSlotHeadroom + 255) & ~std::size_t{255});
  }
  slot.bytes.assign(packet.begin(), packet.end());
  slot.sequence = sequence;
  slot.stored_at = now;
}

void RetransmissionBuffer::replace_header(std::uint16_t sequence,
                                          std::span<const std::uint8_t> header) {
  Slot& slot = slots_[sequence & mask_];
  if (slot.stored_at < 0 || slot.sequence != sequence || slot.bytes.size() < header.size()) return;
  std::copy(header.begin(), header.end(), slot.bytes.begin());
}

std::span<const std::uint8_t> RetransmissionBuffer::find(std::uint16_t sequence, TimeMs now) const {
  const Slot& slot = slots_[sequence & mask_];
  if (slot.stored_at < 0 || slot.sequence != sequence || now - slot.stored_at > max_age_ms_) {
    return {};
  }
  return slot.bytes;
}

void RetransmissionBuffer::clear() {
  for (auto& slot : slots_) slot.stored_at = -1;
}

}  // namespace bailanys::sfu
