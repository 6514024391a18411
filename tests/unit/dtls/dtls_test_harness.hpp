// Two DtlsTransports wired back to back through memory, with a listener that records events.
#pragma once

#include "common/clock.hpp"
#include "rtc/dtls/dtls_transport.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace bailanys::rtc::dtls::testing {

using Bytes = std::vector<std::uint8_t>;

inline Bytes to_bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }

// Generating a key pair costs a millisecond; most tests can share two.
inline const std::shared_ptr<const DtlsCertificate>& certificate_a() {
  static const auto certificate = DtlsCertificate::generate();
  return certificate;
}
inline const std::shared_ptr<const DtlsCertificate>& certificate_b() {
  static const auto certificate = DtlsCertificate::generate();
  return certificate;
}

class RecordingListener : public DtlsListener {
 public:
  void on_dtls_send(std::span<const std::uint8_t> datagram) override {
    outbox.emplace_back(datagram.begin(), datagram.end());
    sent.emplace_back(datagram.begin(), datagram.end());
  }
  void on_dtls_connected(const SrtpKeyMaterial& material) override {
    ++connected;
    keys = material;
  }
  void on_dtls_failed(std::string_view reason) override { failures.emplace_back(reason); }
  void on_dtls_closed() override { ++closed; }
  void on_dtls_data(std::span<const std::uint8_t> data) override {
    received.emplace_back(data.begin(), data.end());
  }

  std::vector<Bytes> outbox;  // waiting for delivery
  std::vector<Bytes> sent;    // everything ever sent
  int connected = 0;
  std::optional<SrtpKeyMaterial> keys;
  std::vector<std::string> failures;
  int closed = 0;
  std::vector<Bytes> received;
};

// A client and a server over a lossless memory link unless a test drops datagrams itself.
struct DtlsPair {
  explicit DtlsPair(DtlsOptions client_options = {}, DtlsOptions server_options = {})
      : client(certificate_a(), client_events, std::move(client_options)),
        server(certificate_b(), server_events, std::move(server_options)) {}

  void exchange_fingerprints() {
    client.set_remote_fingerprint("sha-256", certificate_b()->fingerprint_sha256());
    server.set_remote_fingerprint("sha-256", certificate_a()->fingerprint_sha256());
  }

  void start() {
    server.start(DtlsRole::Server, steady_now_ms());
    client.start(DtlsRole::Client, steady_now_ms());
  }

  // Delivers queued datagrams both ways until both sides are quiet; `drop` may discard some
  // (true = lose it). Returns the number delivered.
  int pump(const std::function<bool(bool from_client, const Bytes&)>& drop = nullptr) {
    int delivered = 0;
    for (int round = 0; round < 100; ++round) {
      auto to_server = std::exchange(client_events.outbox, {});
      auto to_client = std::exchange(server_events.outbox, {});
      if (to_server.empty() && to_client.empty()) break;
      for (const Bytes& datagram : to_server) {
        if (drop && drop(true, datagram)) continue;
        server.handle_packet(datagram, steady_now_ms());
        ++delivered;
      }
      for (const Bytes& datagram : to_client) {
        if (drop && drop(false, datagram)) continue;
        client.handle_packet(datagram, steady_now_ms());
        ++delivered;
      }
    }
    return delivered;
  }

  void connect() {
    exchange_fingerprints();
    start();
    pump();
    ASSERT_EQ(client.state(), DtlsState::Connected) << failure_text();
    ASSERT_EQ(server.state(), DtlsState::Connected) << failure_text();
  }

  [[nodiscard]] std::string failure_text() const {
    std::string text;
    for (const auto& f : client_events.failures) text += "client: " + f + "\n";
    for (const auto& f : server_events.failures) text += "server: " + f + "\n";
    return text;
  }

  RecordingListener client_events;
  RecordingListener server_events;
  DtlsTransport client;
  DtlsTransport server;
};

// Waits in real time until `transport`'s timer is due and fires it, again if OpenSSL was not
// ready yet, until it sends something (or 3 s pass). OpenSSL's DTLS timer runs on the real
// clock, and next_timeout() may be early by the time the previous call took (see
// dtls_transport.hpp), in which case handle_timeout() only re-arms it.
inline void wait_and_fire_timer(DtlsTransport& transport, const RecordingListener& events) {
  const std::size_t sent_before = events.sent.size();
  const TimeMs give_up = steady_now_ms() + 3000;
  while (events.sent.size() == sent_before && steady_now_ms() < give_up) {
    const auto due = transport.next_timeout();
    ASSERT_TRUE(due.has_value());
    const TimeMs wait = *due - steady_now_ms();
    if (wait > 0) std::this_thread::sleep_for(std::chrono::milliseconds(wait));
    transport.handle_timeout(steady_now_ms());
  }
  ASSERT_GT(events.sent.size(), sent_before) << "the timer never retransmitted";
}

// Runs both timers and the link the way a media worker would, until both sides are connected
// or `budget_ms` of real time has passed.
inline void run_until_connected(DtlsPair& pair, TimeMs budget_ms) {
  const TimeMs end = steady_now_ms() + budget_ms;
  pair.pump();
  while (steady_now_ms() < end && (pair.client.state() == DtlsState::Connecting ||
                                   pair.server.state() == DtlsState::Connecting)) {
    TimeMs due = end;
    for (const DtlsTransport* t : {&pair.client, &pair.server}) {
      if (t->next_timeout()) due = std::min(due, *t->next_timeout());
    }
    const TimeMs wait = due - steady_now_ms();
    if (wait > 0) std::this_thread::sleep_for(std::chrono::milliseconds(wait));
    for (DtlsTransport* t : {&pair.client, &pair.server}) {
      if (t->next_timeout() && *t->next_timeout() <= steady_now_ms())
        t->handle_timeout(steady_now_ms());
    }
    pair.pump();
  }
}

}  // namespace bailanys::rtc::dtls::testing
