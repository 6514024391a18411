// Datagrams queued on the media loop and handed to the kernel in one sendmmsg(2) call. Each
// datagram is copied into a fixed slot (no allocation after construction), so the caller may
// reuse its buffer at once (the fan-out writes every subscriber's packet into one scratch buffer).
// Order is kept: datagrams leave in the order they were added.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace bailanys::net {

struct SendBatchResult {
  std::size_t sent = 0;
  std::size_t dropped = 0;  // refused by the kernel (EAGAIN, EPERM, EMSGSIZE, ...)
  std::size_t calls = 0;    // system calls made
};

class SendBatch {
 public:
  static constexpr std::size_t kCapacity = 32;
  static constexpr std::size_t kSlotBytes = 2048;
  // sendmmsg(2)'s signature; tests pass their own to script partial sends and errors.
  using SendMany = int (*)(int fd, mmsghdr* messages, unsigned int count, int flags);

  explicit SendBatch(SendMany send_many = nullptr);  // nullptr: ::sendmmsg
  ~SendBatch();
  SendBatch(const SendBatch&) = delete;
  SendBatch& operator=(const SendBatch&) = delete;

  // Copies the datagram into the next slot. False (nothing queued) when it is larger than a
  // slot or the batch is full: flush first.
  bool add(std::span<const std::uint8_t> datagram, const sockaddr_storage& to, socklen_t to_len);
  // Sends everything queued and empties the batch. A datagram the kernel refuses is dropped and
  // counted; the ones after it are still sent (sendmmsg stops at the first failure).
  SendBatchResult flush(int fd);

  [[nodiscard]] std::size_t size() const { return count_; }
  [[nodiscard]] bool empty() const { return count_ == 0; }
  [[nodiscard]] bool full() const { return count_ == kCapacity; }

 private:
  struct Slots;
  std::unique_ptr<Slots> slots_;
  SendMany send_many_;
  std::size_t count_ = 0;
};

}  // namespace bailanys::net
