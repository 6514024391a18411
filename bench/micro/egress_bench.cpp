// The send system call of the media path: one 1200-byte datagram to each of N loopback
// destinations, with one sendto(2) per datagram (UdpSocket outside a Hold) or queued in a
// SendBatch and sent with sendmmsg(2) (UdpSocket inside a Hold). The receivers' buffers are
// tiny, so the kernel drops the datagrams at their queues: what is measured is the sender's
// side plus loopback delivery, which Linux runs in the sender's context (on a real network
// interface that half is not there). CPU time includes the kernel's.
#include "net/send_batch.hpp"

#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <vector>

namespace {

struct Destinations {
  explicit Destinations(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
      const int tiny = 1;
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      sockaddr_storage bound{};
      socklen_t len = sizeof bound;
      ok = ok && fd >= 0 && ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &tiny, sizeof tiny) == 0 &&
           ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
           ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len) == 0;
      receivers.push_back(fd);
      addresses.push_back(bound);
    }
    sender = ::socket(AF_INET, SOCK_DGRAM, 0);
    ok = ok && sender >= 0;
  }
  ~Destinations() {
    for (const int fd : receivers) ::close(fd);
    ::close(sender);
  }
  Destinations(const Destinations&) = delete;
  Destinations& operator=(const Destinations&) = delete;

  std::vector<int> receivers;
  std::vector<sockaddr_storage> addresses;
  int sender = -1;
  bool ok = true;
};

// Arguments: destinations, 0 = sendto per datagram, 1 = SendBatch (sendmmsg).
void BM_Egress(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const bool batched = state.range(1) != 0;
  Destinations d(n);
  if (!d.ok) {
    state.SkipWithError("cannot open the loopback sockets");
    return;
  }
  const std::vector<std::uint8_t> datagram(1200, 0x5A);
  bailanys::net::SendBatch batch;
  for (auto _ : state) {
    for (const auto& to : d.addresses) {
      if (!batched) {
        ::sendto(d.sender, datagram.data(), datagram.size(), MSG_DONTWAIT,
                 reinterpret_cast<const sockaddr*>(&to), sizeof(sockaddr_in));
        continue;
      }
      batch.add(datagram, to, sizeof(sockaddr_in));
      if (batch.full()) batch.flush(d.sender);
    }
    if (batched) batch.flush(d.sender);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Egress)->ArgsProduct({{1, 10, 100}, {0, 1}});

}  // namespace
