#include "dtls_test_harness.hpp"
#include "rtc/srtp/srtp_session.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <utility>

namespace bailanys::rtc::dtls {
namespace {

using srtp::SrtpProfile;
using srtp::SrtpSession;
using srtp::SrtpStatus;
using testing::Bytes;
using testing::DtlsPair;
using testing::RecordingListener;

// Protects an RTP packet with `local` and unprotects it with `remote`.
void expect_keys_work(SrtpProfile profile, const Bytes& local, const Bytes& remote) {
  auto sender = SrtpSession::create(profile, local, SrtpSession::Direction::Outbound);
  auto receiver = SrtpSession::create(profile, remote, SrtpSession::Direction::Inbound);
  ASSERT_NE(sender, nullptr);
  ASSERT_NE(receiver, nullptr);
  const Bytes plain = {0x80, 0x60, 0x00, 0x01, 0x00, 0x00, 0x00, 0x10, 0xde, 0xad,
                       0xbe, 0xef, 1,    2,    3,    4,    5,    6,    7,    8};
  Bytes buffer = plain;
  buffer.resize(plain.size() + srtp::kSrtpMaxOverhead);
  std::size_t size = plain.size();
  ASSERT_EQ(sender->protect_rtp(buffer, size), SrtpStatus::Ok);
  ASSERT_EQ(receiver->unprotect_rtp(buffer, size), SrtpStatus::Ok);
  buffer.resize(size);
  EXPECT_EQ(buffer, plain);
}

TEST(DtlsHandshake, ConnectsAndKeysCrossMatch) {
  DtlsPair pair;
  EXPECT_EQ(pair.client.state(), DtlsState::New);
  pair.connect();
  EXPECT_EQ(pair.client_events.connected, 1);
  EXPECT_EQ(pair.server_events.connected, 1);
  ASSERT_TRUE(pair.client_events.keys && pair.server_events.keys);
  const SrtpKeyMaterial& client = *pair.client_events.keys;
  const SrtpKeyMaterial& server = *pair.server_events.keys;
  // Both prefer AES-GCM.
  EXPECT_EQ(client.profile, SrtpProfile::AeadAes128Gcm);
  EXPECT_EQ(server.profile, SrtpProfile::AeadAes128Gcm);
  EXPECT_EQ(pair.client.negotiated_profile(), SrtpProfile::AeadAes128Gcm);
  EXPECT_EQ(pair.server.negotiated_profile(), SrtpProfile::AeadAes128Gcm);
  EXPECT_EQ(client.local_key_salt.size(), 28u);
  EXPECT_EQ(client.local_key_salt, server.remote_key_salt);
  EXPECT_EQ(client.remote_key_salt, server.local_key_salt);
  EXPECT_NE(client.local_key_salt, client.remote_key_salt);
  EXPECT_TRUE(pair.client_events.failures.empty());
  EXPECT_TRUE(pair.server_events.failures.empty());
  EXPECT_FALSE(pair.client.next_timeout().has_value());
  EXPECT_EQ(pair.client.role(), DtlsRole::Client);
  EXPECT_EQ(pair.server.role(), DtlsRole::Server);

  expect_keys_work(client.profile, client.local_key_salt, server.remote_key_salt);
  expect_keys_work(client.profile, server.local_key_salt, client.remote_key_salt);
}

// The same two objects with the roles the other way round: the transport that was a server
// above is now the client.
TEST(DtlsHandshake, ConnectsWithRolesSwapped) {
  RecordingListener a_events;
  RecordingListener b_events;
  DtlsTransport a(testing::certificate_a(), a_events);
  DtlsTransport b(testing::certificate_b(), b_events);
  a.set_remote_fingerprint("sha-256", testing::certificate_b()->fingerprint_sha256());
  b.set_remote_fingerprint("sha-256", testing::certificate_a()->fingerprint_sha256());
  a.start(DtlsRole::Server, steady_now_ms());
  b.start(DtlsRole::Client, steady_now_ms());
  for (int round = 0; round < 20; ++round) {
    for (const Bytes& d : std::exchange(b_events.outbox, {})) a.handle_packet(d, steady_now_ms());
    for (const Bytes& d : std::exchange(a_events.outbox, {})) b.handle_packet(d, steady_now_ms());
  }
  ASSERT_EQ(a.state(), DtlsState::Connected);
  ASSERT_EQ(b.state(), DtlsState::Connected);
  ASSERT_TRUE(a_events.keys && b_events.keys);
  EXPECT_EQ(b_events.keys->local_key_salt, a_events.keys->remote_key_salt);
  EXPECT_EQ(a_events.keys->local_key_salt, b_events.keys->remote_key_salt);
  expect_keys_work(a_events.keys->profile, b_events.keys->local_key_salt,
                   a_events.keys->remote_key_salt);
}

struct ProfileChoice {
  std::vector<SrtpProfile> client;
  std::vector<SrtpProfile> server;
  SrtpProfile expected;
  std::size_t key_salt_size;
};

class DtlsProfileTest : public ::testing::TestWithParam<ProfileChoice> {};

TEST_P(DtlsProfileTest, NegotiatesTheForcedProfile) {
  DtlsOptions client_options;
  client_options.profiles = GetParam().client;
  DtlsOptions server_options;
  server_options.profiles = GetParam().server;
  DtlsPair pair(client_options, server_options);
  pair.connect();
  EXPECT_EQ(pair.client.negotiated_profile(), GetParam().expected);
  EXPECT_EQ(pair.server.negotiated_profile(), GetParam().expected);
  ASSERT_TRUE(pair.client_events.keys && pair.server_events.keys);
  const auto& client = *pair.client_events.keys;
  const auto& server = *pair.server_events.keys;
  EXPECT_EQ(client.profile, GetParam().expected);
  EXPECT_EQ(client.local_key_salt.size(), GetParam().key_salt_size);
  EXPECT_EQ(client.local_key_salt, server.remote_key_salt);
  EXPECT_EQ(client.remote_key_salt, server.local_key_salt);
  expect_keys_work(client.profile, client.local_key_salt, server.remote_key_salt);
  expect_keys_work(client.profile, server.local_key_salt, client.remote_key_salt);
}

const SrtpProfile kGcm = SrtpProfile::AeadAes128Gcm;
const SrtpProfile kCm = SrtpProfile::Aes128CmSha1_80;

INSTANTIATE_TEST_SUITE_P(
    Profiles, DtlsProfileTest,
    ::testing::Values(ProfileChoice{{kGcm}, {kGcm}, kGcm, 28},     // GCM forced on both
                      ProfileChoice{{kCm}, {kCm}, kCm, 30},        // AES-CM forced on both
                      ProfileChoice{{kGcm, kCm}, {kCm}, kCm, 30},  // server only does CM
                      ProfileChoice{{kCm}, {kGcm, kCm}, kCm, 30},  // client only offers CM
                      // The server's preference wins over the client's order.
                      ProfileChoice{{kCm, kGcm}, {kGcm, kCm}, kGcm, 28}));

TEST(DtlsHandshake, FailsWithoutACommonSrtpProfile) {
  DtlsOptions client_options;
  client_options.profiles = {kGcm};
  DtlsOptions server_options;
  server_options.profiles = {kCm};
  DtlsPair pair(client_options, server_options);
  pair.exchange_fingerprints();
  pair.start();
  pair.pump();
  EXPECT_NE(pair.client.state(), DtlsState::Connected);
  EXPECT_NE(pair.server.state(), DtlsState::Connected);
  EXPECT_EQ(pair.client.state(), DtlsState::Failed);
  ASSERT_EQ(pair.client_events.failures.size(), 1u);
  EXPECT_NE(pair.client_events.failures[0].find("SRTP"), std::string::npos)
      << pair.client_events.failures[0];
  EXPECT_EQ(pair.client_events.connected + pair.server_events.connected, 0);
}

TEST(DtlsHandshake, FingerprintIsCaseInsensitiveAndMayUseOtherHashes) {
  for (const char* algorithm : {"SHA-256", "sha-1", "sha-384", "Sha-512"}) {
    DtlsPair pair;
    auto lower = *testing::certificate_b()->fingerprint(algorithm);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    pair.client.set_remote_fingerprint(algorithm, lower);
    pair.server.set_remote_fingerprint("sha-256", testing::certificate_a()->fingerprint_sha256());
    pair.start();
    pair.pump();
    EXPECT_EQ(pair.client.state(), DtlsState::Connected) << algorithm << pair.failure_text();
    EXPECT_EQ(pair.server.state(), DtlsState::Connected) << algorithm;
  }
}

TEST(DtlsHandshake, ClientRefusesAServerWithTheWrongFingerprint) {
  DtlsPair pair;
  // The client expects its own certificate on the other side: wrong.
  pair.client.set_remote_fingerprint("sha-256", testing::certificate_a()->fingerprint_sha256());
  pair.server.set_remote_fingerprint("sha-256", testing::certificate_a()->fingerprint_sha256());
  pair.start();
  pair.pump();
  EXPECT_EQ(pair.client.state(), DtlsState::Failed);
  ASSERT_EQ(pair.client_events.failures.size(), 1u);
  EXPECT_NE(pair.client_events.failures[0].find("fingerprint mismatch"), std::string::npos);
  EXPECT_EQ(pair.client_events.connected, 0);
  EXPECT_FALSE(pair.client_events.keys.has_value());
  // The server finished first, then heard our close_notify.
  EXPECT_EQ(pair.server.state(), DtlsState::Closed);
  EXPECT_EQ(pair.server_events.closed, 1);
}

TEST(DtlsHandshake, ServerRefusesAClientWithTheWrongFingerprint) {
  DtlsPair pair;
  pair.client.set_remote_fingerprint("sha-256", testing::certificate_b()->fingerprint_sha256());
  pair.server.set_remote_fingerprint("sha-256", testing::certificate_b()->fingerprint_sha256());
  pair.start();
  pair.pump();
  EXPECT_EQ(pair.server.state(), DtlsState::Failed);
  ASSERT_EQ(pair.server_events.failures.size(), 1u);
  EXPECT_NE(pair.server_events.failures[0].find("fingerprint mismatch"), std::string::npos);
  EXPECT_EQ(pair.server_events.connected, 0);
  EXPECT_NE(pair.client.state(), DtlsState::Connected);
}

TEST(DtlsHandshake, FailsWhenNoRemoteFingerprintWasSet) {
  DtlsPair pair;
  pair.client.set_remote_fingerprint("sha-256", testing::certificate_b()->fingerprint_sha256());
  pair.start();
  pair.pump();
  EXPECT_EQ(pair.server.state(), DtlsState::Failed);
  ASSERT_EQ(pair.server_events.failures.size(), 1u);
  EXPECT_NE(pair.server_events.failures[0].find("no remote fingerprint"), std::string::npos);
  EXPECT_EQ(pair.server_events.connected, 0);
}

TEST(DtlsHandshake, FailsOnAnUnsupportedFingerprintAlgorithm) {
  DtlsPair pair;
  pair.exchange_fingerprints();
  pair.client.set_remote_fingerprint("md5", "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF");
  pair.start();
  pair.pump();
  EXPECT_EQ(pair.client.state(), DtlsState::Failed);
  ASSERT_EQ(pair.client_events.failures.size(), 1u);
  EXPECT_NE(pair.client_events.failures[0].find("unsupported"), std::string::npos);
}

TEST(DtlsHandshake, FingerprintSetAfterStartButBeforeTheEndIsUsed) {
  DtlsPair pair;
  pair.client.set_remote_fingerprint("sha-256", testing::certificate_b()->fingerprint_sha256());
  pair.start();
  // The ClientHello reaches the server before the answer SDP with the client's fingerprint.
  for (const Bytes& d : std::exchange(pair.client_events.outbox, {})) {
    pair.server.handle_packet(d, steady_now_ms());
  }
  pair.server.set_remote_fingerprint("sha-256", testing::certificate_a()->fingerprint_sha256());
  pair.pump();
  EXPECT_EQ(pair.client.state(), DtlsState::Connected) << pair.failure_text();
  EXPECT_EQ(pair.server.state(), DtlsState::Connected) << pair.failure_text();
}

TEST(DtlsHandshake, ApplicationDataRoundTrip) {
  DtlsPair pair;
  pair.connect();
  ASSERT_TRUE(pair.client.send_data(testing::to_bytes("hello from the client")));
  pair.pump();
  ASSERT_EQ(pair.server_events.received.size(), 1u);
  EXPECT_EQ(pair.server_events.received[0], testing::to_bytes("hello from the client"));

  const Bytes big(pair.server.max_data_size(), 0x5a);
  ASSERT_GT(big.size(), 1000u);
  ASSERT_TRUE(pair.server.send_data(big));
  EXPECT_LE(pair.server_events.outbox.back().size(), 1200u);
  pair.pump();
  ASSERT_EQ(pair.client_events.received.size(), 1u);
  EXPECT_EQ(pair.client_events.received[0], big);

  // One byte more than fits a datagram of the MTU is refused, as is nothing at all.
  EXPECT_FALSE(pair.server.send_data(Bytes(big.size() + 1, 1)));
  EXPECT_FALSE(pair.server.send_data({}));
}

TEST(DtlsHandshake, NoApplicationDataBeforeConnected) {
  DtlsPair pair;
  EXPECT_FALSE(pair.client.send_data(testing::to_bytes("too early")));
  EXPECT_EQ(pair.client.max_data_size(), 0u);
  pair.exchange_fingerprints();
  pair.start();
  EXPECT_FALSE(pair.client.send_data(testing::to_bytes("still too early")));
}

TEST(DtlsHandshake, CloseNotifyReachesThePeer) {
  DtlsPair pair;
  pair.connect();
  pair.client.close();
  EXPECT_EQ(pair.client.state(), DtlsState::Closed);
  EXPECT_EQ(pair.client_events.closed, 0);  // close() itself does not report
  ASSERT_FALSE(pair.client_events.outbox.empty());
  pair.pump();
  EXPECT_EQ(pair.server.state(), DtlsState::Closed);
  EXPECT_EQ(pair.server_events.closed, 1);
  EXPECT_TRUE(pair.server_events.failures.empty());
  EXPECT_FALSE(pair.client.send_data(testing::to_bytes("after close")));
  EXPECT_FALSE(pair.server.send_data(testing::to_bytes("after close")));
}

TEST(DtlsHandshake, SmallMtuFragmentsTheHandshake) {
  DtlsOptions options;
  options.mtu = 300;
  DtlsPair pair(options, options);
  pair.connect();
  std::size_t largest = 0;
  for (const auto* events : {&pair.client_events, &pair.server_events}) {
    for (const Bytes& datagram : events->sent) largest = std::max(largest, datagram.size());
  }
  EXPECT_LE(largest, 300u);
  EXPECT_GT(pair.server_events.sent.size(), 3u);  // the certificate alone needs fragments
}

// Handshake message types (RFC 5246 §7.4) of the unencrypted records in one datagram (RFC 6347
// §4.1: 13-byte record header, then for handshake records the 12-byte message header).
std::vector<int> handshake_types(const Bytes& datagram) {
  std::vector<int> types;
  std::size_t at = 0;
  while (at + 13 <= datagram.size()) {
    const std::size_t length = (std::size_t{datagram[at + 11]} << 8) | datagram[at + 12];
    const bool clear = datagram[at + 3] == 0 && datagram[at + 4] == 0;  // epoch 0
    if (datagram[at] == 22 && clear && at + 13 < datagram.size())
      types.push_back(datagram[at + 13]);
    at += 13 + length;
  }
  return types;
}

TEST(DtlsHandshake, FlightsArePackedIntoFewDatagrams) {
  DtlsPair pair;
  pair.connect();
  // The server's first flight fits one 1200-byte datagram: ServerHello, Certificate,
  // ServerKeyExchange, CertificateRequest, ServerHelloDone (OpenSSL may have retransmitted
  // later if this machine was slow, so only the first datagram is checked).
  ASSERT_FALSE(pair.server_events.sent.empty());
  EXPECT_EQ(handshake_types(pair.server_events.sent[0]), (std::vector<int>{2, 11, 12, 13, 14}));
  // The client's second flight: Certificate, ClientKeyExchange, CertificateVerify, then
  // ChangeCipherSpec and the encrypted Finished (not readable here) in the same datagram.
  const auto& client_sent = pair.client_events.sent;
  EXPECT_TRUE(std::any_of(client_sent.begin(), client_sent.end(), [](const Bytes& datagram) {
    return handshake_types(datagram) == std::vector<int>{11, 16, 15};
  }));
  for (const auto* events : {&pair.client_events, &pair.server_events}) {
    for (const Bytes& datagram : events->sent) EXPECT_LE(datagram.size(), 1200u);
  }
}

// A listener that calls back into the transport it listens to: ignored, no crash.
class ReentrantListener : public RecordingListener {
 public:
  void on_dtls_send(std::span<const std::uint8_t> datagram) override {
    RecordingListener::on_dtls_send(datagram);
    if (transport != nullptr) {
      transport->handle_packet(datagram, 0);
      transport->handle_timeout(0);
      transport->close();
    }
  }
  void on_dtls_connected(const SrtpKeyMaterial& material) override {
    RecordingListener::on_dtls_connected(material);
    reentrant_send = transport->send_data(testing::to_bytes("re-entry"));
  }
  DtlsTransport* transport = nullptr;
  bool reentrant_send = true;
};

TEST(DtlsHandshake, ReentryFromTheListenerIsIgnored) {
  ReentrantListener client_events;
  RecordingListener server_events;
  DtlsTransport client(testing::certificate_a(), client_events);
  DtlsTransport server(testing::certificate_b(), server_events);
  client_events.transport = &client;
  client.set_remote_fingerprint("sha-256", testing::certificate_b()->fingerprint_sha256());
  server.set_remote_fingerprint("sha-256", testing::certificate_a()->fingerprint_sha256());
  server.start(DtlsRole::Server, steady_now_ms());
  client.start(DtlsRole::Client, steady_now_ms());
  for (int round = 0; round < 10; ++round) {
    for (const Bytes& d : std::exchange(client_events.outbox, {}))
      server.handle_packet(d, steady_now_ms());
    for (const Bytes& d : std::exchange(server_events.outbox, {}))
      client.handle_packet(d, steady_now_ms());
  }
  EXPECT_EQ(client.state(), DtlsState::Connected);
  EXPECT_EQ(server.state(), DtlsState::Connected);
  EXPECT_FALSE(client_events.reentrant_send);
}

TEST(DtlsHandshake, StartTwiceIsIgnored) {
  DtlsPair pair;
  pair.exchange_fingerprints();
  pair.client.start(DtlsRole::Client, steady_now_ms());
  const std::size_t first_flight = pair.client_events.outbox.size();
  pair.client.start(DtlsRole::Server, steady_now_ms());
  EXPECT_EQ(pair.client_events.outbox.size(), first_flight);
  EXPECT_EQ(pair.client.role(), DtlsRole::Client);
}

TEST(DtlsHandshake, MissingCertificateFailsAtStart) {
  RecordingListener events;
  DtlsTransport transport(nullptr, events);
  transport.start(DtlsRole::Client, 0);
  EXPECT_EQ(transport.state(), DtlsState::Failed);
  ASSERT_EQ(events.failures.size(), 1u);
  EXPECT_TRUE(events.outbox.empty());

  RecordingListener no_profiles_events;
  DtlsOptions options;
  options.profiles.clear();
  DtlsTransport no_profiles(testing::certificate_a(), no_profiles_events, options);
  no_profiles.start(DtlsRole::Server, 0);
  EXPECT_EQ(no_profiles.state(), DtlsState::Failed);
  EXPECT_EQ(no_profiles_events.failures.size(), 1u);
}

TEST(DtlsTypes, Names) {
  EXPECT_STREQ(to_string(DtlsState::New), "new");
  EXPECT_STREQ(to_string(DtlsState::Connecting), "connecting");
  EXPECT_STREQ(to_string(DtlsState::Connected), "connected");
  EXPECT_STREQ(to_string(DtlsState::Failed), "failed");
  EXPECT_STREQ(to_string(DtlsState::Closed), "closed");
  EXPECT_STREQ(to_string(DtlsRole::Client), "client");
  EXPECT_STREQ(to_string(DtlsRole::Server), "server");
}

}  // namespace
}  // namespace bailanys::rtc::dtls
