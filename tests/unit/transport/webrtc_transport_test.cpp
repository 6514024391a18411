// The transport glue end to end, in memory: a client built from the same engines (ICE
// controlling side, DTLS client, SRTP) talks to a server WebRtcTransport through the
// TransportDemux, as a browser would through the worker's UDP port.
#include "../support/rtc_test_client.hpp"
#include "common/random.hpp"
#include "rtc/dtls/dtls_certificate.hpp"
#include "rtc/dtls/dtls_transport.hpp"
#include "rtc/rtcp/rtcp_packets.hpp"
#include "rtc/rtp/rtp_packet.hpp"
#include "rtc/srtp/srtp_session.hpp"
#include "rtc/transport/transport_demux.hpp"
#include "rtc/transport/webrtc_transport.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace bailanys::rtc::transport {
namespace {

// Before any fixture member draws random ICE credentials.
const bool crypto_ready = test_support::ensure_crypto();

using test_support::CapturingSink;
using Client = test_support::RtcTestClient;

struct RecordingListener : WebRtcTransportListener {
  void on_transport_connected(WebRtcTransport&) override { ++connected; }
  void on_transport_failed(WebRtcTransport&, std::string_view reason) override {
    failed = std::string(reason);
  }
  void on_rtp(WebRtcTransport&, rtp::RtpPacket& packet, std::span<std::uint8_t>, TimeMs) override {
    payloads.emplace_back(packet.payload().begin(), packet.payload().end());
    ssrcs.push_back(packet.ssrc());
  }
  void on_rtcp(WebRtcTransport&, std::span<const std::uint8_t> compound, TimeMs) override {
    rtcp.emplace_back(compound.begin(), compound.end());
  }
  int connected = 0;
  std::string failed;
  std::vector<std::vector<std::uint8_t>> payloads;
  std::vector<std::uint32_t> ssrcs;
  std::vector<std::vector<std::uint8_t>> rtcp;
};

class TransportTest : public ::testing::Test {
 protected:
  TransportTest()
      : server_certificate_(dtls::DtlsCertificate::generate()),
        server_(1, server_certificate_, sink_, listener_) {
    EXPECT_TRUE(crypto_ready);
    RemoteParameters remote;
    remote.ice = client_.ice;
    remote.fingerprint_algorithm = "sha-256";
    remote.fingerprint_value = client_.certificate->fingerprint_sha256();
    remote.dtls_role = dtls::DtlsRole::Server;
    server_.set_remote_parameters(remote, now_);
    client_.dtls.set_remote_fingerprint("sha-256", server_certificate_->fingerprint_sha256());
    demux_.add(server_);
  }

  // Feeds a client packet to the server through the demux, as the UDP socket would.
  void from_client(std::vector<std::uint8_t> bytes, const SocketAddress& from) {
    test_support::send_udp(demux_, std::move(bytes), from, now_);
  }

  void handshake() {
    ASSERT_TRUE(test_support::handshake(
        client_, sink_, server_,
        [this](std::vector<std::uint8_t> bytes) { from_client(std::move(bytes), address_); },
        now_));
  }

  std::vector<std::uint8_t> client_rtp(std::uint16_t seq, std::uint8_t fill) {
    rtp::RtpPacketBuilder b;
    b.payload_type(111).sequence(seq).timestamp(seq * 960U).ssrc(0xABCD);
    std::vector<std::uint8_t> payload(100, fill);
    b.payload(payload);
    auto packet = b.build();
    std::size_t size = packet.size();
    packet.resize(size + srtp::kSrtpMaxOverhead);
    EXPECT_EQ(client_.srtp_out->protect_rtp(packet, size), srtp::SrtpStatus::Ok);
    packet.resize(size);
    return packet;
  }

  TimeMs now_ = 1000;
  SocketAddress address_ = *SocketAddress::parse("127.0.0.1", 50000);
  CapturingSink sink_;
  RecordingListener listener_;
  Client client_;
  std::shared_ptr<const dtls::DtlsCertificate> server_certificate_;
  WebRtcTransport server_;
  TransportDemux demux_;
};

TEST_F(TransportTest, HandshakeThenMediaBothWays) {
  handshake();
  EXPECT_EQ(listener_.connected, 1);
  ASSERT_TRUE(server_.selected_path());
  EXPECT_EQ(server_.selected_path()->remote, address_);

  from_client(client_rtp(1, 0x11), address_);
  ASSERT_EQ(listener_.payloads.size(), 1u);
  EXPECT_EQ(listener_.payloads[0], std::vector<std::uint8_t>(100, 0x11));
  EXPECT_EQ(listener_.ssrcs[0], 0xABCDu);

  // Server → client: protect in place, the client decrypts the same bytes.
  rtp::RtpPacketBuilder b;
  b.payload_type(96).sequence(9).timestamp(1).ssrc(0x1234);
  std::vector<std::uint8_t> payload(50, 0x7E);
  b.payload(payload);
  auto packet = b.build();
  const auto plain = packet;
  const std::size_t size = packet.size();
  packet.resize(size + srtp::kSrtpMaxOverhead);
  ASSERT_TRUE(server_.send_rtp(packet, size));
  ASSERT_EQ(sink_.sent.size(), 1u);
  auto wire = sink_.sent.front().bytes;
  EXPECT_EQ(sink_.sent.front().path.remote, address_);
  std::size_t wire_size = wire.size();
  ASSERT_EQ(client_.srtp_in->unprotect_rtp(wire, wire_size), srtp::SrtpStatus::Ok);
  EXPECT_EQ(std::vector<std::uint8_t>(wire.begin(), wire.begin() + static_cast<long>(wire_size)), plain);
}

TEST_F(TransportTest, RtcpArrivesDecrypted) {
  handshake();
  const rtcp::RtcpPacket pli = rtcp::Pli{0xABCD, 0x1234};
  auto bytes = rtcp::serialize_rtcp(std::span<const rtcp::RtcpPacket>(&pli, 1));
  std::size_t size = bytes.size();
  bytes.resize(size + srtp::kSrtpMaxOverhead);
  ASSERT_EQ(client_.srtp_out->protect_rtcp(bytes, size), srtp::SrtpStatus::Ok);
  bytes.resize(size);
  from_client(bytes, address_);
  ASSERT_EQ(listener_.rtcp.size(), 1u);
  const auto parsed = rtcp::parse_rtcp(listener_.rtcp[0]);
  ASSERT_TRUE(parsed);
  ASSERT_TRUE(std::holds_alternative<rtcp::Pli>(parsed->at(0)));
}

TEST_F(TransportTest, UnknownSourcesAndBadChecksBindNothing) {
  // Not STUN from an unknown address: dropped before any transport sees it.
  from_client(std::vector<std::uint8_t>(40, 0x80), address_);
  EXPECT_EQ(demux_.drops().get(DropReason::UnknownSource), 1u);
  // A check with the wrong password: an error response, and the path stays unbound.
  from_client(client_.binding_request(server_.local_ice(), true, "wrongpasswordwrongpasswo"), address_);
  EXPECT_EQ(demux_.path_count(), 0u);
  EXPECT_FALSE(server_.selected_path());
  // Media-looking bytes from that address are still unknown.
  from_client(std::vector<std::uint8_t>(40, 0x80), address_);
  EXPECT_EQ(demux_.drops().get(DropReason::UnknownSource), 2u);
  EXPECT_EQ(demux_.drops().summary(), "unknown_source=2");
  EXPECT_EQ(DropCounters().summary(), "none");
}

TEST_F(TransportTest, ReplayedAndTamperedSrtpAreDroppedWithReasons) {
  handshake();
  const auto packet = client_rtp(5, 0x22);
  from_client(packet, address_);
  from_client(packet, address_);  // replay
  auto tampered = client_rtp(6, 0x33);
  tampered[20] ^= 0xFF;
  from_client(tampered, address_);
  EXPECT_EQ(listener_.payloads.size(), 1u);
  EXPECT_EQ(server_.drops().get(DropReason::SrtpReplay), 1u);
  EXPECT_EQ(server_.drops().get(DropReason::SrtpAuthFailed), 1u);
}

TEST_F(TransportTest, GarbageNeverCrashes) {
  handshake();
  std::vector<std::uint8_t> junk;
  for (int i = 0; i < 2000; ++i) {
    junk.resize(static_cast<std::size_t>(random_below(300)));
    for (auto& b : junk) b = static_cast<std::uint8_t>(random_below(256));
    from_client(junk, address_);
  }
  EXPECT_EQ(server_.state(), TransportState::Connected);
  from_client(client_rtp(100, 0x44), address_);
  EXPECT_EQ(listener_.payloads.back(), std::vector<std::uint8_t>(100, 0x44));
}

TEST_F(TransportTest, ConsentExpiresAfterThirtySecondsOfSilence) {
  handshake();
  for (int i = 0; i < 25; ++i) {
    now_ += 1000;
    server_.on_timer(now_);
  }
  EXPECT_TRUE(listener_.failed.empty());
  // A consent check keeps it alive (RFC 7675 §5.1).
  from_client(client_.binding_request(server_.local_ice(), false), address_);
  for (int i = 0; i < 29; ++i) {
    now_ += 1000;
    server_.on_timer(now_);
  }
  EXPECT_TRUE(listener_.failed.empty());
  for (int i = 0; i < 3; ++i) {
    now_ += 1000;
    server_.on_timer(now_);
  }
  EXPECT_NE(listener_.failed.find("consent"), std::string::npos) << listener_.failed;
  EXPECT_EQ(server_.state(), TransportState::Failed);
}

TEST_F(TransportTest, FollowsTheClientToANewAddress) {
  handshake();
  const auto moved = *SocketAddress::parse("127.0.0.2", 50001);
  from_client(client_.binding_request(server_.local_ice(), true), moved);
  ASSERT_TRUE(server_.selected_path());
  EXPECT_EQ(server_.selected_path()->remote, moved);
  sink_.sent.clear();
  std::vector<std::uint8_t> packet(12 + srtp::kSrtpMaxOverhead, 0);
  packet[0] = 0x80;
  packet[1] = 96;
  const std::size_t size = 12;
  ASSERT_TRUE(server_.send_rtp(packet, size))
      << "no path: " << server_.drops().get(DropReason::NoSelectedPath)
      << " protect: " << server_.drops().get(DropReason::ProtectFailed);
  EXPECT_EQ(sink_.sent.back().path.remote, moved);
  // Media from the new address is accepted.
  from_client(client_rtp(7, 0x55), moved);
  EXPECT_EQ(listener_.payloads.back(), std::vector<std::uint8_t>(100, 0x55));
}

TEST_F(TransportTest, PeerCloseEndsTheTransport) {
  handshake();
  client_.dtls.close();
  while (!client_.outbox.empty()) {
    from_client(std::move(client_.outbox.front()), address_);
    client_.outbox.pop_front();
  }
  EXPECT_FALSE(listener_.failed.empty());
  EXPECT_EQ(server_.state(), TransportState::Closed);
}

}  // namespace
}  // namespace bailanys::rtc::transport
