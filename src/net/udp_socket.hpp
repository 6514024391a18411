// A non-blocking UDP socket on a MediaLoop. Receives are drained in batches on each readiness
// event; sends never block (a full kernel buffer drops the datagram and counts it, because
// queueing media for later only adds delay). Sends made while the socket is held (during the
// receive drain, or inside a Hold) are queued in a SendBatch and leave in one sendmmsg(2) call
// per SendBatch::kCapacity datagrams when the outermost hold ends: one system call for a whole
// fan-out instead of one per subscriber.
#pragma once

#include "common/socket_address.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

namespace bailanys::net {

class MediaLoop;

struct UdpCounters {
  std::uint64_t received = 0;
  std::uint64_t sent = 0;
  std::uint64_t send_dropped = 0;  // EAGAIN or another send error
  std::uint64_t send_calls = 0;    // sendto/sendmmsg system calls
  std::uint64_t receive_errors = 0;
};

class UdpSocket {
 public:
  // Called on the loop thread for each datagram. `buffer` is writable and larger than the
  // datagram (room for in-place SRTP); its first `size` bytes hold the datagram. Valid only
  // during the call.
  using Handler = std::function<void(std::span<std::uint8_t> buffer, std::size_t size,
                                     const SocketAddress& from)>;

  static constexpr std::size_t kBufferSize = 2048;

  // Binds at once; throws std::runtime_error with a readable message when it cannot.
  UdpSocket(MediaLoop& loop, const SocketAddress& bind, Handler handler);
  ~UdpSocket();
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  // Loop thread only: while one exists, sends are queued; the last one to go flushes them.
  class Hold {
   public:
    explicit Hold(UdpSocket& socket);
    ~Hold();
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;

   private:
    UdpSocket& socket_;
  };

  void start();
  // Sends what is queued, then closes.
  void close();
  // Loop thread only. Copies the datagram (the caller may reuse its buffer at once).
  void send(std::span<const std::uint8_t> datagram, const SocketAddress& to);
  // Loop thread only: sends what is queued now.
  void flush();

  [[nodiscard]] SocketAddress local_address() const;
  [[nodiscard]] const UdpCounters& counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bailanys::net
