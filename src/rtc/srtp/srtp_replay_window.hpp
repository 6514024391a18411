// The replay list of RFC 3711 §3.3.2: the highest index received so far and a sliding bitmap of
// the `Bits` indexes at and below it. Packets older than the window are refused, as are indexes
// already seen inside it. check() does not change anything; accept() records an index once the
// packet has been authenticated, so forged packets cannot move the window.
#pragma once

#include "rtc/srtp/srtp_status.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace bailanys::rtc::srtp {

template <std::size_t Bits>
class SrtpReplayWindow {
  static_assert(Bits >= 64 && Bits % 64 == 0, "whole 64-bit words");

 public:
  // Ok for an index never seen that is not behind the window (anything when nothing was seen).
  [[nodiscard]] SrtpStatus check(std::uint64_t index) const {
    if (!started_ || index > highest_) return SrtpStatus::Ok;
    if (highest_ - index >= Bits) return SrtpStatus::ReplayOld;
    return test(index) ? SrtpStatus::ReplayDuplicate : SrtpStatus::Ok;
  }

  // Records `index`; moves the window forward when it is the new highest.
  void accept(std::uint64_t index) {
    if (!started_) {
      started_ = true;
      highest_ = index;
    } else if (index > highest_) {
      const std::uint64_t advance = index - highest_;
      if (advance >= Bits) {
        words_.fill(0);
      } else {
        // The bits of the skipped indexes still hold what they meant one lap ago.
        for (std::uint64_t i = highest_ + 1; i < index; ++i) clear(i);
      }
      highest_ = index;
    }
    set(index);
  }

  [[nodiscard]] bool started() const { return started_; }
  // The highest index accepted; 0 before the first.
  [[nodiscard]] std::uint64_t highest() const { return highest_; }

 private:
  // Bit (index mod Bits) of a ring: the window never holds two indexes Bits apart.
  [[nodiscard]] bool test(std::uint64_t index) const {
    const std::uint64_t bit = index % Bits;
    return ((words_[bit / 64] >> (bit % 64)) & 1U) != 0;
  }
  void set(std::uint64_t index) {
    const std::uint64_t bit = index % Bits;
    words_[bit / 64] |= std::uint64_t{1} << (bit % 64);
  }
  void clear(std::uint64_t index) {
    const std::uint64_t bit = index % Bits;
    words_[bit / 64] &= ~(std::uint64_t{1} << (bit % 64));
  }

  std::array<std::uint64_t, Bits / 64> words_{};
  std::uint64_t highest_ = 0;
  bool started_ = false;
};

}  // namespace bailanys::rtc::srtp
