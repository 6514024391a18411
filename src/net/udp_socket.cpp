#include "net/udp_socket.hpp"

#include "net/media_loop.hpp"
#include "net/send_batch.hpp"
#include "net/sockaddr_convert.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace bailanys::net {

namespace {
// Datagrams read per readiness event before yielding to other work on the loop.
constexpr int kBatch = 64;
constexpr int kSocketBufferBytes = 4 * 1024 * 1024;
}  // namespace

struct UdpSocket::Impl {
  Impl(MediaLoop& l, Handler h) : socket(l.context()), handler(std::move(h)) {}

  boost::asio::ip::udp::socket socket;
  Handler handler;
  UdpCounters counters;
  alignas(16) std::array<std::uint8_t, kBufferSize> buffer{};
  SendBatch batch;
  int holds = 0;
  bool closed = false;

  void flush() {
    if (batch.empty()) return;
    const SendBatchResult r = batch.flush(socket.native_handle());
    counters.sent += r.sent;
    counters.send_dropped += r.dropped;
    counters.send_calls += r.calls;
  }

  void send_now(std::span<const std::uint8_t> datagram, const sockaddr_storage& dest,
                socklen_t len) {
    ++counters.send_calls;
    const ssize_t n = ::sendto(socket.native_handle(), datagram.data(), datagram.size(),
                               MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&dest), len);
    if (n < 0) {
      ++counters.send_dropped;
      return;
    }
    ++counters.sent;
  }

  void wait() {
    socket.async_wait(boost::asio::ip::udp::socket::wait_read,
                      [this](const boost::system::error_code& ec) {
                        if (ec || closed) return;
                        drain();
                        wait();
                      });
  }

  void drain() {
    // Everything the handlers send while this drain runs goes out in batches.
    ++holds;
    drain_batch();
    if (--holds == 0 && !closed) flush();
  }

  void drain_batch() {
    const int fd = socket.native_handle();
    for (int i = 0; i < kBatch; ++i) {
      sockaddr_storage from{};
      socklen_t from_len = sizeof from;
      const ssize_t n = ::recvfrom(fd, buffer.data(), buffer.size(), MSG_DONTWAIT,
                                   reinterpret_cast<sockaddr*>(&from), &from_len);
      if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) ++counters.receive_errors;
        return;
      }
      ++counters.received;
      handler(std::span<std::uint8_t>(buffer), static_cast<std::size_t>(n), from_sockaddr(from));
      if (closed) return;
    }
  }
};

UdpSocket::UdpSocket(MediaLoop& loop, const SocketAddress& bind, Handler handler)
    : impl_(std::make_unique<Impl>(loop, std::move(handler))) {
  const auto address = boost::asio::ip::make_address(bind.ip_string());
  const boost::asio::ip::udp::endpoint endpoint(address, bind.port);
  boost::system::error_code ec;
  impl_->socket.open(endpoint.protocol(), ec);
  if (!ec) impl_->socket.non_blocking(true, ec);
  if (!ec) impl_->socket.bind(endpoint, ec);
  if (ec) {
    throw std::runtime_error("cannot open UDP " + bind.to_string() + " for media: " + ec.message());
  }
  // Bigger kernel buffers absorb bursts (keyframes) while the loop is busy; best effort.
  const int fd = impl_->socket.native_handle();
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kSocketBufferBytes, sizeof kSocketBufferBytes);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &kSocketBufferBytes, sizeof kSocketBufferBytes);
}

UdpSocket::~UdpSocket() { close(); }

void UdpSocket::start() { impl_->wait(); }

void UdpSocket::close() {
  if (impl_->closed) return;
  impl_->flush();
  impl_->closed = true;
  boost::system::error_code ignored;
  impl_->socket.close(ignored);
}

void UdpSocket::send(std::span<const std::uint8_t> datagram, const SocketAddress& to) {
  if (impl_->closed) return;
  sockaddr_storage dest{};
  const socklen_t len = to_sockaddr(to, dest);
  if (impl_->holds == 0) {
    impl_->send_now(datagram, dest, len);
  } else if (impl_->batch.add(datagram, dest, len)) {
    if (impl_->batch.full()) impl_->flush();
  } else {
    // Larger than a batch slot: after what is queued, to keep the order.
    impl_->flush();
    impl_->send_now(datagram, dest, len);
  }
}

void UdpSocket::flush() {
  if (!impl_->closed) impl_->flush();
}

UdpSocket::Hold::Hold(UdpSocket& socket) : socket_(socket) { ++socket_.impl_->holds; }

UdpSocket::Hold::~Hold() {
  if (--socket_.impl_->holds == 0) socket_.flush();
}

SocketAddress UdpSocket::local_address() const {
  boost::system::error_code ec;
  const auto ep = impl_->socket.local_endpoint(ec);
  auto a = SocketAddress::parse(ep.address().to_string(), ep.port());
  return a ? *a : SocketAddress{};
}

const UdpCounters& UdpSocket::counters() const { return impl_->counters; }

}  // namespace bailanys::net
