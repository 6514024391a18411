// Lost flights recover through the retransmission timer (RFC 6347 §4.2.4). OpenSSL's timer runs
// on the real clock, so these tests sleep for the first timeout (100 ms).
#include "dtls_test_harness.hpp"

#include <gtest/gtest.h>

namespace bailanys::rtc::dtls {
namespace {

using testing::Bytes;
using testing::DtlsPair;

TEST(DtlsRetransmission, ClientTimerIsArmedAfterTheFirstFlight) {
  DtlsPair pair;
  pair.exchange_fingerprints();
  const TimeMs now = steady_now_ms();
  pair.client.start(DtlsRole::Client, now);
  ASSERT_TRUE(pair.client.next_timeout().has_value());
  // 100 ms initial timeout, give or take OpenSSL's rounding.
  EXPECT_GE(*pair.client.next_timeout(), now + 50);
  EXPECT_LE(*pair.client.next_timeout(), now + 101);
  pair.server.start(DtlsRole::Server, now);
  EXPECT_FALSE(pair.server.next_timeout().has_value());  // a server waits, it has sent nothing
}

TEST(DtlsRetransmission, LostClientHelloIsSentAgain) {
  DtlsPair pair;
  pair.exchange_fingerprints();
  const TimeMs started = steady_now_ms();
  pair.start();
  const std::vector<Bytes> first_flight = std::exchange(pair.client_events.outbox, {});
  ASSERT_FALSE(first_flight.empty());

  // Firing early changes nothing: OpenSSL's clock has not reached the deadline (unless this
  // machine stalled for most of the 100 ms, in which case there is nothing to check).
  pair.client.handle_timeout(steady_now_ms());
  if (steady_now_ms() - started < 50) {
    EXPECT_TRUE(pair.client_events.outbox.empty());
  }
  EXPECT_TRUE(pair.client.next_timeout().has_value());
  pair.client_events.outbox.clear();

  testing::wait_and_fire_timer(pair.client, pair.client_events);
  ASSERT_FALSE(pair.client_events.outbox.empty());
  // RFC 6347 §4.2.4: the retransmitted ClientHello is the same message (handshake type 1).
  EXPECT_EQ(pair.client_events.outbox[0][0], 22);
  EXPECT_EQ(pair.client_events.outbox[0][13], 1);
  pair.pump();
  EXPECT_EQ(pair.client.state(), DtlsState::Connected) << pair.failure_text();
  EXPECT_EQ(pair.server.state(), DtlsState::Connected) << pair.failure_text();
}

TEST(DtlsRetransmission, LostServerFlightIsSentAgain) {
  DtlsPair pair;
  pair.exchange_fingerprints();
  pair.start();
  // Deliver the ClientHello, lose the server's whole answer.
  for (const Bytes& d : std::exchange(pair.client_events.outbox, {})) {
    pair.server.handle_packet(d, steady_now_ms());
  }
  ASSERT_FALSE(pair.server_events.outbox.empty());
  pair.server_events.outbox.clear();
  ASSERT_EQ(pair.client.state(), DtlsState::Connecting);

  // The server's own timer resends its flight (OpenSSL does not answer a repeated ClientHello
  // mid-handshake, it waits for its timer; the client's resent ClientHello is ignored).
  EXPECT_TRUE(pair.server.next_timeout().has_value());
  testing::run_until_connected(pair, 2000);
  EXPECT_EQ(pair.client.state(), DtlsState::Connected) << pair.failure_text();
  EXPECT_EQ(pair.server.state(), DtlsState::Connected) << pair.failure_text();
}

TEST(DtlsRetransmission, LostFinishedFlightIsRecovered) {
  DtlsPair pair;
  pair.exchange_fingerprints();
  pair.start();
  // Lose everything the server sends after it has connected: its ChangeCipherSpec + Finished.
  pair.pump([&](bool from_client, const Bytes&) {
    return !from_client && pair.server.state() == DtlsState::Connected;
  });
  ASSERT_EQ(pair.server.state(), DtlsState::Connected);
  ASSERT_EQ(pair.client.state(), DtlsState::Connecting);

  // The client times out and resends its last flight; the connected server recognises the
  // retransmission and resends its own (RFC 6347 §4.2.4, from inside SSL_read).
  testing::wait_and_fire_timer(pair.client, pair.client_events);
  pair.pump();
  EXPECT_EQ(pair.client.state(), DtlsState::Connected) << pair.failure_text();
  EXPECT_EQ(pair.server_events.connected, 1);
  ASSERT_TRUE(pair.client_events.keys && pair.server_events.keys);
  EXPECT_EQ(pair.client_events.keys->local_key_salt, pair.server_events.keys->remote_key_salt);
}

TEST(DtlsRetransmission, NextTimeoutDoublesAcrossExpiries) {
  DtlsPair pair;
  pair.exchange_fingerprints();
  pair.client.start(DtlsRole::Client, steady_now_ms());
  testing::wait_and_fire_timer(pair.client,
                               pair.client_events);  // 100 ms expired, next is 200 ms away
  const TimeMs now = steady_now_ms();
  ASSERT_TRUE(pair.client.next_timeout().has_value());
  EXPECT_GE(*pair.client.next_timeout() - now, 150);
  EXPECT_LE(*pair.client.next_timeout() - now, 201);
  EXPECT_EQ(pair.client_events.sent.size(), 2u);
}

}  // namespace
}  // namespace bailanys::rtc::dtls
