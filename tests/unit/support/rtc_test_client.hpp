// An in-memory "browser" made of our own engines in the opposite roles (ICE controlling side,
// DTLS client, SRTP both ways), for tests that talk to a server WebRtcTransport through the
// TransportDemux as a real browser would through the worker's UDP or TCP port. Header-only.
//
// The namespace is not called "testing": inside namespace bailanys that would hide gtest's.
#pragma once

#include "common/clock.hpp"
#include "common/random.hpp"
#include "common/socket_address.hpp"
#include "rtc/dtls/dtls_certificate.hpp"
#include "rtc/dtls/dtls_transport.hpp"
#include "rtc/srtp/srtp_session.hpp"
#include "rtc/stun/stun_message.hpp"
#include "rtc/transport/transport_demux.hpp"
#include "rtc/transport/webrtc_transport.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bailanys::test_support {

// libsodium (random ICE credentials, SSRCs) must be ready before any transport is built.
inline bool ensure_crypto() {
  static const bool ready = (init_crypto(), true);
  return ready;
}

struct SentPacket {
  rtc::ice::IcePath path;
  std::vector<std::uint8_t> bytes;
};

// Stands in for the worker's sockets: keeps every packet the server sends, in order.
struct CapturingSink : rtc::transport::PacketSink {
  void send_to_path(const rtc::ice::IcePath& path, std::span<const std::uint8_t> packet) override {
    sent.push_back({path, {packet.begin(), packet.end()}});
  }
  std::deque<SentPacket> sent;
};

// RFC 5761 §4: RTP and RTCP share the port; RTCP packet types are 192..223 in byte 1.
inline bool looks_like_rtcp(std::span<const std::uint8_t> packet) {
  return packet.size() >= 2 && packet[0] >= 128 && packet[0] <= 191 && packet[1] >= 192 &&
         packet[1] <= 223;
}

// The browser's side of one transport.
struct RtcTestClient : rtc::dtls::DtlsListener {
  RtcTestClient() : certificate(rtc::dtls::DtlsCertificate::generate()), dtls(certificate, *this) {}

  void on_dtls_send(std::span<const std::uint8_t> datagram) override {
    outbox.emplace_back(datagram.begin(), datagram.end());
  }
  void on_dtls_connected(const rtc::dtls::SrtpKeyMaterial& material) override {
    srtp_out = rtc::srtp::SrtpSession::create(material.profile, material.local_key_salt,
                                              rtc::srtp::SrtpSession::Direction::Outbound);
    srtp_in = rtc::srtp::SrtpSession::create(material.profile, material.remote_key_salt,
                                             rtc::srtp::SrtpSession::Direction::Inbound);
  }
  void on_dtls_failed(std::string_view reason) override { failure = std::string(reason); }
  void on_dtls_closed() override { closed = true; }

  // A STUN Binding request signed with the server's password (RFC 8445 §7.2.2).
  std::vector<std::uint8_t> binding_request(const rtc::ice::IceCredentials& server, bool nominate,
                                            std::string_view pwd_override = {}) const {
    rtc::stun::TransactionId id{};
    for (auto& b : id) b = static_cast<std::uint8_t>(random_below(256));
    rtc::stun::StunBuilder builder(rtc::stun::kBindingMethod, rtc::stun::StunClass::Request, id);
    builder.username(server.ufrag + ":" + ice.ufrag).priority(1845501695).ice_controlling(77);
    if (nominate) builder.use_candidate();
    const std::string_view pwd = pwd_override.empty() ? std::string_view(server.pwd) : pwd_override;
    return builder.finish(std::span<const std::uint8_t>(
                              reinterpret_cast<const std::uint8_t*>(pwd.data()), pwd.size()),
                          true);
  }

  // SRTP helpers: wire bytes out of plaintext and back; nullopt when libsrtp refuses.
  std::vector<std::uint8_t> protect_rtp(std::span<const std::uint8_t> plain) {
    return protect(plain, false);
  }
  std::vector<std::uint8_t> protect_rtcp(std::span<const std::uint8_t> plain) {
    return protect(plain, true);
  }
  std::optional<std::vector<std::uint8_t>> unprotect_rtp(std::span<const std::uint8_t> wire) {
    return unprotect(wire, false);
  }
  std::optional<std::vector<std::uint8_t>> unprotect_rtcp(std::span<const std::uint8_t> wire) {
    return unprotect(wire, true);
  }

  rtc::ice::IceCredentials ice{"clientuf", "clientpasswordclientpass"};
  std::shared_ptr<const rtc::dtls::DtlsCertificate> certificate;
  rtc::dtls::DtlsTransport dtls;
  std::deque<std::vector<std::uint8_t>> outbox;
  std::unique_ptr<rtc::srtp::SrtpSession> srtp_out, srtp_in;
  std::string failure;
  bool closed = false;

 private:
  std::vector<std::uint8_t> protect(std::span<const std::uint8_t> plain, bool rtcp) {
    std::vector<std::uint8_t> bytes(plain.begin(), plain.end());
    std::size_t size = bytes.size();
    bytes.resize(size + rtc::srtp::kSrtpMaxOverhead);
    const auto status =
        rtcp ? srtp_out->protect_rtcp(bytes, size) : srtp_out->protect_rtp(bytes, size);
    EXPECT_EQ(status, rtc::srtp::SrtpStatus::Ok);
    bytes.resize(size);
    return bytes;
  }
  std::optional<std::vector<std::uint8_t>> unprotect(std::span<const std::uint8_t> wire,
                                                     bool rtcp) {
    std::vector<std::uint8_t> bytes(wire.begin(), wire.end());
    std::size_t size = bytes.size();
    const auto status =
        rtcp ? srtp_in->unprotect_rtcp(bytes, size) : srtp_in->unprotect_rtp(bytes, size);
    if (status != rtc::srtp::SrtpStatus::Ok) return std::nullopt;
    bytes.resize(size);
    return bytes;
  }
};

// How a test hands one client packet to the server side (UDP socket or TCP frame).
using ToServer = std::function<void(std::vector<std::uint8_t>)>;

// Feeds a client packet to the demux as the UDP socket would, with SRTP room behind it.
inline void send_udp(rtc::transport::TransportDemux& demux, std::vector<std::uint8_t> bytes,
                     const SocketAddress& from, TimeMs now) {
  const std::size_t size = bytes.size();
  bytes.resize(size + rtc::srtp::kSrtpMaxOverhead);
  demux.on_udp(bytes, size, from, now);
}

// The same for one RFC 4571 frame of an ICE-TCP connection.
inline void send_tcp(rtc::transport::TransportDemux& demux, std::uint64_t connection_id,
                     std::vector<std::uint8_t> bytes, const SocketAddress& from, TimeMs now) {
  const std::size_t size = bytes.size();
  bytes.resize(size + rtc::srtp::kSrtpMaxOverhead);
  demux.on_tcp_frame(connection_id, bytes, size, from, now);
}

// Sends the client's pending DTLS flights to the server.
inline void flush_client(RtcTestClient& client, const ToServer& to_server) {
  while (!client.outbox.empty()) {
    auto datagram = std::move(client.outbox.front());
    client.outbox.pop_front();
    to_server(std::move(datagram));
  }
}

// Takes everything the server sent; DTLS records go to the client's DTLS, the rest is
// dropped. Returns how many packets were taken.
inline int deliver_to_client(CapturingSink& sink, RtcTestClient& client, TimeMs now) {
  int n = 0;
  while (!sink.sent.empty()) {
    auto s = std::move(sink.sent.front());
    sink.sent.pop_front();
    if (rtc::dtls::looks_like_dtls(s.bytes)) client.dtls.handle_packet(s.bytes, now);
    ++n;
  }
  return n;
}

// ICE (one nominating check) then the DTLS handshake, the client being the DTLS client. The
// server's remote parameters must already be set (the client's ufrag and fingerprint) and
// the client must know the server's fingerprint. Leaves the sink empty.
inline ::testing::AssertionResult handshake(RtcTestClient& client, CapturingSink& sink,
                                            rtc::transport::WebRtcTransport& server,
                                            const ToServer& to_server, TimeMs now) {
  to_server(client.binding_request(server.local_ice(), true));
  if (sink.sent.size() != 1) {  // the binding success response
    return ::testing::AssertionFailure()
           << "expected one binding response, the server sent " << sink.sent.size();
  }
  sink.sent.clear();
  client.dtls.start(rtc::dtls::DtlsRole::Client, now);
  for (int round = 0; round < 10 && server.state() != rtc::transport::TransportState::Connected;
       ++round) {
    flush_client(client, to_server);
    deliver_to_client(sink, client, now);
  }
  flush_client(client, to_server);  // the client's last flight, if any
  deliver_to_client(sink, client, now);
  if (server.state() != rtc::transport::TransportState::Connected) {
    return ::testing::AssertionFailure()
           << "server transport " << rtc::transport::to_string(server.state())
           << ", client DTLS failure: " << client.failure;
  }
  if (!client.srtp_out || !client.srtp_in) {
    return ::testing::AssertionFailure() << "the client has no SRTP keys: " << client.failure;
  }
  return ::testing::AssertionSuccess();
}

}  // namespace bailanys::test_support
