// A Room's world in memory, for room_test.cpp: a RoomHost that makes real WebRtcTransports
// (one CapturingSink each, all behind one TransportDemux as on a media worker) and records the
// RoomEvents, and "browsers" made of rtc_test_client legs: one for the publish PeerConnection,
// one for the receive PeerConnection, each on its own UDP address. The browser's answer to a
// receive offer is built from the offer as Chromium would write it (recvonly where we send,
// inactive elsewhere, a=setup:active, its own ICE credentials and fingerprint). RoomFixture puts
// a Room (id 7) on that host, with peers named as the tests like, and helpers to publish the
// Chromium fixture offer, answer offers, send SRTP media and read what arrives.
#pragma once

#include "../support/rtc_test_client.hpp"
#include "rtc/rtcp/rtcp_packets.hpp"
#include "rtc/rtp/rtp_packet.hpp"
#include "sdp/sdp_parser.hpp"
#include "sdp/session_description.hpp"
#include "sfu/room.hpp"
#include "sfu/room_host.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace bailanys::sfu::room_test {

using test_support::CapturingSink;
using test_support::RtcTestClient;

class TestHost final : public RoomHost {
 public:
  struct Made {
    std::unique_ptr<CapturingSink> sink;                   // kept after the transport is gone
    rtc::transport::WebRtcTransport* transport = nullptr;  // null once destroyed
    std::string ufrag;
  };

  TestHost()
      : certificate_((test_support::ensure_crypto(), rtc::dtls::DtlsCertificate::generate())) {
    candidates_.push_back(
        *sdp::parse_candidate("candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host"));
  }

  std::unique_ptr<rtc::transport::WebRtcTransport> create_transport(
      rtc::transport::WebRtcTransportListener& listener) override {
    auto sink = std::make_unique<CapturingSink>();
    auto transport = std::make_unique<rtc::transport::WebRtcTransport>(next_id_++, certificate_,
                                                                       *sink, listener);
    demux.add(*transport);
    made.push_back({std::move(sink), transport.get(), transport->local_ice().ufrag});
    return transport;
  }
  void destroy_transport(std::unique_ptr<rtc::transport::WebRtcTransport> transport) override {
    ASSERT_TRUE(transport);
    transport->close();
    demux.remove(*transport);
    for (auto& m : made) {
      if (m.transport == transport.get()) m.transport = nullptr;
    }
    ++destroyed;
  }
  [[nodiscard]] std::vector<sdp::Candidate> room_candidates() const override { return candidates_; }
  void emit(RoomEvent event) override { events.push_back(std::move(event)); }

  // The live transport whose local ufrag an SDP of ours carries.
  Made* by_ufrag(const std::string& ufrag) {
    for (auto& m : made) {
      if (m.transport != nullptr && m.ufrag == ufrag) return &m;
    }
    return nullptr;
  }
  [[nodiscard]] std::size_t live_transports() const {
    return static_cast<std::size_t>(std::count_if(
        made.begin(), made.end(), [](const Made& m) { return m.transport != nullptr; }));
  }

  // Removes and returns the events of one type for one participant ("" = any participant).
  std::vector<RoomEvent> take(RoomEvent::Type type, const std::string& participant = "") {
    std::vector<RoomEvent> out;
    std::erase_if(events, [&](RoomEvent& e) {
      if (e.type != type || (!participant.empty() && e.participant_id != participant)) return false;
      out.push_back(std::move(e));
      return true;
    });
    return out;
  }

  rtc::transport::TransportDemux demux;
  std::deque<Made> made;  // stable addresses: Legs point into it
  std::vector<RoomEvent> events;
  int destroyed = 0;

 private:
  std::shared_ptr<const rtc::dtls::DtlsCertificate> certificate_;
  std::vector<sdp::Candidate> candidates_;
  std::uint64_t next_id_ = 1;
};

inline sdp::SessionDescription parse_or_fail(const std::string& text) {
  auto parsed = sdp::parse_sdp(text);
  EXPECT_TRUE(parsed.description) << parsed.error << " at line " << parsed.error_line << "\n"
                                  << text;
  return parsed.description.value_or(sdp::SessionDescription{});
}

inline const sdp::MediaSection* section_by_mid(const sdp::SessionDescription& d,
                                               const std::string& mid) {
  for (const auto& m : d.media) {
    if (m.mid == mid) return &m;
  }
  return nullptr;
}

// One PeerConnection of a browser: its DTLS/SRTP engines, its address, and the server
// transport it talks to (found by the ICE ufrag in the server's SDP).
struct Leg {
  explicit Leg(std::uint16_t port) : address(*SocketAddress::parse("127.0.0.1", port)) {}

  // Learns the server transport and fingerprint from an SDP of ours.
  ::testing::AssertionResult bind(TestHost& host, const sdp::SessionDescription& ours) {
    if (ours.media.empty()) return ::testing::AssertionFailure() << "no m-section";
    const auto transport = sdp::transport_params(ours, ours.media.front());
    made = host.by_ufrag(transport.ice_ufrag);
    if (made == nullptr)
      return ::testing::AssertionFailure() << "no transport " << transport.ice_ufrag;
    if (!transport.fingerprint) return ::testing::AssertionFailure() << "no fingerprint";
    client.dtls.set_remote_fingerprint(transport.fingerprint->algorithm,
                                       transport.fingerprint->value);
    return ::testing::AssertionSuccess();
  }
  // ICE and DTLS through the demux, as from the browser's UDP socket.
  ::testing::AssertionResult connect(TestHost& host, TimeMs now) {
    if (made == nullptr) return ::testing::AssertionFailure() << "not bound";
    return test_support::handshake(
        client, *made->sink, *made->transport,
        [&](std::vector<std::uint8_t> bytes) { to_server(host, std::move(bytes), now); }, now);
  }
  void to_server(TestHost& host, std::vector<std::uint8_t> bytes, TimeMs now) const {
    test_support::send_udp(host.demux, std::move(bytes), address, now);
  }
  // Everything the server sent on this leg since the last call, still encrypted.
  std::vector<std::vector<std::uint8_t>> take_wire() {
    std::vector<std::vector<std::uint8_t>> out;
    if (made == nullptr) return out;
    for (auto& s : made->sink->sent) out.push_back(std::move(s.bytes));
    made->sink->sent.clear();
    return out;
  }

  RtcTestClient client;
  SocketAddress address;
  TestHost::Made* made = nullptr;
};

// The browser's answer to a receive offer: recvonly where we send (unless `refuse` names the
// mid), inactive elsewhere; it is the DTLS client; no ssrc lines of its own.
inline std::string browser_answer(const sdp::SessionDescription& offer, const RtcTestClient& client,
                                  const std::set<std::string>& refuse = {}) {
  sdp::SessionDescription a = offer;
  a.ice_lite = false;
  a.session_id = 2397549892530900289ULL;
  a.msid_semantic = "WMS";
  a.ice_ufrag.reset();
  a.ice_pwd.reset();
  a.fingerprint.reset();
  a.setup.reset();
  for (auto& m : a.media) {
    const bool receive = m.direction == sdp::Direction::SendOnly && refuse.count(m.mid) == 0;
    m.direction = receive ? sdp::Direction::RecvOnly : sdp::Direction::Inactive;
    m.port = 9;
    m.connection = "IN IP4 0.0.0.0";
    m.ice_ufrag = client.ice.ufrag;
    m.ice_pwd = client.ice.pwd;
    m.fingerprint = sdp::Fingerprint{"sha-256", client.certificate->fingerprint_sha256()};
    m.setup = sdp::SetupRole::Active;
    m.msid.clear();
    m.ssrcs.clear();
    m.ssrc_groups.clear();
    m.candidates.clear();
    m.end_of_candidates = false;
  }
  return sdp::serialize_sdp(a);
}

namespace rtp = rtc::rtp;
namespace rtcp = rtc::rtcp;
using Bytes = std::vector<std::uint8_t>;
using Type = RoomEvent::Type;

// The Chromium fixture's extension ids: audio level 1, MID 4; audio mid "0", video mid "1".
inline constexpr std::uint8_t kAudioLevelId = 1, kMidId = 4;
inline constexpr std::uint8_t kOpusPt = 63;  // the publisher's Opus moved from 111 (red removed)
inline constexpr std::uint8_t kVp8Pt = 96;
inline const TrackSources kSources = {{"0", "mic"}, {"1", "camera"}};

inline Bytes vp8_key() {
  Bytes b = {0x90, 0xe0, 0x81, 0x23, 0x05, 0xa0, 0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a};
  b.resize(100, 0x4B);
  return b;
}
inline Bytes vp8_delta() {
  Bytes b = {0x90, 0x80, 0x7f, 0x51};
  b.resize(60, 0x44);
  return b;
}

inline std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(BAILANYS_TEST_DATA) + "/sdp/" + name, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::uint32_t ssrc_of(const sdp::SessionDescription& offer, const std::string& mid,
                             bool rtx = false) {
  const auto* m = section_by_mid(offer, mid);
  if (m == nullptr || m->ssrcs.empty()) return 0;
  for (const auto& g : m->ssrc_groups) {
    if (g.semantics == "FID" && g.ssrcs.size() == 2) return g.ssrcs[rtx ? 1 : 0];
  }
  return rtx ? 0 : m->ssrcs.front().ssrc;
}

struct Received {
  std::vector<Bytes> rtp;  // decrypted
  std::vector<rtcp::RtcpPacket> rtcp;
};

class RoomFixture : public ::testing::Test {
 protected:
  struct Peer {
    Peer(std::string name, std::uint16_t port) : id(std::move(name)), pub(port), recv(port + 1) {}
    std::string id;
    Leg pub, recv;
    sdp::SessionDescription offer;  // the last receive offer
    std::uint64_t version = 0;
    std::vector<OfferedTrackInfo> tracks;
    std::uint32_t audio_ssrc = 0, video_ssrc = 0;  // what its browser sends
  };

  Peer& peer(const std::string& name) {
    auto& p = peers_[name];
    if (!p) {
      p = std::make_unique<Peer>(name, next_port_);
      next_port_ += 2;
    }
    return *p;
  }

  void join(const std::string& name) {
    peer(name);
    room_.join(name, now_);
  }
  // The one receive offer `name` got since the last look.
  ::testing::AssertionResult got_offer(const std::string& name) {
    auto offers = host_.take(Type::SubscribeOffer, name);
    if (offers.size() != 1) {
      return ::testing::AssertionFailure() << name << " got " << offers.size() << " offers";
    }
    Peer& p = peer(name);
    p.offer = parse_or_fail(offers[0].sdp);
    p.version = offers[0].version;
    p.tracks = offers[0].tracks;
    return ::testing::AssertionSuccess();
  }
  void answer(const std::string& name, const std::set<std::string>& refuse = {}) {
    Peer& p = peer(name);
    room_.subscribe_answer(name, browser_answer(p.offer, p.recv.client, refuse), p.version, now_);
  }
  // join, the first offer answered and, when asked, the receive leg connected.
  void arrive(const std::string& name, bool connect) {
    join(name);
    ASSERT_TRUE(got_offer(name));
    answer(name);
    if (!connect) return;
    ASSERT_TRUE(peer(name).recv.bind(host_, peer(name).offer));
    ASSERT_TRUE(peer(name).recv.connect(host_, now_));
  }

  // The Chromium offer as this peer's browser would send it: its ICE credentials and
  // fingerprint, SSRCs of its own, Opus on another payload type than the subscribers'.
  std::string publish_offer(Peer& p) {
    auto d = parse_or_fail(read_fixture("chromium-offer-audio-video.sdp"));
    for (auto& m : d.media) {
      m.ice_ufrag = p.pub.client.ice.ufrag;
      m.ice_pwd = p.pub.client.ice.pwd;
      m.fingerprint = sdp::Fingerprint{"sha-256", p.pub.client.certificate->fingerprint_sha256()};
      for (auto& s : m.ssrcs) s.ssrc += p.pub.address.port;
      for (auto& g : m.ssrc_groups) {
        for (auto& s : g.ssrcs) s += p.pub.address.port;
      }
      if (m.kind == sdp::MediaKind::Audio) {
        std::erase_if(m.codecs, [](const sdp::Codec& c) { return c.name == "red"; });
        for (auto& c : m.codecs) {
          if (c.name == "opus") c.payload_type = kOpusPt;
        }
        p.audio_ssrc = m.ssrcs.empty() ? 0 : m.ssrcs.front().ssrc;
      } else if (m.kind == sdp::MediaKind::Video) {
        p.video_ssrc = m.ssrc_groups.empty() ? 0 : m.ssrc_groups.front().ssrcs.front();
      }
      m.formats.clear();
      for (const auto& c : m.codecs) m.formats.push_back(std::to_string(c.payload_type));
    }
    return sdp::serialize_sdp(d);
  }
  void publish(const std::string& name, const TrackSources& sources = kSources) {
    room_.publish(name, publish_offer(peer(name)), sources, now_);
  }

  // bob receives (receive leg connected), alice publishes audio and video (publish leg
  // connected; `offer` instead of her usual one when given), bob answers the offer with
  // alice's tracks. Leaves the events empty.
  void alice_to_bob(const std::string& offer = "") {
    arrive("bob", true);
    arrive("alice", false);
    room_.publish("alice", offer.empty() ? publish_offer(peer("alice")) : offer, kSources, now_);
    const auto answers = host_.take(Type::PublishAnswer, "alice");
    ASSERT_EQ(answers.size(), 1u);
    ASSERT_TRUE(peer("alice").pub.bind(host_, parse_or_fail(answers[0].sdp)));
    ASSERT_TRUE(peer("alice").pub.connect(host_, now_));
    ASSERT_TRUE(got_offer("bob"));
    answer("bob");
    // The answer allocates bob's new video at once (media.receiving).
    host_.take(Type::Receiving, "bob");
    ASSERT_TRUE(host_.events.empty()) << "unexpected event type " << int(host_.events[0].type);
  }

  void send_rtp(Peer& p, std::uint32_t ssrc, std::uint8_t pt, std::uint16_t seq, std::uint32_t ts,
                const Bytes& payload, std::optional<std::uint8_t> level = std::nullopt,
                std::string_view mid = {}) {
    rtp::RtpPacketBuilder b;
    b.payload_type(pt).sequence(seq).timestamp(ts).ssrc(ssrc);
    const std::uint8_t value[] = {static_cast<std::uint8_t>(level.value_or(0))};
    if (level) b.add_extension(kAudioLevelId, value);
    if (!mid.empty()) {
      b.add_extension(kMidId, {reinterpret_cast<const std::uint8_t*>(mid.data()), mid.size()});
    }
    b.payload(payload);
    p.pub.to_server(host_, p.pub.client.protect_rtp(b.build()), now_);
  }
  void send_audio(Peer& p, std::uint16_t seq, std::uint8_t level = 0x80 | 20) {
    send_rtp(p, p.audio_ssrc, kOpusPt, seq, seq * 960U, Bytes(80, 0xA0), level);
  }
  void send_video(Peer& p, std::uint16_t seq, const Bytes& payload) {
    send_rtp(p, p.video_ssrc, kVp8Pt, seq, seq * 3000U, payload);
  }
  void send_rtcp(Leg& leg, const std::vector<rtcp::RtcpPacket>& packets) {
    leg.to_server(host_, leg.client.protect_rtcp(rtcp::serialize_rtcp(packets)), now_);
  }
  static Received receive(Leg& leg) {
    Received r;
    for (const auto& wire : leg.take_wire()) {
      if (test_support::looks_like_rtcp(wire)) {
        const auto plain = leg.client.unprotect_rtcp(wire);
        EXPECT_TRUE(plain) << "SRTCP unprotect failed";
        auto parsed = plain ? rtcp::parse_rtcp(*plain) : std::nullopt;
        EXPECT_TRUE(parsed);
        if (parsed) r.rtcp.insert(r.rtcp.end(), parsed->begin(), parsed->end());
      } else {
        auto plain = leg.client.unprotect_rtp(wire);
        EXPECT_TRUE(plain) << "SRTP unprotect failed";
        if (plain) r.rtp.push_back(std::move(*plain));
      }
    }
    return r;
  }
  // The PLIs received, by the media SSRC they name.
  static std::vector<std::uint32_t> plis(const Received& r) {
    std::vector<std::uint32_t> out;
    for (const auto& packet : r.rtcp) {
      if (const auto* pli = std::get_if<rtcp::Pli>(&packet)) out.push_back(pli->media_ssrc);
    }
    return out;
  }

  TimeMs now_ = 1000;
  TestHost host_;  // before room_: the room gives its transports back on destruction
  Room room_{7, host_, RoomOptions{}};
  std::map<std::string, std::unique_ptr<Peer>> peers_;
  std::uint16_t next_port_ = 50000;
};

inline bool same_tracks(const std::vector<OfferedTrackInfo>& a,
                        const std::vector<OfferedTrackInfo>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
    return x.mid == y.mid && x.participant_id == y.participant_id && x.source == y.source &&
           x.video == y.video;
  });
}

}  // namespace bailanys::sfu::room_test
