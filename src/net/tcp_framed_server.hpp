// TCP listener for ICE-TCP (RFC 6544 passive candidates). Each connection carries STUN, DTLS
// and SRTP packets framed by a 16-bit length (RFC 4571 §2). Every connection has a bounded send
// queue: when a slow peer lets it fill, further packets are dropped (media is better lost than
// late) and counted.
#pragma once

#include "common/socket_address.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

namespace bailanys::net {

class MediaLoop;

struct TcpCounters {
  std::uint64_t accepted = 0;
  std::uint64_t refused = 0;  // over the connection limit
  std::uint64_t frames_received = 0;
  std::uint64_t frames_sent = 0;
  std::uint64_t send_dropped = 0;
};

struct TcpFramedServerOptions {
  std::size_t max_connections = 1024;
  std::size_t max_queued_frames = 512;
};

class TcpFramedServer {
 public:
  struct Handlers {
    // A frame arrived on connection `id`; `buffer` is writable with room past `size` (for
    // in-place SRTP). Valid only during the call.
    std::function<void(std::uint64_t id, std::span<std::uint8_t> buffer, std::size_t size,
                       const SocketAddress& from)>
        on_frame;
    // The connection is gone (peer closed, error, or close()).
    std::function<void(std::uint64_t id)> on_closed;
  };

  static constexpr std::size_t kBufferSize = 65536 + 256;

  // Binds and listens at once; throws std::runtime_error with a readable message when it cannot.
  TcpFramedServer(MediaLoop& loop, const SocketAddress& bind, Handlers handlers,
                  TcpFramedServerOptions options = {});
  ~TcpFramedServer();
  TcpFramedServer(const TcpFramedServer&) = delete;
  TcpFramedServer& operator=(const TcpFramedServer&) = delete;

  void start();
  // Closes the listener and every connection.
  void close();
  // Loop thread only. Queues one frame; false when the connection is unknown or its queue is full.
  bool send(std::uint64_t id, std::span<const std::uint8_t> frame);
  // Loop thread only. on_closed follows.
  void close_connection(std::uint64_t id);
  // Loop thread only. Closes connections that have sent nothing for `max_silence` since they
  // were accepted (a peer that opens connections and never speaks must not hold them).
  void close_silent_connections(std::chrono::milliseconds max_silence);

  [[nodiscard]] SocketAddress local_address() const;
  [[nodiscard]] const TcpCounters& counters() const;
  [[nodiscard]] std::size_t connection_count() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace bailanys::net
