// The echo test's server side end to end, in memory: a real Chromium offer is answered, a client
// made of our own engines (tests/unit/support) does ICE and DTLS through the TransportDemux,
// and what it sends comes back as a browser would see it: RTP under the server's SSRCs, NACKs
// answered from the retransmission buffer, keyframe requests turned into (throttled) PLIs
// towards the sender, and sender reports passed back. Time is injected everywhere.
#include "sfu/echo_session.hpp"

#include "../support/rtc_test_client.hpp"
#include "rtc/rtcp/rtcp_packets.hpp"
#include "rtc/rtp/rtp_packet.hpp"
#include "sdp/session_description.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace bailanys::sfu {
namespace {

namespace rtcp = rtc::rtcp;
namespace rtp = rtc::rtp;
using test_support::CapturingSink;
using test_support::RtcTestClient;

std::string read_sdp(std::string_view name) {
  std::ifstream in(std::string(BAILANYS_TEST_DATA) + "/sdp/" + std::string(name), std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Rewrites an offer's text line by line: `edit` gets each line without its line end and
// returns the replacement ("" removes the line).
template <typename Edit>
std::string edit_lines(std::string_view text, Edit edit) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    line = edit(line);
    if (!line.empty()) out += line + "\r\n";
    start = end + 1;
  }
  return out;
}

// The browser's media SSRC of a section: the first SSRC of the FID group (RFC 5576 §4.2)
// when there is RTX, else its only a=ssrc.
std::uint32_t media_ssrc(const sdp::MediaSection& section) {
  for (const auto& group : section.ssrc_groups) {
    if (group.semantics == "FID" && !group.ssrcs.empty()) return group.ssrcs.front();
  }
  return section.ssrcs.empty() ? 0 : section.ssrcs.front().ssrc;
}

struct EchoedRtp {
  std::vector<std::uint8_t> plain;
  std::uint32_t ssrc = 0;
  std::uint16_t sequence = 0;
  std::vector<std::uint8_t> payload;
};

class EchoSessionTest : public ::testing::Test {
 protected:
  EchoSessionTest()
      : server_certificate_(
            (test_support::ensure_crypto(), rtc::dtls::DtlsCertificate::generate())),
        session_("echo-test", server_certificate_, sink_, 7, now_) {
    candidates_.push_back(
        *sdp::parse_candidate("candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host"));
    candidates_.push_back(*sdp::parse_candidate(
        "candidate:2 1 tcp 1518280447 127.0.0.1 40000 typ host tcptype passive"));
  }

  // The Chromium offer with the test client's ICE credentials and certificate fingerprint
  // in place of the browser's, so the handshake can succeed.
  std::string client_offer(std::string_view fixture = "chromium-offer-audio-video.sdp") const {
    return edit_lines(read_sdp(fixture), [this](const std::string& line) {
      if (line.starts_with("a=ice-ufrag:")) return "a=ice-ufrag:" + client_.ice.ufrag;
      if (line.starts_with("a=ice-pwd:")) return "a=ice-pwd:" + client_.ice.pwd;
      if (line.starts_with("a=fingerprint:")) {
        return "a=fingerprint:sha-256 " + client_.certificate->fingerprint_sha256();
      }
      return line;
    });
  }

  static sdp::SessionDescription parse(const std::string& text) {
    auto parsed = sdp::parse_sdp(text);
    EXPECT_TRUE(parsed.description) << parsed.error << " at line " << parsed.error_line;
    return parsed.description.value_or(sdp::SessionDescription{});
  }

  // Negotiates `offer_text`, then learns from the offer and the answer who sends what.
  ::testing::AssertionResult negotiate(const std::string& offer_text) {
    offer_ = parse(offer_text);
    std::string error;
    const auto answer = session_.negotiate(offer_, candidates_, now_, error);
    if (!answer) return ::testing::AssertionFailure() << "negotiate failed: " << error;
    answer_text_ = *answer;
    answer_ = parse(answer_text_);
    for (const auto& section : offer_.media) {
      if (section.kind == sdp::MediaKind::Audio) browser_audio_ = media_ssrc(section);
      if (section.kind == sdp::MediaKind::Video) browser_video_ = media_ssrc(section);
    }
    for (const auto& section : answer_.media) {
      if (section.ssrcs.empty()) continue;
      if (section.kind == sdp::MediaKind::Audio) server_audio_ = section.ssrcs.front().ssrc;
      if (section.kind == sdp::MediaKind::Video) server_video_ = section.ssrcs.front().ssrc;
    }
    if (answer_.media.empty()) return ::testing::AssertionFailure() << "no m-section";
    const auto transport = sdp::transport_params(answer_, answer_.media.front());
    server_ice_ = {transport.ice_ufrag, transport.ice_pwd};
    if (!transport.fingerprint) return ::testing::AssertionFailure() << "no fingerprint";
    client_.dtls.set_remote_fingerprint(transport.fingerprint->algorithm,
                                        transport.fingerprint->value);
    return ::testing::AssertionSuccess();
  }

  // The browser's path: UDP from address_, or one ICE-TCP connection.
  void from_client(std::vector<std::uint8_t> bytes) {
    if (tcp_) {
      test_support::send_tcp(demux_, kTcpConnection, std::move(bytes), address_, now_);
    } else {
      test_support::send_udp(demux_, std::move(bytes), address_, now_);
    }
  }

  void connect(const std::string& offer_text) {
    ASSERT_TRUE(negotiate(offer_text));
    demux_.add(session_.transport());
    // The answer's ICE credentials are the transport's own.
    ASSERT_EQ(server_ice_.ufrag, session_.transport().local_ice().ufrag);
    ASSERT_TRUE(test_support::handshake(
        client_, sink_, session_.transport(),
        [this](std::vector<std::uint8_t> bytes) { from_client(std::move(bytes)); }, now_));
  }
  void connect() { connect(client_offer()); }

  static std::vector<std::uint8_t> rtp_plain(std::uint32_t ssrc, std::uint16_t seq,
                                             std::uint8_t fill, std::uint8_t payload_type = 96,
                                             std::string_view mid = {}) {
    rtp::RtpPacketBuilder b;
    b.payload_type(payload_type).sequence(seq).timestamp(seq * 3000U).ssrc(ssrc);
    if (!mid.empty()) {
      b.add_extension(kMidExtensionId,
                      std::span<const std::uint8_t>(
                          reinterpret_cast<const std::uint8_t*>(mid.data()), mid.size()));
    }
    const std::vector<std::uint8_t> payload(120, fill);
    b.payload(payload);
    return b.build();
  }

  void send_rtp(const std::vector<std::uint8_t>& plain) { from_client(client_.protect_rtp(plain)); }

  void send_rtcp(const std::vector<rtcp::RtcpPacket>& packets) {
    from_client(client_.protect_rtcp(rtcp::serialize_rtcp(packets)));
  }

  // Everything the server sent since the last call, as wire bytes.
  std::vector<std::vector<std::uint8_t>> take_wire() {
    std::vector<std::vector<std::uint8_t>> out;
    for (auto& s : sink_.sent) {
      last_path_ = s.path;
      out.push_back(std::move(s.bytes));
    }
    sink_.sent.clear();
    return out;
  }

  EchoedRtp decrypt_rtp(const std::vector<std::uint8_t>& wire) {
    EchoedRtp echoed;
    EXPECT_FALSE(test_support::looks_like_rtcp(wire));
    auto plain = client_.unprotect_rtp(wire);
    EXPECT_TRUE(plain) << "SRTP unprotect failed";
    if (!plain) return echoed;
    echoed.plain = *plain;
    auto packet = rtp::RtpPacket::parse(*plain);
    EXPECT_TRUE(packet);
    if (!packet) return echoed;
    echoed.ssrc = packet->ssrc();
    echoed.sequence = packet->sequence();
    echoed.payload.assign(packet->payload().begin(), packet->payload().end());
    return echoed;
  }

  // Every packet the server sent, which must all be RTCP, decrypted and parsed.
  std::vector<std::vector<rtcp::RtcpPacket>> take_rtcp() {
    std::vector<std::vector<rtcp::RtcpPacket>> out;
    for (const auto& wire : take_wire()) {
      EXPECT_TRUE(test_support::looks_like_rtcp(wire));
      const auto plain = client_.unprotect_rtcp(wire);
      EXPECT_TRUE(plain) << "SRTCP unprotect failed";
      if (!plain) continue;
      auto parsed = rtcp::parse_rtcp(*plain);
      EXPECT_TRUE(parsed);
      if (parsed) out.push_back(std::move(*parsed));
    }
    return out;
  }

  // Exactly one RTCP packet was sent, and it is one PLI: returns it.
  std::optional<rtcp::Pli> take_one_pli() {
    const auto packets = take_rtcp();
    EXPECT_EQ(packets.size(), 1u);
    if (packets.size() != 1 || packets[0].size() != 1) return std::nullopt;
    const auto* pli = std::get_if<rtcp::Pli>(&packets[0][0]);
    EXPECT_TRUE(pli);
    if (!pli) return std::nullopt;
    return *pli;
  }

  // The plaintext the echo should send back for `plain`: the same bytes under `ssrc`.
  static std::vector<std::uint8_t> with_ssrc(std::vector<std::uint8_t> plain, std::uint32_t ssrc) {
    auto packet = rtp::RtpPacket::parse(plain);
    EXPECT_TRUE(packet);
    if (packet) packet->set_ssrc(ssrc);
    return plain;
  }

  static constexpr std::uint8_t kMidExtensionId = 4;  // a=extmap:4 ...sdes:mid in the fixture
  static constexpr std::uint64_t kTcpConnection = 5 | rtc::transport::TransportDemux::kTcpPathBit;

  TimeMs now_ = 1000;
  SocketAddress address_ = *SocketAddress::parse("127.0.0.1", 50000);
  bool tcp_ = false;
  CapturingSink sink_;
  RtcTestClient client_;
  std::shared_ptr<const rtc::dtls::DtlsCertificate> server_certificate_;
  EchoSession session_;
  rtc::transport::TransportDemux demux_;
  std::vector<sdp::Candidate> candidates_;
  sdp::SessionDescription offer_, answer_;
  std::string answer_text_;
  rtc::ice::IceCredentials server_ice_;
  std::uint32_t browser_audio_ = 0, browser_video_ = 0, server_audio_ = 0, server_video_ = 0;
  rtc::ice::IcePath last_path_;
};

TEST_F(EchoSessionTest, AnswersTheChromiumOffer) {
  ASSERT_TRUE(negotiate(client_offer()));
  EXPECT_TRUE(answer_.ice_lite);
  EXPECT_NE(answer_text_.find("a=ice-lite\r\n"), std::string::npos);
  ASSERT_EQ(answer_.media.size(), 2u);
  std::vector<std::uint32_t> server_ssrcs;
  for (const auto& section : answer_.media) {
    EXPECT_NE(section.port, 0) << "mid " << section.mid << " rejected";
    EXPECT_EQ(section.direction, sdp::Direction::SendRecv);
    ASSERT_EQ(section.ssrcs.size(), 1u) << "mid " << section.mid;  // no RTX: one stream each
    EXPECT_NE(section.ssrcs[0].ssrc, 0u);
    EXPECT_FALSE(section.ssrcs[0].cname.empty());
    server_ssrcs.push_back(section.ssrcs[0].ssrc);
    const auto transport = sdp::transport_params(answer_, section);
    EXPECT_EQ(transport.setup, sdp::SetupRole::Passive);
    ASSERT_TRUE(transport.fingerprint);
    EXPECT_EQ(transport.fingerprint->algorithm, "sha-256");
    EXPECT_EQ(transport.fingerprint->value, session_.transport().local_fingerprint());
    EXPECT_EQ(transport.ice_pwd, session_.transport().local_ice().pwd);
    EXPECT_EQ(section.candidates, candidates_);
  }
  EXPECT_NE(server_ssrcs[0], server_ssrcs[1]);
  EXPECT_EQ(answer_.media[0].kind, sdp::MediaKind::Audio);
  EXPECT_EQ(answer_.media[1].kind, sdp::MediaKind::Video);
  // Read from the fixture: the audio a=ssrc and the FID group's media SSRC.
  EXPECT_EQ(browser_audio_, 4243997766u);
  EXPECT_EQ(browser_video_, 3588601515u);
}

TEST_F(EchoSessionTest, EchoesAudioAndVideoUnderTheServerSsrcs) {
  connect();
  ASSERT_NE(server_audio_, 0u);
  ASSERT_NE(server_video_, 0u);
  const auto audio = rtp_plain(browser_audio_, 300, 0xA1, 111);
  const auto video = rtp_plain(browser_video_, 7000, 0xB2, 96);
  send_rtp(audio);
  send_rtp(video);
  const auto wire = take_wire();
  ASSERT_EQ(wire.size(), 2u);
  EXPECT_EQ(last_path_.remote, address_);
  EXPECT_FALSE(last_path_.tcp);
  const auto a = decrypt_rtp(wire[0]);
  EXPECT_EQ(a.ssrc, server_audio_);
  EXPECT_EQ(a.sequence, 300);
  EXPECT_EQ(a.payload, std::vector<std::uint8_t>(120, 0xA1));
  EXPECT_EQ(a.plain, with_ssrc(audio, server_audio_));
  const auto v = decrypt_rtp(wire[1]);
  EXPECT_EQ(v.ssrc, server_video_);
  EXPECT_EQ(v.sequence, 7000);
  EXPECT_EQ(v.payload, std::vector<std::uint8_t>(120, 0xB2));
  EXPECT_EQ(v.plain, with_ssrc(video, server_video_));
  EXPECT_EQ(session_.counters().rtp_echoed, 2u);
  EXPECT_EQ(session_.counters().rtp_unknown_stream, 0u);
  EXPECT_FALSE(session_.finished());
}

TEST_F(EchoSessionTest, EchoesOverIceTcp) {
  tcp_ = true;
  connect();
  send_rtp(rtp_plain(browser_video_, 1, 0x3C));
  const auto wire = take_wire();
  ASSERT_EQ(wire.size(), 1u);
  EXPECT_TRUE(last_path_.tcp);
  EXPECT_EQ(last_path_.id, kTcpConnection);
  EXPECT_EQ(decrypt_rtp(wire[0]).ssrc, server_video_);
}

TEST_F(EchoSessionTest, NackedPacketsAreSentAgain) {
  connect();
  std::vector<std::vector<std::uint8_t>> sent;
  for (std::uint16_t seq = 100; seq < 105; ++seq) {
    sent.push_back(rtp_plain(browser_video_, seq, static_cast<std::uint8_t>(seq)));
    send_rtp(sent.back());
  }
  const auto wire = take_wire();
  ASSERT_EQ(wire.size(), 5u);
  // The client "loses" 101 and 103: it never decrypts them (its replay window would refuse
  // the retransmissions otherwise, as a browser's would).
  for (const std::size_t i : {0U, 2U, 4U}) {
    EXPECT_EQ(decrypt_rtp(wire[i]).sequence, static_cast<std::uint16_t>(100 + i));
  }

  now_ += 40;
  send_rtcp({rtcp::Nack{browser_video_, server_video_, {101, 103, 999}}});
  const auto again = take_wire();
  ASSERT_EQ(again.size(), 2u);
  // Protected again with the same keys and index: the very same bytes on the wire.
  EXPECT_EQ(again[0], wire[1]);
  EXPECT_EQ(again[1], wire[3]);
  const auto r101 = decrypt_rtp(again[0]);
  const auto r103 = decrypt_rtp(again[1]);
  EXPECT_EQ(r101.sequence, 101);
  EXPECT_EQ(r103.sequence, 103);
  EXPECT_EQ(r101.plain, with_ssrc(sent[1], server_video_));
  EXPECT_EQ(r103.plain, with_ssrc(sent[3], server_video_));
  EXPECT_EQ(session_.counters().nacked, 3u);
  EXPECT_EQ(session_.counters().retransmitted, 2u);
  EXPECT_EQ(session_.counters().nack_missed, 1u);
}

TEST_F(EchoSessionTest, NacksForOtherSsrcsOrTooLateAreNotAnswered) {
  connect();
  send_rtp(rtp_plain(browser_video_, 10, 0x10));
  ASSERT_EQ(take_wire().size(), 1u);
  // The browser's own SSRC is not one the echo sends.
  send_rtcp({rtcp::Nack{browser_audio_, browser_video_, {10}}});
  EXPECT_TRUE(take_wire().empty());
  EXPECT_EQ(session_.counters().nacked, 0u);
  // Packets older than a second are not resent (RetransmissionBuffer max age).
  now_ += 1001;
  send_rtcp({rtcp::Nack{browser_audio_, server_video_, {10}}});
  EXPECT_TRUE(take_wire().empty());
  EXPECT_EQ(session_.counters().nacked, 1u);
  EXPECT_EQ(session_.counters().nack_missed, 1u);
  EXPECT_EQ(session_.counters().retransmitted, 0u);
}

TEST_F(EchoSessionTest, PliBecomesAThrottledPliToTheSender) {
  connect();
  const TimeMs start = now_;
  send_rtcp({rtcp::Pli{browser_audio_, server_video_}});
  auto pli = take_one_pli();
  ASSERT_TRUE(pli);
  EXPECT_EQ(pli->media_ssrc, browser_video_);
  EXPECT_EQ(pli->sender_ssrc, server_video_);
  EXPECT_EQ(session_.counters().keyframe_requests_sent, 1u);

  // 100 ms later: folded into the next one.
  now_ = start + 100;
  send_rtcp({rtcp::Pli{browser_audio_, server_video_}});
  EXPECT_TRUE(take_wire().empty());
  EXPECT_EQ(session_.counters().keyframe_requests_folded, 1u);
  now_ = start + 499;
  session_.on_timer(now_);
  EXPECT_TRUE(take_wire().empty());

  // When the interval has passed, the timer sends the folded request, once.
  now_ = start + 500;
  session_.on_timer(now_);
  pli = take_one_pli();
  ASSERT_TRUE(pli);
  EXPECT_EQ(pli->media_ssrc, browser_video_);
  EXPECT_EQ(session_.counters().keyframe_requests_sent, 2u);
  now_ = start + 1100;
  session_.on_timer(now_);
  EXPECT_TRUE(take_wire().empty());
  EXPECT_EQ(session_.counters().keyframe_requests_sent, 2u);
}

TEST_F(EchoSessionTest, FirBehavesLikePli) {
  connect();
  const TimeMs start = now_;
  send_rtcp({rtcp::Fir{browser_audio_, {{server_video_, 1}}}});
  auto pli = take_one_pli();
  ASSERT_TRUE(pli);
  EXPECT_EQ(pli->media_ssrc, browser_video_);
  EXPECT_EQ(pli->sender_ssrc, server_video_);

  now_ = start + 100;
  send_rtcp({rtcp::Fir{browser_audio_, {{server_video_, 2}}}});
  EXPECT_TRUE(take_wire().empty());
  EXPECT_EQ(session_.counters().keyframe_requests_folded, 1u);

  now_ = start + 500;
  session_.on_timer(now_);
  pli = take_one_pli();
  ASSERT_TRUE(pli);
  EXPECT_EQ(pli->media_ssrc, browser_video_);
  EXPECT_EQ(session_.counters().keyframe_requests_sent, 2u);
}

// Once a request has been folded, later ones must still get through (one per 500 ms): the
// timer that sends the folded one must not leave the limiter thinking one is still pending.
TEST_F(EchoSessionTest, KeyframeRequestsKeepFlowingAfterAFoldedOne) {
  connect();
  const TimeMs start = now_;
  send_rtcp({rtcp::Pli{browser_audio_, server_video_}});
  ASSERT_TRUE(take_one_pli());
  now_ = start + 100;
  send_rtcp({rtcp::Pli{browser_audio_, server_video_}});  // folded
  for (now_ = start + 150; now_ <= start + 3000; now_ += 50) session_.on_timer(now_);
  take_wire();  // the folded request (PliBecomesAThrottledPliToTheSender checks it)
  const auto sent = session_.counters().keyframe_requests_sent;
  // Two seconds after anything was sent, a new request goes out at once.
  send_rtcp({rtcp::Pli{browser_audio_, server_video_}});
  const auto pli = take_one_pli();
  ASSERT_TRUE(pli);
  EXPECT_EQ(pli->media_ssrc, browser_video_);
  EXPECT_EQ(session_.counters().keyframe_requests_sent, sent + 1);
  EXPECT_EQ(session_.counters().keyframe_requests_folded, 1u);
}

TEST_F(EchoSessionTest, KeyframeRequestsForUnknownSsrcsAreIgnored) {
  connect();
  send_rtcp({rtcp::Pli{browser_audio_, 0x0BADBEEF}});
  send_rtcp({rtcp::Fir{browser_audio_, {{browser_video_, 1}}}});  // the browser's own SSRC
  EXPECT_TRUE(take_wire().empty());
  EXPECT_EQ(session_.counters().keyframe_requests_sent, 0u);
  EXPECT_EQ(session_.counters().keyframe_requests_folded, 0u);
}

TEST_F(EchoSessionTest, SenderReportComesBackUnderTheServerSsrc) {
  connect();
  rtcp::SenderReport sr;
  sr.ssrc = browser_video_;
  sr.ntp_time = 0xE8F0123456789ABCULL;
  sr.rtp_time = 123456789;
  sr.packet_count = 42;
  sr.octet_count = 42000;
  sr.reports.push_back(rtcp::ReportBlock{server_video_, 3, 7, 1234, 20, 0xAABBCCDD, 65536});
  rtcp::Sdes sdes;
  sdes.chunks.push_back({browser_video_, "+wquOxW7hPnARM7N"});
  send_rtcp({sr, sdes});
  const auto packets = take_rtcp();
  ASSERT_EQ(packets.size(), 1u);
  ASSERT_EQ(packets[0].size(), 1u);
  const auto* echoed = std::get_if<rtcp::SenderReport>(&packets[0][0]);
  ASSERT_TRUE(echoed);
  EXPECT_EQ(echoed->ssrc, server_video_);
  EXPECT_EQ(echoed->ntp_time, sr.ntp_time);
  EXPECT_EQ(echoed->rtp_time, sr.rtp_time);
  EXPECT_TRUE(echoed->reports.empty());  // its reception reports are about other streams
  EXPECT_EQ(session_.counters().sender_reports, 1u);

  // A report from an SSRC the offer did not announce is not passed on.
  sr.ssrc = 0x0BADBEEF;
  send_rtcp({sr});
  EXPECT_TRUE(take_wire().empty());
  EXPECT_EQ(session_.counters().sender_reports, 1u);
}

TEST_F(EchoSessionTest, OffersWithoutUsableMediaAreRefused) {
  std::string error;
  // The data channel part alone.
  auto data_only = parse(client_offer("chromium-offer-datachannel.sdp"));
  std::erase_if(data_only.media, [](const sdp::MediaSection& section) {
    return section.kind != sdp::MediaKind::Application;
  });
  ASSERT_EQ(data_only.media.size(), 1u);
  data_only.bundle_mids = {data_only.media[0].mid};
  EXPECT_FALSE(session_.negotiate(data_only, candidates_, now_, error));
  EXPECT_FALSE(error.empty());

  // Audio and video in codecs the echo does not take.
  error.clear();
  auto garbage = parse(client_offer());
  for (auto& section : garbage.media) {
    for (auto& codec : section.codecs) codec.name = "garbage" + std::to_string(codec.payload_type);
  }
  EXPECT_FALSE(session_.negotiate(garbage, candidates_, now_, error));
  EXPECT_FALSE(error.empty());

  // Nothing to echo back when the browser only receives.
  error.clear();
  const auto recvonly = parse(client_offer("chromium-offer-recvonly.sdp"));
  EXPECT_FALSE(session_.negotiate(recvonly, candidates_, now_, error));
  EXPECT_FALSE(error.empty());
}

TEST_F(EchoSessionTest, PacketsFromUnknownSsrcsAreCountedNotEchoed) {
  connect();
  send_rtp(rtp_plain(0x0BADBEEF, 1, 0x77));
  // A MID that names a section whose sender is already known from a=ssrc does not adopt it.
  send_rtp(rtp_plain(0x0BADBEEE, 1, 0x77, 96, "1"));
  EXPECT_TRUE(take_wire().empty());
  EXPECT_EQ(session_.counters().rtp_unknown_stream, 2u);
  EXPECT_EQ(session_.counters().rtp_echoed, 0u);
  // The known streams still work.
  send_rtp(rtp_plain(browser_video_, 1, 0x78));
  EXPECT_EQ(take_wire().size(), 1u);
}

TEST_F(EchoSessionTest, WithoutSsrcLinesTheMidExtensionNamesTheStream) {
  const auto offer = edit_lines(client_offer(), [](const std::string& line) {
    return line.starts_with("a=ssrc") ? std::string() : line;
  });
  connect(offer);
  ASSERT_EQ(browser_video_, 0u);  // nothing announced
  send_rtp(rtp_plain(0x1234, 1, 0x55, 96, "1"));
  auto wire = take_wire();
  ASSERT_EQ(wire.size(), 1u);
  EXPECT_EQ(decrypt_rtp(wire[0]).ssrc, server_video_);
  // Later packets of that SSRC need no MID; another SSRC on the same section is not adopted.
  send_rtp(rtp_plain(0x1234, 2, 0x56));
  send_rtp(rtp_plain(0x4321, 1, 0x57, 96, "1"));
  wire = take_wire();
  ASSERT_EQ(wire.size(), 1u);
  EXPECT_EQ(decrypt_rtp(wire[0]).sequence, 2);
  EXPECT_EQ(session_.counters().rtp_unknown_stream, 1u);
  // And the learned sender gets keyframe requests.
  send_rtcp({rtcp::Pli{1, server_video_}});
  const auto pli = take_one_pli();
  ASSERT_TRUE(pli);
  EXPECT_EQ(pli->media_ssrc, 0x1234u);
}

TEST_F(EchoSessionTest, EndsWhenTheClientClosesDtls) {
  connect();
  EXPECT_FALSE(session_.finished());
  client_.dtls.close();
  test_support::flush_client(
      client_, [this](std::vector<std::uint8_t> bytes) { from_client(std::move(bytes)); });
  EXPECT_TRUE(session_.finished());
}

TEST_F(EchoSessionTest, EndsWhenConsentStops) {
  connect();
  for (int i = 0; i < 29; ++i) {
    now_ += 1000;
    session_.on_timer(now_);
  }
  EXPECT_FALSE(session_.finished());
  for (int i = 0; i < 2; ++i) {
    now_ += 1000;
    session_.on_timer(now_);
  }
  EXPECT_TRUE(session_.finished());
}

TEST_F(EchoSessionTest, ConsentChecksKeepItAliveUpToTheLongestAllowedTime) {
  connect();
  const TimeMs start = now_;
  while (now_ - start < EchoSession::kMaxDurationMs) {
    now_ += 1000;
    if ((now_ - start) % 5000 == 0) {
      from_client(client_.binding_request(server_ice_, false));
      sink_.sent.clear();  // the binding response
    }
    session_.on_timer(now_);
    ASSERT_FALSE(session_.finished()) << "ended after " << (now_ - start) << " ms";
  }
  now_ += 1000;
  session_.on_timer(now_);
  EXPECT_TRUE(session_.finished());
}

TEST_F(EchoSessionTest, CloseSendsCloseNotify) {
  connect();
  session_.close();
  EXPECT_TRUE(session_.finished());
  test_support::deliver_to_client(sink_, client_, now_);
  EXPECT_TRUE(client_.closed);
}

}  // namespace
}  // namespace bailanys::sfu
