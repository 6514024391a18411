// create_answer against the Chromium offers: codecs, directions, BUNDLE, simulcast,
// data channels, the server's transport attributes, and the offers it must refuse.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "sdp/answer.hpp"
#include "sdp_fixtures.hpp"

namespace bailanys::sdp {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::kFixtures;
using testing::read_fixture;

SessionDescription offer_from(const char* name) {
  auto result = parse_sdp(read_fixture(name));
  EXPECT_TRUE(result.description) << name << ": " << result.error;
  return result.description.value_or(SessionDescription{});
}

AnswerOptions server_options() {
  AnswerOptions options;
  options.transport = testing::test_local_transport();
  options.session_id = 42;
  return options;
}

std::vector<std::uint8_t> payload_types(const std::vector<Codec>& codecs) {
  std::vector<std::uint8_t> pts;
  for (const auto& c : codecs) pts.push_back(c.payload_type);
  return pts;
}

// The answer serializes, parses back, and says what `sections` says.
void expect_round_trip(const Answer& answer) {
  const auto parsed = parse_sdp(serialize_sdp(answer.description));
  ASSERT_TRUE(parsed.description) << parsed.error_line << ": " << parsed.error;
  ASSERT_EQ(*parsed.description, answer.description);
  std::size_t accepted = 0;
  for (const auto& m : parsed.description->media) {
    if (m.port == 0) continue;
    ASSERT_LT(accepted, answer.sections.size());
    const auto& s = answer.sections[accepted++];
    EXPECT_EQ(m.mid, s.mid);
    EXPECT_EQ(m.kind, s.kind);
    if (m.kind != MediaKind::Application) {
      EXPECT_EQ(m.direction, s.direction);
      EXPECT_EQ(m.codecs, s.codecs);
      EXPECT_EQ(m.extmaps, s.extmaps);
    }
  }
  EXPECT_EQ(accepted, answer.sections.size());
}

class AnswerEveryFixture : public ::testing::TestWithParam<std::tuple<const char*, Direction>> {};

TEST_P(AnswerEveryFixture, AcceptsAndRoundTrips) {
  const auto [name, wanted] = GetParam();
  const auto offer = offer_from(name);
  auto options = server_options();
  options.direction = [wanted = wanted](const MediaSection&) { return wanted; };
  options.accept_data_channel = true;
  for (const auto& m : offer.media) options.send_streams[m.mid] = {1000, 1001, "cname", "s", "t"};
  const auto result = create_answer(offer, options);
  ASSERT_TRUE(result.answer) << result.error;
  const auto& answer = *result.answer;
  expect_round_trip(answer);
  const auto& d = answer.description;
  EXPECT_TRUE(d.ice_lite);
  EXPECT_EQ(d.msid_semantic, "WMS *");
  ASSERT_EQ(d.media.size(),
            offer.media.size());  // RFC 3264 §6: one answer section per offer section
  EXPECT_EQ(d.bundle_mids, offer.bundle_mids);
  EXPECT_EQ(answer.remote, transport_params(offer, offer.media[0]));
  EXPECT_TRUE(answer.rejected.empty());
  for (std::size_t i = 0; i < d.media.size(); ++i) {
    const auto& m = d.media[i];
    const auto& o = offer.media[i];
    EXPECT_EQ(m.mid, o.mid);
    EXPECT_EQ(m.ice_ufrag, "srvU");
    EXPECT_EQ(m.ice_pwd, "serverpasswordserverpw");
    EXPECT_EQ(m.fingerprint, options.transport.fingerprint);
    EXPECT_EQ(m.setup, o.setup == SetupRole::Passive ? SetupRole::Active : SetupRole::Passive);
    EXPECT_EQ(m.candidates, options.transport.candidates);
    EXPECT_TRUE(m.end_of_candidates);
    EXPECT_EQ(m.port, 40000);
    EXPECT_EQ(m.connection, "IN IP4 127.0.0.1");
    if (m.kind == MediaKind::Application) continue;
    EXPECT_TRUE(m.rtcp_mux);
    EXPECT_EQ(m.rtcp_rsize, o.rtcp_rsize);
    const bool offer_sends =
        o.direction == Direction::SendRecv || o.direction == Direction::SendOnly;
    const bool offer_receives =
        o.direction == Direction::SendRecv || o.direction == Direction::RecvOnly;
    const bool we_send = m.direction == Direction::SendRecv || m.direction == Direction::SendOnly;
    const bool we_receive =
        m.direction == Direction::SendRecv || m.direction == Direction::RecvOnly;
    EXPECT_TRUE(!we_send || offer_receives) << "never send where the offer does not receive";
    EXPECT_TRUE(!we_receive || offer_sends);
    EXPECT_EQ(we_send, !m.ssrcs.empty());
    for (const auto& codec : m.codecs) {
      const auto offered = std::find_if(o.codecs.begin(), o.codecs.end(), [&](const Codec& c) {
        return c.payload_type == codec.payload_type;
      });
      ASSERT_NE(offered, o.codecs.end()) << "payload types are the offer's";
      EXPECT_EQ(offered->name, codec.name);
      EXPECT_EQ(offered->fmtp, codec.fmtp);
      if (const auto apt = rtx_apt(codec)) {
        EXPECT_EQ(m.codecs[&codec - m.codecs.data() - 1].payload_type, *apt)
            << "RTX after its primary";
      }
    }
    for (const auto& e : m.extmaps) {
      EXPECT_NE(std::find(o.extmaps.begin(), o.extmaps.end(), e), o.extmaps.end()) << "offered ids";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Chromium, AnswerEveryFixture,
                         ::testing::Combine(::testing::ValuesIn(kFixtures),
                                            ::testing::Values(Direction::SendRecv,
                                                              Direction::RecvOnly)));

TEST(Answer, EchoOfAudioVideo) {
  const auto offer = offer_from("chromium-offer-audio-video.sdp");
  auto options = server_options();
  options.direction = [](const MediaSection&) { return Direction::SendRecv; };
  options.send_streams["0"] = {111, std::nullopt, "srv", "room", "a1"};
  options.send_streams["1"] = {222, 223, "srv", "room", "v1"};
  const auto result = create_answer(offer, options);
  ASSERT_TRUE(result.answer) << result.error;
  const auto& answer = *result.answer;
  ASSERT_EQ(answer.sections.size(), 2u);
  const auto& audio = answer.sections[0];
  const auto& video = answer.sections[1];
  EXPECT_EQ(audio.direction, Direction::SendRecv);
  // Policy order opus, PCMU, PCMA; red, G722, CN and telephone-event dropped.
  EXPECT_THAT(payload_types(audio.codecs), ElementsAre(111, 0, 8));
  EXPECT_THAT(audio.codecs[0].feedback, ElementsAre("transport-cc"));
  // VP8, VP9 (both profiles), H264 with packetization-mode=1 only, AV1; each with its RTX.
  EXPECT_THAT(payload_types(video.codecs),
              ElementsAre(96, 97, 98, 99, 100, 101, 102, 103, 108, 109, 116, 117, 45, 46));
  EXPECT_THAT(video.codecs[0].feedback,
              ElementsAre("goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"));
  EXPECT_EQ(video.remote_ssrcs, offer.media[1].ssrcs);
  EXPECT_EQ(video.remote_groups, offer.media[1].ssrc_groups);
  std::vector<std::string> uris;
  for (const auto& e : video.extmaps) uris.push_back(e.uri);
  EXPECT_THAT(
      uris,
      ::testing::UnorderedElementsAre(
          "urn:ietf:params:rtp-hdrext:sdes:mid", "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
          "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id",
          "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
          "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"));

  const auto& d = answer.description;
  EXPECT_EQ(d.session_id, 42u);
  EXPECT_THAT(d.bundle_mids, ElementsAre("0", "1"));
  EXPECT_TRUE(d.extmap_allow_mixed);
  const auto& a = d.media[0];
  EXPECT_EQ(a.msid, "room a1");
  ASSERT_EQ(a.ssrcs.size(), 1u);
  EXPECT_EQ(a.ssrcs[0], (SsrcInfo{111, "srv", "room a1", {}}));
  EXPECT_TRUE(a.ssrc_groups.empty());
  const auto& v = d.media[1];
  ASSERT_EQ(v.ssrc_groups.size(), 1u);
  EXPECT_EQ(v.ssrc_groups[0], (SsrcGroup{"FID", {222, 223}}));
  ASSERT_EQ(v.ssrcs.size(), 2u);
  EXPECT_EQ(v.ssrcs[1], (SsrcInfo{223, "srv", "room v1", {}}));

  const std::string text = serialize_sdp(d);
  EXPECT_THAT(text, HasSubstr("a=ice-lite\r\n"));
  EXPECT_THAT(text, HasSubstr("a=msid-semantic: WMS *\r\n"));
  EXPECT_THAT(text, HasSubstr("a=setup:passive\r\n"));
  EXPECT_THAT(text, HasSubstr("a=end-of-candidates\r\n"));
  EXPECT_THAT(text, HasSubstr("a=ssrc:222 cname:srv\r\n"));
  EXPECT_THAT(text, HasSubstr("m=video 40000 UDP/TLS/RTP/SAVPF 96 97 98 99 100 101 102 103 108 "
                              "109 116 117 45 46\r\n"));
}

TEST(Answer, PublishOnlyReceives) {
  const auto offer = offer_from("chromium-offer-audio-video.sdp");
  auto options = server_options();
  options.direction = [](const MediaSection&) { return Direction::RecvOnly; };
  options.send_streams["0"] = {111, std::nullopt, "srv", "room", "a1"};
  const auto result = create_answer(offer, options);
  ASSERT_TRUE(result.answer) << result.error;
  for (const auto& m : result.answer->description.media) {
    EXPECT_EQ(m.direction, Direction::RecvOnly);
    EXPECT_TRUE(m.ssrcs.empty());
    EXPECT_TRUE(m.msid.empty());
  }
}

TEST(Answer, DefaultDirectionMirrorsTheOffer) {
  const auto offer = offer_from("chromium-offer-recvonly.sdp");
  const auto result = create_answer(offer, server_options());
  ASSERT_TRUE(result.answer) << result.error;
  for (const auto& s : result.answer->sections) EXPECT_EQ(s.direction, Direction::SendOnly);
}

TEST(Answer, RecvOnlyOfferNarrowsOurDirection) {
  const auto offer = offer_from("chromium-offer-recvonly.sdp");
  auto options = server_options();
  options.direction = [](const MediaSection&) { return Direction::SendRecv; };
  auto result = create_answer(offer, options);
  ASSERT_TRUE(result.answer) << result.error;
  for (const auto& s : result.answer->sections) EXPECT_EQ(s.direction, Direction::SendOnly);
  options.direction = [](const MediaSection&) { return Direction::RecvOnly; };
  result = create_answer(offer, options);
  ASSERT_TRUE(result.answer) << result.error;
  for (const auto& s : result.answer->sections) EXPECT_EQ(s.direction, Direction::Inactive);
}

TEST(Answer, SimulcastIsReceivedWithTheSameRids) {
  const auto offer = offer_from("chromium-offer-simulcast.sdp");
  auto options = server_options();
  options.direction = [](const MediaSection&) { return Direction::SendRecv; };  // narrowed
  options.send_streams["1"] = {5, 6, "srv", "s", "t"};
  const auto result = create_answer(offer, options);
  ASSERT_TRUE(result.answer) << result.error;
  const auto& video = result.answer->description.media[1];
  EXPECT_EQ(video.direction, Direction::RecvOnly);
  EXPECT_TRUE(video.ssrcs.empty());
  ASSERT_EQ(video.rids.size(), 3u);
  EXPECT_EQ(video.rids[0], (Rid{"q", false, ""}));
  EXPECT_EQ(video.rids[2], (Rid{"f", false, ""}));
  ASSERT_TRUE(video.simulcast);
  EXPECT_TRUE(video.simulcast->send.empty());
  EXPECT_EQ(video.simulcast->recv, offer.media[1].simulcast->send);
  EXPECT_EQ(result.answer->sections[1].remote_rids, offer.media[1].rids);
  const std::string text = serialize_sdp(result.answer->description);
  EXPECT_THAT(text, HasSubstr("a=rid:q recv\r\na=rid:h recv\r\na=rid:f recv\r\n"
                              "a=simulcast:recv q;h;f\r\n"));
}

TEST(Answer, SimulcastNeedsTheRidExtension) {
  const auto offer = offer_from("chromium-offer-simulcast.sdp");
  auto options = server_options();
  options.codecs.extension_uris = {"urn:ietf:params:rtp-hdrext:sdes:mid"};
  const auto result = create_answer(offer, options);
  ASSERT_TRUE(result.answer) << result.error;
  EXPECT_TRUE(result.answer->description.media[1].rids.empty());
  EXPECT_FALSE(result.answer->description.media[1].simulcast);
  EXPECT_TRUE(result.answer->sections[1].remote_rids.empty());
}

TEST(Answer, DataChannelAcceptedOrRejected) {
  const auto offer = offer_from("chromium-offer-datachannel.sdp");
  auto options = server_options();
  auto result = create_answer(offer, options);
  ASSERT_TRUE(result.answer) << result.error;
  const auto& rejected = result.answer->description.media[2];
  EXPECT_EQ(rejected.port, 0);  // RFC 8843 §7.3.3
  EXPECT_EQ(rejected.mid, "2");
  EXPECT_THAT(result.answer->description.bundle_mids, ElementsAre("0", "1"));
  ASSERT_EQ(result.answer->rejected.size(), 1u);
  EXPECT_EQ(result.answer->rejected[0].index, 2u);
  EXPECT_THAT(result.answer->rejected[0].reason, HasSubstr("data channel"));
  EXPECT_THAT(serialize_sdp(result.answer->description),
              HasSubstr("m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\n"));

  options.accept_data_channel = true;
  result = create_answer(offer, options);
  ASSERT_TRUE(result.answer) << result.error;
  const auto& data = result.answer->description.media[2];
  EXPECT_EQ(data.sctp_port, 5000);
  EXPECT_EQ(data.max_message_size, 262144u);
  const auto& section = result.answer->sections[2];
  EXPECT_EQ(section.kind, MediaKind::Application);
  EXPECT_EQ(section.remote_sctp_port, 5000);
  EXPECT_EQ(section.remote_max_message_size, 262144u);
  const std::string text = serialize_sdp(result.answer->description);
  EXPECT_THAT(text, HasSubstr("a=sctp-port:5000\r\na=max-message-size:262144\r\n"));
  EXPECT_THAT(text,
              ::testing::Not(HasSubstr("m=application 40000 UDP/DTLS/SCTP webrtc-datachannel\r\n"
                                       "c=IN IP4 127.0.0.1\r\na=sendrecv")));
}

TEST(Answer, SectionWithoutUsableCodecIsRejected) {
  const auto offer = offer_from("chromium-offer-audio-video.sdp");
  auto options = server_options();
  options.codecs.video = {"H265"};
  const auto result = create_answer(offer, options);
  ASSERT_TRUE(result.answer) << result.error;
  EXPECT_EQ(result.answer->sections.size(), 1u);
  const auto& video = result.answer->description.media[1];
  EXPECT_EQ(video.port, 0);
  EXPECT_TRUE(video.candidates.empty());
  EXPECT_EQ(result.answer->description.bundle_mids, std::vector<std::string>{"0"});
  EXPECT_THAT(result.answer->rejected.at(0).reason, HasSubstr("no usable codec"));
  expect_round_trip(*result.answer);
}

TEST(Answer, PolicyKnobs) {
  const auto offer = offer_from("chromium-offer-audio-video.sdp");
  auto options = server_options();
  options.codecs.video = {"h264", "vp8"};  // case-insensitive, our order
  options.codecs.accept_rtx = false;
  options.codecs.feedback = {"NACK", "transport-cc"};
  options.codecs.extension_uris = {};
  const auto result = create_answer(offer, options);
  ASSERT_TRUE(result.answer) << result.error;
  const auto& video = result.answer->sections[1];
  EXPECT_THAT(payload_types(video.codecs), ElementsAre(102, 108, 116, 96));
  EXPECT_THAT(video.codecs[3].feedback, ElementsAre("transport-cc", "nack"));
  EXPECT_TRUE(video.extmaps.empty());
}

TEST(Answer, OfferedPassiveMakesUsActive) {
  auto offer = offer_from("chromium-offer-audio-video.sdp");
  for (auto& m : offer.media) m.setup = SetupRole::Passive;
  const auto result = create_answer(offer, server_options());
  ASSERT_TRUE(result.answer) << result.error;
  EXPECT_EQ(result.answer->description.media[0].setup, SetupRole::Active);
  EXPECT_EQ(result.answer->remote.setup, SetupRole::Passive);
}

TEST(Answer, RefusesOffersItCannotServe) {
  const auto base = offer_from("chromium-offer-audio-video.sdp");
  struct Case {
    const char* what;
    std::function<void(SessionDescription&, AnswerOptions&)> change;
    const char* error_has;
  };
  const Case cases[] = {
      {"no ICE",
       [](auto& o, auto&) {
         for (auto& m : o.media) m.ice_ufrag.reset();
       },
       "ICE credentials"},
      {"no fingerprint",
       [](auto& o, auto&) {
         for (auto& m : o.media) m.fingerprint.reset();
       },
       "fingerprint"},
      {"no rtcp-mux", [](auto& o, auto&) { o.media[1].rtcp_mux = false; }, "rtcp-mux"},
      {"no BUNDLE", [](auto& o, auto&) { o.bundle_mids.clear(); }, "BUNDLE"},
      {"no codec anywhere",
       [](auto&, auto& options) {
         options.codecs.audio = {"G729"};
         options.codecs.video = {"H265"};
       },
       "no usable codec"},
      {"no mid", [](auto& o, auto&) { o.media[0].mid.clear(); }, "a=mid"},
      {"no media", [](auto& o, auto&) { o.media.clear(); }, "no media"},
      {"different credentials",
       [](auto& o, auto&) { o.media[1].ice_pwd = "otherpasswordotherpass"; }, "different ICE"},
      {"plain RTP",
       [](auto& o, auto&) {
         for (auto& m : o.media) m.protocol = "RTP/AVP";
       },
       "DTLS-SRTP"},
  };
  for (const auto& c : cases) {
    auto offer = base;
    auto options = server_options();
    c.change(offer, options);
    const auto result = create_answer(offer, options);
    EXPECT_FALSE(result.answer) << c.what;
    EXPECT_THAT(result.error, HasSubstr(c.error_has)) << c.what;
  }
}

TEST(Answer, SessionLevelCredentialsAndSectionsOutsideTheBundle) {
  auto offer = offer_from("chromium-offer-audio-video.sdp");
  offer.ice_ufrag = offer.media[0].ice_ufrag;
  offer.ice_pwd = offer.media[0].ice_pwd;
  for (auto& m : offer.media) {
    m.ice_ufrag.reset();
    m.ice_pwd.reset();
  }
  offer.bundle_mids = {"1"};
  const auto result = create_answer(offer, server_options());
  ASSERT_TRUE(result.answer) << result.error;
  EXPECT_EQ(result.answer->remote.ice_ufrag, *offer.ice_ufrag);
  EXPECT_EQ(result.answer->description.media[0].port, 0);
  EXPECT_THAT(result.answer->rejected.at(0).reason, HasSubstr("BUNDLE"));
  EXPECT_EQ(result.answer->description.bundle_mids, std::vector<std::string>{"1"});
}

TEST(Answer, SingleSectionWithoutBundle) {
  auto offer = offer_from("chromium-offer-audio-video.sdp");
  offer.media.pop_back();
  offer.bundle_mids.clear();
  const auto result = create_answer(offer, server_options());
  ASSERT_TRUE(result.answer) << result.error;
  EXPECT_TRUE(result.answer->description.bundle_mids.empty());  // RFC 8843 §7.3: none offered
}

TEST(Answer, NoCandidatesGivesTheDiscardPort) {
  auto options = server_options();
  options.transport.candidates.clear();
  const auto result = create_answer(offer_from("chromium-offer-audio-video.sdp"), options);
  ASSERT_TRUE(result.answer) << result.error;
  EXPECT_EQ(result.answer->description.media[0].port, 9);
  EXPECT_EQ(result.answer->description.media[0].connection, "IN IP4 0.0.0.0");
}

}  // namespace
}  // namespace bailanys::sdp
