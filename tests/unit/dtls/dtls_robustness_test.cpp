// Garbage, truncated records and alerts from the network never crash or throw; a connected
// association shrugs off what it cannot authenticate (RFC 6347 §4.1.2.7).
#include "common/bytes.hpp"
#include "dtls_test_harness.hpp"

#include <gtest/gtest.h>

#include <random>

namespace bailanys::rtc::dtls {
namespace {

using testing::Bytes;
using testing::DtlsPair;
using testing::RecordingListener;

// A captured handshake: every datagram each side sent, in order.
struct CapturedHandshake {
  std::vector<Bytes> from_client;
  std::vector<Bytes> from_server;
};

CapturedHandshake capture_handshake() {
  DtlsPair pair;
  pair.connect();
  return {pair.client_events.sent, pair.server_events.sent};
}

Bytes random_bytes(std::mt19937& random, std::size_t size) {
  Bytes bytes(size);
  for (auto& b : bytes) b = static_cast<std::uint8_t>(random());
  return bytes;
}

// A DTLS 1.2 record header (RFC 6347 §4.1) in front of `body`.
Bytes record(std::uint8_t content_type, std::uint16_t epoch, const Bytes& body) {
  Bytes out;
  ByteWriter writer(out);
  writer.u8(content_type);
  writer.u16(0xfefd);  // DTLS 1.2
  writer.u16(epoch);
  writer.u16(0);  // 48-bit sequence number 9
  writer.u32(9);
  writer.u16(static_cast<std::uint16_t>(body.size()));
  writer.bytes(body);
  return out;
}

TEST(DtlsRobustness, DatagramsBeforeStartAreIgnored) {
  const CapturedHandshake captured = capture_handshake();
  RecordingListener events;
  DtlsTransport transport(testing::certificate_b(), events);
  transport.handle_packet(captured.from_client[0], steady_now_ms());
  transport.handle_timeout(steady_now_ms());
  EXPECT_EQ(transport.state(), DtlsState::New);
  EXPECT_TRUE(events.sent.empty());
  EXPECT_TRUE(events.failures.empty());
}

TEST(DtlsRobustness, NonDtlsFirstBytesAreIgnored) {
  DtlsPair pair;
  pair.exchange_fingerprints();
  pair.start();
  for (const std::uint8_t first : {0, 1, 19, 64, 127, 128, 191, 255}) {
    Bytes datagram = record(22, 0, Bytes(40, 0));
    datagram[0] = first;
    pair.server.handle_packet(datagram, steady_now_ms());
  }
  pair.server.handle_packet({}, steady_now_ms());
  EXPECT_EQ(pair.server.state(), DtlsState::Connecting);
  EXPECT_TRUE(pair.server_events.sent.empty());
  pair.pump();
  EXPECT_EQ(pair.server.state(), DtlsState::Connected);
}

TEST(DtlsRobustness, RandomGarbageDuringTheHandshakeNeverCrashes) {
  std::mt19937 random(42);
  for (int round = 0; round < 300; ++round) {
    RecordingListener events;
    DtlsTransport transport(testing::certificate_b(), events);
    transport.set_remote_fingerprint("sha-256", testing::certificate_a()->fingerprint_sha256());
    transport.start(round % 2 == 0 ? DtlsRole::Server : DtlsRole::Client, steady_now_ms());
    for (int i = 0; i < 5; ++i) {
      Bytes garbage = random_bytes(random, random() % 300);
      if (!garbage.empty()) garbage[0] = static_cast<std::uint8_t>(20 + random() % 4);
      if (garbage.size() > 2 && i % 2 == 0) {
        garbage[1] = 0xfe;  // plausible DTLS 1.2 version so OpenSSL looks deeper
        garbage[2] = 0xfd;
      }
      transport.handle_packet(garbage, steady_now_ms());
    }
    EXPECT_TRUE(transport.state() == DtlsState::Connecting ||
                transport.state() == DtlsState::Failed);
    EXPECT_LE(events.failures.size(), 1u);
    EXPECT_EQ(events.connected, 0);
  }
}

TEST(DtlsRobustness, EveryTruncationOfEveryHandshakeDatagramIsSafe) {
  const CapturedHandshake captured = capture_handshake();
  // Client datagrams go to a fresh server, server datagrams to a fresh client (waiting for a
  // ServerHello); every prefix, one transport per prefix so each sees it as new.
  for (const bool to_server : {true, false}) {
    const auto& datagrams = to_server ? captured.from_client : captured.from_server;
    for (const Bytes& datagram : datagrams) {
      for (std::size_t size = 1; size < datagram.size(); ++size) {
        RecordingListener events;
        DtlsTransport transport(to_server ? testing::certificate_b() : testing::certificate_a(),
                                events);
        transport.set_remote_fingerprint("sha-256", "00");
        transport.start(to_server ? DtlsRole::Server : DtlsRole::Client, steady_now_ms());
        transport.handle_packet(std::span(datagram.data(), size), steady_now_ms());
        EXPECT_NE(transport.state(), DtlsState::Connected);
        EXPECT_LE(events.failures.size(), 1u);
      }
    }
  }
}

TEST(DtlsRobustness, ConnectedAssociationSurvivesGarbageAndTruncatedRecords) {
  DtlsPair pair;
  pair.connect();
  ASSERT_TRUE(pair.client.send_data(testing::to_bytes("a record to mangle")));
  const Bytes good = pair.client_events.outbox.back();
  pair.client_events.outbox.clear();

  std::mt19937 random(7);
  for (std::size_t size = 1; size < good.size(); ++size) {
    pair.server.handle_packet(std::span(good.data(), size), steady_now_ms());
  }
  for (int round = 0; round < 500; ++round) {
    Bytes garbage = random_bytes(random, 1 + random() % 200);
    garbage[0] = static_cast<std::uint8_t>(20 + random() % 44);
    if (garbage.size() > 4 && round % 2 == 0) {
      garbage[1] = 0xfe;
      garbage[2] = 0xfd;
      garbage[3] = 0;
      garbage[4] = 1;  // the current epoch: OpenSSL tries to decrypt and fails
    }
    pair.server.handle_packet(garbage, steady_now_ms());
  }
  Bytes flipped = good;
  flipped.back() ^= 1;  // authentication tag
  pair.server.handle_packet(flipped, steady_now_ms());
  EXPECT_EQ(pair.server.state(), DtlsState::Connected) << pair.failure_text();
  EXPECT_TRUE(pair.server_events.received.empty());

  // The real record is still accepted afterwards, and data flows both ways.
  pair.server.handle_packet(good, steady_now_ms());
  ASSERT_EQ(pair.server_events.received.size(), 1u);
  EXPECT_EQ(pair.server_events.received[0], testing::to_bytes("a record to mangle"));
  pair.server_events.outbox.clear();
  ASSERT_TRUE(pair.server.send_data(testing::to_bytes("still here")));
  pair.pump();
  ASSERT_EQ(pair.client_events.received.size(), 1u);
}

TEST(DtlsRobustness, ReplayedRecordIsDeliveredOnce) {
  DtlsPair pair;
  pair.connect();
  ASSERT_TRUE(pair.client.send_data(testing::to_bytes("once")));
  const Bytes datagram = pair.client_events.outbox.back();
  pair.server.handle_packet(datagram, steady_now_ms());
  pair.server.handle_packet(datagram, steady_now_ms());  // RFC 6347 §4.1.2.6 replay detection
  EXPECT_EQ(pair.server_events.received.size(), 1u);
}

TEST(DtlsRobustness, FatalAlertDuringTheHandshakeFails) {
  DtlsPair pair;
  pair.exchange_fingerprints();
  pair.client.start(DtlsRole::Client, steady_now_ms());
  // handshake_failure (40), fatal, in the clear at epoch 0 (RFC 5246 §7.2).
  pair.client.handle_packet(record(21, 0, {2, 40}), steady_now_ms());
  EXPECT_EQ(pair.client.state(), DtlsState::Failed);
  ASSERT_EQ(pair.client_events.failures.size(), 1u);
  EXPECT_NE(pair.client_events.failures[0].find("handshake failed"), std::string::npos);
  EXPECT_NE(pair.client_events.failures[0].find("alert"), std::string::npos)
      << pair.client_events.failures[0];
  EXPECT_FALSE(pair.client.next_timeout().has_value());

  // Dead transports stay quiet.
  const std::size_t sent = pair.client_events.sent.size();
  pair.client.handle_packet(record(22, 0, Bytes(20, 0)), steady_now_ms());
  pair.client.handle_timeout(steady_now_ms() + 10'000);
  pair.client.close();
  EXPECT_EQ(pair.client.state(), DtlsState::Failed);
  EXPECT_EQ(pair.client_events.sent.size(), sent);
  EXPECT_EQ(pair.client_events.failures.size(), 1u);
}

TEST(DtlsRobustness, ServerThatGetsAServerHelloFails) {
  const CapturedHandshake captured = capture_handshake();
  RecordingListener events;
  DtlsTransport server(testing::certificate_b(), events);
  server.set_remote_fingerprint("sha-256", testing::certificate_a()->fingerprint_sha256());
  server.start(DtlsRole::Server, steady_now_ms());
  server.handle_packet(captured.from_server[0], steady_now_ms());  // a flight for a client
  EXPECT_NE(server.state(), DtlsState::Connected);
  EXPECT_LE(events.failures.size(), 1u);
}

}  // namespace
}  // namespace bailanys::rtc::dtls
