// The real Chromium descriptions in tests/data/sdp: they parse, survive a
// serialize → parse round trip unchanged, and their key fields are what the text says.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "sdp/session_description.hpp"
#include "sdp_fixtures.hpp"

namespace bailanys::sdp {
namespace {

using testing::count_lines;
using ::testing::ElementsAre;
using testing::first_value;
using testing::kFixtures;
using testing::lines_of;
using testing::read_fixture;
using testing::section_lines;
using ::testing::UnorderedElementsAreArray;

SessionDescription parse_fixture(const char* name) {
  const std::string text = read_fixture(name);
  auto result = parse_sdp(text);
  EXPECT_TRUE(result.description) << name << ": line " << result.error_line << ": " << result.error;
  return result.description.value_or(SessionDescription{});
}

const Codec* find_codec(const MediaSection& m, std::uint8_t pt) {
  for (const auto& c : m.codecs) {
    if (c.payload_type == pt) return &c;
  }
  return nullptr;
}

class EveryFixture : public ::testing::TestWithParam<const char*> {};

TEST_P(EveryFixture, ParsesAndRoundTrips) {
  const std::string text = read_fixture(GetParam());
  ASSERT_FALSE(text.empty()) << "missing fixture " << GetParam();
  const auto parsed = parse_sdp(text);
  ASSERT_TRUE(parsed.description) << "line " << parsed.error_line << ": " << parsed.error;
  const std::string serialized = serialize_sdp(*parsed.description);
  const auto again = parse_sdp(serialized);
  ASSERT_TRUE(again.description) << "line " << again.error_line << ": " << again.error;
  EXPECT_EQ(*again.description, *parsed.description);
  EXPECT_EQ(serialize_sdp(*again.description), serialized);
}

TEST_P(EveryFixture, SerializationKeepsEveryLine) {
  // Chromium's own layout is JSEP order, so the same lines come back (order may differ).
  const std::string text = read_fixture(GetParam());
  const auto parsed = parse_sdp(text);
  ASSERT_TRUE(parsed.description);
  const std::string serialized = serialize_sdp(*parsed.description);
  EXPECT_TRUE(serialized.ends_with("\r\n"));
  auto original = lines_of(text);
  std::erase(original, std::string());
  EXPECT_THAT(lines_of(serialized), UnorderedElementsAreArray(original));
  for (std::size_t i = 0; i < parsed.description->media.size(); ++i) {
    EXPECT_EQ(section_lines(serialized, i).front(), section_lines(text, i).front());
  }
}

TEST_P(EveryFixture, CountsMatchTheText) {
  const std::string text = read_fixture(GetParam());
  const auto d = parse_fixture(GetParam());
  EXPECT_EQ(d.media.size(), count_lines(text, "m="));
  EXPECT_EQ(d.session_id, std::stoull(first_value(text, "o=- ")));
  std::size_t candidates = 0, extmaps = 0, ssrc_groups = 0;
  for (std::size_t i = 0; i < d.media.size(); ++i) {
    const auto& m = d.media[i];
    candidates += m.candidates.size();
    extmaps += m.extmaps.size();
    ssrc_groups += m.ssrc_groups.size();
    std::string section;
    for (const auto& line : section_lines(text, i)) section += line + "\n";
    EXPECT_EQ(m.mid, first_value(section, "a=mid:"));
    EXPECT_EQ(m.extmaps.size(), count_lines(section, "a=extmap:"));
    EXPECT_EQ(m.other_attributes.size() + m.extmaps.size(), count_lines(section, "a=rtcp:") +
                                                                count_lines(section, "a=rtcp-xr:") +
                                                                count_lines(section, "a=extmap:"));
    if (m.kind != MediaKind::Application) {
      EXPECT_EQ(m.codecs.size(), m.formats.size());
      EXPECT_TRUE(m.rtcp_mux);
    }
    const auto params = transport_params(d, m);
    EXPECT_EQ(params.ice_ufrag, first_value(text, "a=ice-ufrag:"));
    EXPECT_EQ(params.ice_pwd, first_value(text, "a=ice-pwd:"));
    ASSERT_TRUE(params.fingerprint);
    EXPECT_EQ(params.fingerprint->algorithm, "sha-256");
    EXPECT_EQ("sha-256 " + params.fingerprint->value, first_value(text, "a=fingerprint:"));
  }
  EXPECT_EQ(candidates, count_lines(text, "a=candidate:"));
  EXPECT_EQ(extmaps, count_lines(text, "a=extmap:"));
  EXPECT_EQ(ssrc_groups, count_lines(text, "a=ssrc-group:"));
  EXPECT_EQ(d.bundle_mids.size(), d.media.size());
  EXPECT_TRUE(d.extmap_allow_mixed);
  EXPECT_TRUE(d.msid_semantic.starts_with("WMS"));
}

INSTANTIATE_TEST_SUITE_P(Chromium, EveryFixture, ::testing::ValuesIn(kFixtures),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           name = name.substr(0, name.find('.'));
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(ChromiumAudioVideoOffer, KeyFields) {
  const std::string text = read_fixture("chromium-offer-audio-video.sdp");
  const auto d = parse_fixture("chromium-offer-audio-video.sdp");
  ASSERT_EQ(d.media.size(), 2u);
  EXPECT_THAT(d.bundle_mids, ElementsAre("0", "1"));
  EXPECT_FALSE(d.ice_lite);
  const auto& audio = d.media[0];
  const auto& video = d.media[1];
  EXPECT_EQ(audio.kind, MediaKind::Audio);
  EXPECT_EQ(video.kind, MediaKind::Video);
  EXPECT_EQ(audio.protocol, "UDP/TLS/RTP/SAVPF");
  EXPECT_EQ(audio.port, 9);
  EXPECT_EQ(audio.connection, "IN IP4 0.0.0.0");
  EXPECT_EQ(audio.direction, Direction::SendRecv);
  EXPECT_EQ(audio.setup, SetupRole::ActPass);
  EXPECT_TRUE(audio.rtcp_rsize);
  EXPECT_THAT(audio.ice_options, ElementsAre("trickle"));
  EXPECT_EQ(audio.msid, first_value(text, "a=msid:"));
  EXPECT_EQ(audio.codecs.front().payload_type, 111);

  const Codec* opus = find_codec(audio, 111);
  ASSERT_NE(opus, nullptr);
  EXPECT_EQ(opus->name, "opus");
  EXPECT_EQ(opus->clock_rate, 48000u);
  EXPECT_EQ(opus->channels, 2);
  EXPECT_EQ(fmtp_parameter(*opus, "useinbandfec"), "1");
  EXPECT_THAT(opus->feedback, ElementsAre("transport-cc"));
  const Codec* pcmu = find_codec(audio, 0);
  ASSERT_NE(pcmu, nullptr);
  EXPECT_EQ(pcmu->name, "PCMU");
  EXPECT_EQ(pcmu->clock_rate, 8000u);

  const Codec* vp8 = find_codec(video, 96);
  ASSERT_NE(vp8, nullptr);
  EXPECT_EQ(vp8->name, "VP8");
  EXPECT_THAT(vp8->feedback,
              ElementsAre("goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"));
  const Codec* rtx = find_codec(video, 97);
  ASSERT_NE(rtx, nullptr);
  EXPECT_EQ(rtx_apt(*rtx), 96);
  EXPECT_EQ(rtx_apt(*vp8), std::nullopt);

  ASSERT_EQ(audio.ssrcs.size(), 1u);
  EXPECT_EQ(audio.ssrcs[0].cname,
            first_value(text, "a=ssrc:" + std::to_string(audio.ssrcs[0].ssrc) + " cname:"));
  ASSERT_EQ(video.ssrc_groups.size(), 1u);
  EXPECT_EQ(video.ssrc_groups[0].semantics, "FID");
  ASSERT_EQ(video.ssrc_groups[0].ssrcs.size(), 2u);
  ASSERT_EQ(video.ssrcs.size(), 2u);
  EXPECT_EQ(video.ssrcs[0].ssrc, video.ssrc_groups[0].ssrcs[0]);
  EXPECT_EQ(video.ssrcs[1].msid, video.msid);
  EXPECT_THAT(audio.other_attributes, ::testing::Contains("rtcp:9 IN IP4 0.0.0.0"));

  const auto mid_ext =
      std::find_if(audio.extmaps.begin(), audio.extmaps.end(),
                   [](const Extmap& e) { return e.uri == "urn:ietf:params:rtp-hdrext:sdes:mid"; });
  ASSERT_NE(mid_ext, audio.extmaps.end());
  EXPECT_EQ(count_lines(text, "a=extmap:" + std::to_string(mid_ext->id) +
                                  " urn:ietf:params:rtp-hdrext:sdes:mid"),
            2u);
}

TEST(ChromiumSimulcastOffer, RidsAndSimulcast) {
  const auto d = parse_fixture("chromium-offer-simulcast.sdp");
  ASSERT_EQ(d.media.size(), 2u);
  EXPECT_EQ(d.media[0].direction, Direction::SendOnly);
  const auto& video = d.media[1];
  EXPECT_EQ(video.direction, Direction::SendOnly);
  ASSERT_EQ(video.rids.size(), 3u);
  EXPECT_EQ(video.rids[0], (Rid{"q", true, ""}));
  EXPECT_EQ(video.rids[1].id, "h");
  EXPECT_EQ(video.rids[2].id, "f");
  ASSERT_TRUE(video.simulcast);
  EXPECT_EQ(video.simulcast->send, (std::vector<std::vector<std::string>>{{"q"}, {"h"}, {"f"}}));
  EXPECT_TRUE(video.simulcast->recv.empty());
  EXPECT_TRUE(video.ssrcs.empty());  // Chromium names simulcast layers by rid only
}

TEST(ChromiumRecvOnlyOffer, NoStreams) {
  const auto d = parse_fixture("chromium-offer-recvonly.sdp");
  ASSERT_EQ(d.media.size(), 2u);
  EXPECT_EQ(d.msid_semantic, "WMS");
  for (const auto& m : d.media) {
    EXPECT_EQ(m.direction, Direction::RecvOnly);
    EXPECT_TRUE(m.ssrcs.empty());
    EXPECT_TRUE(m.msid.empty());
  }
}

TEST(ChromiumDataChannelOffer, ApplicationSection) {
  const auto d = parse_fixture("chromium-offer-datachannel.sdp");
  ASSERT_EQ(d.media.size(), 3u);
  const auto& data = d.media[2];
  EXPECT_EQ(data.kind, MediaKind::Application);
  EXPECT_EQ(data.protocol, "UDP/DTLS/SCTP");
  EXPECT_THAT(data.formats, ElementsAre("webrtc-datachannel"));
  EXPECT_TRUE(data.codecs.empty());
  EXPECT_EQ(data.sctp_port, 5000);
  EXPECT_EQ(data.max_message_size, 262144u);
  EXPECT_EQ(data.mid, "2");
  EXPECT_THAT(d.bundle_mids, ElementsAre("0", "1", "2"));
}

TEST(ChromiumAnswer, ActiveSetup) {
  const auto d = parse_fixture("chromium-answer.sdp");
  ASSERT_EQ(d.media.size(), 2u);
  for (const auto& m : d.media) {
    EXPECT_EQ(m.setup, SetupRole::Active);
    EXPECT_EQ(m.direction, Direction::SendRecv);
  }
}

TEST(ChromiumOfferWithCandidates, LoopbackCandidates) {
  const std::string text = read_fixture("chromium-offer-with-candidates.sdp");
  const auto d = parse_fixture("chromium-offer-with-candidates.sdp");
  for (const auto& m : d.media) {
    ASSERT_FALSE(m.candidates.empty());
    bool udp = false;
    for (const auto& c : m.candidates) {
      EXPECT_EQ(c.address, "127.0.0.1");  // captured in a loopback-only namespace
      EXPECT_EQ(c.type, "host");
      EXPECT_EQ(c.component, 1u);
      if (c.transport == "udp") {
        udp = true;
        EXPECT_EQ(c.port, m.port);  // the m= line carries the default candidate
        EXPECT_TRUE(c.tcp_type.empty());
      } else {
        EXPECT_EQ(c.transport, "tcp");
        EXPECT_EQ(c.tcp_type, "active");
        EXPECT_EQ(c.port, 9);  // RFC 6544 §4.5: active candidates use the discard port
      }
      EXPECT_EQ(c.extensions.front(), (std::pair<std::string, std::string>{"generation", "0"}));
    }
    EXPECT_TRUE(udp);
    EXPECT_EQ(m.connection, "IN IP4 127.0.0.1");
    EXPECT_FALSE(m.end_of_candidates);
  }
  EXPECT_EQ("candidate:" + std::string(first_value(text, "a=candidate:")),
            serialize_candidate(d.media[0].candidates[0]));
}

}  // namespace
}  // namespace bailanys::sdp
