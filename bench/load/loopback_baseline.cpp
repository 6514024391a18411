#include "loopback_baseline.hpp"

#include "common/bytes.hpp"
#include "load_clock.hpp"
#include "net/media_loop.hpp"
#include "net/udp_socket.hpp"

#include <array>
#include <atomic>
#include <memory>
#include <thread>

namespace bailanys::load {

LatencyHistogram measure_loopback_baseline(int samples) {
  LatencyHistogram histogram;
  std::atomic<int> received{0};
  const auto local = *SocketAddress::parse("127.0.0.1", 0);
  net::MediaLoop loop("load-baseline");
  net::UdpSocket receiver(loop, local, [&](std::span<std::uint8_t> buffer, std::size_t size,
                                          const SocketAddress&) {
    if (size < 8) return;
    histogram.add(now_us() - static_cast<TimeUs>(load_be64(buffer.data())));
    received.fetch_add(1, std::memory_order_relaxed);
  });
  net::UdpSocket sender(loop, local, [](std::span<std::uint8_t>, std::size_t, const SocketAddress&) {});
  const SocketAddress to = receiver.local_address();
  receiver.start();
  int sent = 0;
  loop.every(std::chrono::milliseconds(1), [&] {
    if (sent >= samples) return;
    std::array<std::uint8_t, 200> datagram{};  // about an audio packet with SRTP
    store_be64(datagram.data(), static_cast<std::uint64_t>(now_us()));
    sender.send(datagram, to);
    ++sent;
  });
  loop.start();
  const TimeUs deadline = now_us() + static_cast<TimeUs>(samples) * 1000 + 500'000;
  while (received.load(std::memory_order_relaxed) < samples && now_us() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  loop.stop([&] {
    receiver.close();
    sender.close();
  });
  loop.join();
  return histogram;
}

}  // namespace bailanys::load
