#include "net/send_batch.hpp"
#include "net/media_loop.hpp"
#include "net/sockaddr_convert.hpp"
#include "net/udp_socket.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

namespace bailanys::net {
namespace {

// A scripted sendmmsg: each call consumes one step. A step >= 0 sends that many datagrams (at
// most the count asked for); a step < 0 fails with errno = -step. Sent payloads are recorded.
struct Script {
  std::vector<int> steps;
  std::size_t next_step = 0;
  std::vector<std::string> delivered;
  std::vector<unsigned int> asked;
};
Script* g_script = nullptr;

int scripted_sendmmsg(int /*fd*/, mmsghdr* messages, unsigned int count, int /*flags*/) {
  Script& s = *g_script;
  s.asked.push_back(count);
  const int step = s.next_step < s.steps.size() ? s.steps[s.next_step] : static_cast<int>(count);
  ++s.next_step;
  if (step < 0) {
    errno = -step;
    return -1;
  }
  const unsigned int n = std::min(count, static_cast<unsigned int>(step));
  for (unsigned int i = 0; i < n; ++i) {
    const iovec& v = messages[i].msg_hdr.msg_iov[0];
    s.delivered.emplace_back(static_cast<const char*>(v.iov_base), v.iov_len);
    messages[i].msg_len = static_cast<unsigned int>(v.iov_len);
  }
  return static_cast<int>(n);
}

class SendBatchTest : public ::testing::Test {
 protected:
  void SetUp() override { g_script = &script; }
  void TearDown() override { g_script = nullptr; }

  void add(SendBatch& batch, const std::string& text) {
    sockaddr_storage to{};
    const socklen_t len = to_sockaddr(*SocketAddress::parse("127.0.0.1", 9), to);
    std::vector<std::uint8_t> bytes(text.begin(), text.end());
    ASSERT_TRUE(batch.add(bytes, to, len));
    bytes.assign(bytes.size(), 'x');  // the batch holds its own copy
  }

  Script script;
};

TEST_F(SendBatchTest, SendsEverythingInOneCallInOrder) {
  SendBatch batch(&scripted_sendmmsg);
  for (const char* p : {"a", "bb", "ccc"}) add(batch, p);
  EXPECT_EQ(batch.size(), 3U);
  const auto r = batch.flush(-1);
  EXPECT_EQ(r.sent, 3U);
  EXPECT_EQ(r.dropped, 0U);
  EXPECT_EQ(r.calls, 1U);
  EXPECT_EQ(script.delivered, (std::vector<std::string>{"a", "bb", "ccc"}));
  EXPECT_TRUE(batch.empty());
  EXPECT_EQ(batch.flush(-1).calls, 0U);  // nothing queued: no system call
}

TEST_F(SendBatchTest, PartialSendContinuesWithTheRest) {
  script.steps = {2, 1, 5};
  SendBatch batch(&scripted_sendmmsg);
  for (const char* p : {"1", "2", "3", "4", "5"}) add(batch, p);
  const auto r = batch.flush(-1);
  EXPECT_EQ(r.sent, 5U);
  EXPECT_EQ(r.dropped, 0U);
  EXPECT_EQ(r.calls, 3U);
  EXPECT_EQ(script.asked, (std::vector<unsigned int>{5, 3, 2}));
  EXPECT_EQ(script.delivered, (std::vector<std::string>{"1", "2", "3", "4", "5"}));
}

TEST_F(SendBatchTest, AFailedDatagramIsDroppedAndTheOthersStillGo) {
  // sendmmsg stops at the third datagram; the retry from there fails with EPERM (a firewall,
  // that destination only), another with EMSGSIZE, then the rest go.
  script.steps = {2, -EPERM, -EMSGSIZE, 10};
  SendBatch batch(&scripted_sendmmsg);
  for (const char* p : {"1", "2", "3", "4", "5", "6"}) add(batch, p);
  const auto r = batch.flush(-1);
  EXPECT_EQ(r.sent, 4U);
  EXPECT_EQ(r.dropped, 2U);
  EXPECT_EQ(r.calls, 4U);
  EXPECT_EQ(script.delivered, (std::vector<std::string>{"1", "2", "5", "6"}));
}

TEST_F(SendBatchTest, AFullSocketBufferDropsTheRestInOneCall) {
  // EAGAIN / ENOBUFS: the kernel's buffer is full; trying the rest one call each would only
  // spend more system calls at the busiest moment.
  for (const int error : {EAGAIN, ENOBUFS}) {
    script = {};
    script.steps = {2, -error, 10};
    SendBatch batch(&scripted_sendmmsg);
    for (const char* p : {"1", "2", "3", "4", "5"}) add(batch, p);
    const auto r = batch.flush(-1);
    EXPECT_EQ(r.sent, 2U);
    EXPECT_EQ(r.dropped, 3U);
    EXPECT_EQ(r.calls, 2U);
    EXPECT_TRUE(batch.empty());
    EXPECT_EQ(script.delivered, (std::vector<std::string>{"1", "2"}));
  }
}

TEST_F(SendBatchTest, InterruptedCallIsRetried) {
  script.steps = {-EINTR, 2};
  SendBatch batch(&scripted_sendmmsg);
  for (const char* p : {"1", "2"}) add(batch, p);
  const auto r = batch.flush(-1);
  EXPECT_EQ(r.sent, 2U);
  EXPECT_EQ(r.dropped, 0U);
  EXPECT_EQ(r.calls, 2U);
}

TEST_F(SendBatchTest, RefusesOversizedDatagramsAndAFullBatch) {
  SendBatch batch(&scripted_sendmmsg);
  sockaddr_storage to{};
  const socklen_t len = to_sockaddr(*SocketAddress::parse("127.0.0.1", 9), to);
  const std::vector<std::uint8_t> big(SendBatch::kSlotBytes + 1, 1);
  EXPECT_FALSE(batch.add(big, to, len));
  const std::vector<std::uint8_t> small(10, 1);
  for (std::size_t i = 0; i < SendBatch::kCapacity; ++i) ASSERT_TRUE(batch.add(small, to, len));
  EXPECT_TRUE(batch.full());
  EXPECT_FALSE(batch.add(small, to, len));
  EXPECT_EQ(batch.flush(-1).sent, SendBatch::kCapacity);
}

// A UDP socket bound to a free loopback port; its address in `addr`. -1 on failure.
int loopback_receiver(sockaddr_storage& addr, socklen_t& len) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return -1;
  sockaddr_storage bind_to{};
  const socklen_t bind_len = to_sockaddr(*SocketAddress::parse("127.0.0.1", 0), bind_to);
  len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&bind_to), bind_len) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// With the real sendmmsg: a datagram to an unusable destination (port 0) in the middle of a
// batch is dropped, and the others reach the receiver in order.
TEST(SendBatchSocketTest, RealSendmmsgSkipsABadDestination) {
  sockaddr_storage rx_addr{};
  socklen_t rx_len = 0;
  const int rx = loopback_receiver(rx_addr, rx_len);
  const int tx = ::socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(rx, 0);
  ASSERT_GE(tx, 0);
  sockaddr_storage bad{};
  const socklen_t bad_len = to_sockaddr(*SocketAddress::parse("127.0.0.1", 0), bad);

  SendBatch batch;
  const std::vector<std::uint8_t> one{'1'}, two{'2'}, three{'3'};
  ASSERT_TRUE(batch.add(one, rx_addr, rx_len));
  ASSERT_TRUE(batch.add(two, bad, bad_len));
  ASSERT_TRUE(batch.add(three, rx_addr, rx_len));
  const auto r = batch.flush(tx);
  EXPECT_EQ(r.sent, 2U);
  EXPECT_EQ(r.dropped, 1U);
  std::string got;
  for (int i = 0; i < 2; ++i) {
    char c = 0;
    ASSERT_EQ(::recv(rx, &c, 1, 0), 1);
    got += c;
  }
  EXPECT_EQ(got, "13");
  ::close(rx);
  ::close(tx);
}

// UdpSocket queues what it sends while held and sends it in one call when the hold ends.
TEST(UdpSocketBatchTest, HoldQueuesAndFlushesInOneCall) {
  MediaLoop loop("test");
  UdpSocket socket(loop, *SocketAddress::parse("127.0.0.1", 0),
                   [](std::span<std::uint8_t>, std::size_t, const SocketAddress&) {});
  sockaddr_storage rx_addr{};
  socklen_t rx_len = 0;
  const int rx = loopback_receiver(rx_addr, rx_len);
  ASSERT_GE(rx, 0);
  const SocketAddress to = from_sockaddr(rx_addr);

  std::vector<std::uint8_t> buffer(100);
  {
    const UdpSocket::Hold outer(socket);
    {
      const UdpSocket::Hold inner(socket);
      for (std::uint8_t i = 1; i <= 3; ++i) {
        buffer.assign(static_cast<std::size_t>(i) * 10, i);  // one buffer, reused at once
        socket.send(buffer, to);
      }
    }
    char c = 0;
    EXPECT_EQ(::recv(rx, &c, 1, MSG_DONTWAIT), -1);  // still held by the outer hold
    EXPECT_EQ(socket.counters().send_calls, 0U);
  }
  EXPECT_EQ(socket.counters().sent, 3U);
  EXPECT_EQ(socket.counters().send_calls, 1U);
  for (std::uint8_t i = 1; i <= 3; ++i) {
    std::array<std::uint8_t, 64> got{};
    const ssize_t n = ::recv(rx, got.data(), got.size(), MSG_DONTWAIT);
    ASSERT_EQ(n, static_cast<ssize_t>(i) * 10);
    EXPECT_EQ(got[0], i);
  }
  // Without a hold, a send goes at once.
  socket.send(buffer, to);
  EXPECT_EQ(socket.counters().send_calls, 2U);
  ::close(rx);
}

}  // namespace
}  // namespace bailanys::net
