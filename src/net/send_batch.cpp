#include "net/send_batch.hpp"

#include <array>
#include <cerrno>
#include <cstring>

namespace bailanys::net {

namespace {
// A send interrupted by a signal is retried this many times before the datagram is dropped
// (with MSG_DONTWAIT the kernel does not sleep, so this is only a guard against a loop).
constexpr int kMaxInterrupts = 3;

int system_sendmmsg(int fd, mmsghdr* messages, unsigned int count, int flags) {
  return ::sendmmsg(fd, messages, count, flags);
}
}  // namespace

struct SendBatch::Slots {
  std::array<std::array<std::uint8_t, kSlotBytes>, kCapacity> bytes{};
  std::array<sockaddr_storage, kCapacity> to{};
  std::array<iovec, kCapacity> iov{};
  std::array<mmsghdr, kCapacity> headers{};
};

SendBatch::SendBatch(SendMany send_many)
    : slots_(std::make_unique<Slots>()),
      send_many_(send_many != nullptr ? send_many : &system_sendmmsg) {
  for (std::size_t i = 0; i < kCapacity; ++i) {
    slots_->iov.at(i).iov_base = slots_->bytes.at(i).data();
    msghdr& h = slots_->headers.at(i).msg_hdr;
    h.msg_name = &slots_->to.at(i);
    h.msg_iov = &slots_->iov.at(i);
    h.msg_iovlen = 1;
  }
}

SendBatch::~SendBatch() = default;

bool SendBatch::add(std::span<const std::uint8_t> datagram, const sockaddr_storage& to,
                    socklen_t to_len) {
  if (full() || datagram.size() > kSlotBytes || to_len > sizeof(sockaddr_storage)) return false;
  const std::size_t i = count_++;
  std::memcpy(slots_->bytes[i].data(), datagram.data(), datagram.size());
  std::memcpy(&slots_->to[i], &to, to_len);
  slots_->iov[i].iov_len = datagram.size();
  slots_->headers[i].msg_hdr.msg_namelen = to_len;
  slots_->headers[i].msg_len = 0;
  return true;
}

SendBatchResult SendBatch::flush(int fd) {
  SendBatchResult result;
  std::size_t next = 0;
  int interrupts = 0;
  while (next < count_) {
    const int n = send_many_(fd, &slots_->headers[next], static_cast<unsigned int>(count_ - next),
                             MSG_DONTWAIT);
    ++result.calls;
    if (n > 0) {
      // Possibly fewer than asked: the next one failed (or the call was cut short); go on
      // from there, and the next call reports that datagram's error.
      result.sent += static_cast<std::size_t>(n);
      next += static_cast<std::size_t>(n);
      interrupts = 0;
      continue;
    }
    const int error = n < 0 ? errno : 0;
    if (error == EINTR && ++interrupts < kMaxInterrupts) continue;
    // A full socket buffer refuses the rest too: they are dropped at once rather than tried
    // one call each, at the moment the machine is busiest.
    if (error == EAGAIN || error == EWOULDBLOCK || error == ENOBUFS) {
      result.dropped += count_ - next;
      break;
    }
    // Otherwise the first datagram left failed for its own reason (its destination, its size):
    // media is not queued for later (it would only arrive late), so it is dropped and the rest
    // go on.
    ++result.dropped;
    ++next;
    interrupts = 0;
  }
  count_ = 0;
  return result;
}

}  // namespace bailanys::net
