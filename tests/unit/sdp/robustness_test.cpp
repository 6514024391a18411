// Hostile and broken input: truncations, mutations, garbage and the size limits.
// Nothing may crash; a rejection carries a reason and a line number, and whatever
// is accepted must survive a serialize → parse round trip.
#include <gtest/gtest.h>

#include <random>

#include "sdp/session_description.hpp"
#include "sdp_fixtures.hpp"

namespace bailanys::sdp {
namespace {

using testing::kFixtures;
using testing::lines_of;
using testing::read_fixture;

// Parses `text` and checks the invariants every outcome must hold.
void check_outcome(const std::string& text, const std::string& what) {
  const auto result = parse_sdp(text);
  if (!result.description) {
    ASSERT_FALSE(result.error.empty()) << what;
    ASSERT_GE(result.error_line, 1u) << what << ": " << result.error;
    ASSERT_LE(result.error_line, lines_of(text).size() + 1) << what << ": " << result.error;
    return;
  }
  ASSERT_TRUE(result.error.empty()) << what;
  const auto again = parse_sdp(serialize_sdp(*result.description));
  ASSERT_TRUE(again.description) << what << ": line " << again.error_line << ": " << again.error
                                 << "\n"
                                 << serialize_sdp(*result.description);
  ASSERT_EQ(*again.description, *result.description) << what;
}

constexpr std::string_view kMinimal = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

ParseResult parse_with(std::string_view extra) {
  return parse_sdp(std::string(kMinimal) + std::string(extra));
}

TEST(SdpRobustness, EveryLineTruncation) {
  for (const char* name : kFixtures) {
    const auto lines = lines_of(read_fixture(name));
    std::string text;
    for (std::size_t n = 0; n < lines.size(); ++n) {
      check_outcome(text, std::string(name) + " first " + std::to_string(n) + " lines");
      text += lines[n] + "\r\n";
    }
  }
}

TEST(SdpRobustness, EveryByteTruncation) {
  for (const char* name : kFixtures) {
    const std::string text = read_fixture(name);
    for (std::size_t n = 0; n < text.size(); ++n) {
      check_outcome(text.substr(0, n),
                    std::string(name) + " first " + std::to_string(n) + " bytes");
    }
  }
}

TEST(SdpRobustness, RandomMutations) {
  std::mt19937 rng(20240521);  // fixed seed: reproducible
  const char alphabet[] = "a=:/ 0123456789\r\n\t\x01~*;,-m";
  for (const char* name : kFixtures) {
    const std::string original = read_fixture(name);
    for (int round = 0; round < 1500; ++round) {
      std::string text = original;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits; ++e) {
        const std::size_t at = rng() % text.size();
        switch (rng() % 3) {
          case 0:
            text[at] = alphabet[rng() % (sizeof(alphabet) - 1)];
            break;
          case 1:
            text.erase(at, 1 + rng() % 8);
            break;
          default:
            text.insert(at, 1, static_cast<char>(rng() % 256));
            break;
        }
        if (text.empty()) text = "v";
      }
      check_outcome(text, std::string(name) + " mutation " + std::to_string(round));
    }
  }
}

TEST(SdpRobustness, RandomGarbage) {
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    std::string text(rng() % 600, '\0');
    for (auto& c : text) c = static_cast<char>(rng() % 256);
    if (round % 2 == 0) text.insert(0, kMinimal);  // get past the first lines sometimes
    check_outcome(text, "garbage " + std::to_string(round));
  }
}

TEST(SdpLimits, TextSize) {
  std::string text(kMinimal);
  while (text.size() <= kMaxSdpBytes) text += "a=x-padding:" + std::string(200, 'p') + "\r\n";
  const auto result = parse_sdp(text);
  EXPECT_FALSE(result.description);
  EXPECT_EQ(result.error_line, 0u);  // the whole text
  EXPECT_NE(result.error.find("larger than"), std::string::npos);
}

TEST(SdpLimits, LineLength) {
  const std::string ok = "a=x:" + std::string(kMaxLineBytes - 4, 'x') + "\r\n";
  EXPECT_TRUE(parse_with(ok).description);
  const auto result = parse_with("a=x:" + std::string(kMaxLineBytes - 3, 'x') + "\r\n");
  EXPECT_FALSE(result.description);
  EXPECT_EQ(result.error_line, 5u);
  EXPECT_NE(result.error.find("longer than"), std::string::npos);
}

TEST(SdpLimits, MediaSections) {
  std::string sections;
  for (std::size_t i = 0; i < kMaxMediaSections; ++i) {
    sections += "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:" + std::to_string(i) + "\r\n";
  }
  const auto at_limit = parse_with(sections);
  ASSERT_TRUE(at_limit.description) << at_limit.error;
  EXPECT_EQ(at_limit.description->media.size(), kMaxMediaSections);
  const auto over = parse_with(sections + "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\n");
  EXPECT_FALSE(over.description);
  EXPECT_EQ(over.error_line, 5 + 2 * kMaxMediaSections);
  EXPECT_NE(over.error.find("media sections"), std::string::npos);
}

struct BadCase {
  const char* extra;       // lines after the minimal session
  std::size_t line;        // expected error line
  const char* reason_has;  // part of the reason
};

TEST(SdpErrors, NameTheLineAndTheReason) {
  const BadCase cases[] = {
      {"x=1\r\n", 5, "unknown line type"},
      {"garbage\r\n", 5, "not <type>=<value>"},
      {"a=ice-ufrag:ab\r\n", 5, "ice-ufrag"},
      {"a=ice-pwd:short\r\n", 5, "ice-pwd"},
      {"a=fingerprint:sha-256 XY\r\n", 5, "fingerprint"},
      {"a=setup:holdconn\r\n", 5, "setup"},
      {"m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\na=mid:1\r\n", 7, "a=mid repeated"},
      {"m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n",
       8, "two media sections"},
      {"m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=sendonly\r\na=recvonly\r\n", 7, "direction"},
      {"m=audio 9 UDP/TLS/RTP/SAVPF 128\r\n", 5, "0-127"},
      {"m=audio 9 UDP/TLS/RTP/SAVPF 0 0\r\n", 5, "repeated"},
      {"m=audio 70000 UDP/TLS/RTP/SAVPF 0\r\n", 5, "port"},
      {"m=audio 9/2 UDP/TLS/RTP/SAVPF 0\r\n", 5, "port ranges"},
      {"m=audio 9 UDP/TLS/RTP/SAVPF\r\n", 5, "m= line"},
      {"m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8\r\n", 6, "rtpmap"},
      {"m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\na=rtpmap:96 VP9/90000\r\n", 7,
       "rtpmap repeated"},
      {"m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=extmap:1 urn:a\r\na=extmap:1 urn:b\r\n", 7, "extmap"},
      {"m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rid:q send\r\na=rid:q send\r\n", 7, "rid"},
      {"m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=simulcast:send\r\n", 6, "simulcast"},
      {"m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=candidate:1 1 udp 1 x\r\n", 6, "candidate"},
      {"m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=ssrc:x cname:y\r\n", 6, "ssrc"},
      {"m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=sctp-port:70000\r\n", 6, "sctp-port"},
      {"m=audio 9 UDP/TLS/RTP/SAVPF 0\r\ns=again\r\n", 6, "s= line repeated"},
      {"m=audio 9 UDP/TLS/RTP/SAVPF 0\r\nt=0 0\r\n", 6, "t= line inside"},
      {"a=ok\r\nc=IN IP4\r\n", 6, "c= line"},
      {"a=bad\x01value\r\n", 5, "control character"},
      {"a=\r\n", 5, "attribute name"},
  };
  for (const auto& c : cases) {
    const auto result = parse_with(c.extra);
    EXPECT_FALSE(result.description) << c.extra;
    EXPECT_EQ(result.error_line, c.line) << c.extra << " → " << result.error;
    EXPECT_NE(result.error.find(c.reason_has), std::string::npos)
        << c.extra << " → " << result.error;
  }
}

TEST(SdpErrors, SessionHeader) {
  EXPECT_EQ(parse_sdp("").error_line, 1u);
  EXPECT_FALSE(parse_sdp("").description);
  const auto v1 = parse_sdp("v=1\r\n");
  EXPECT_EQ(v1.error_line, 1u);
  EXPECT_NE(v1.error.find("version"), std::string::npos);
  const auto no_origin = parse_sdp("v=0\r\ns=-\r\nt=0 0\r\n");
  EXPECT_EQ(no_origin.error_line, 2u);
  EXPECT_NE(no_origin.error.find("o="), std::string::npos);
  const auto bad_origin = parse_sdp("v=0\r\no=- x 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");
  EXPECT_EQ(bad_origin.error_line, 2u);
  const auto no_timing = parse_sdp("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n");
  EXPECT_FALSE(no_timing.description);
  EXPECT_EQ(no_timing.error_line, 3u);
  EXPECT_NE(no_timing.error.find("t="), std::string::npos);
  const auto m_first =
      parse_sdp("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\n");
  EXPECT_EQ(m_first.error_line, 4u);
}

TEST(SdpLenience, LineEndsBlankLinesAndUnknowns) {
  // \n alone, a blank line, no final line end, an unknown attribute and the "*" rtcp-fb.
  const auto result = parse_sdp(
      "v=0\no=- 1 2 IN IP4 127.0.0.1\ns=-\nt=0 0\n\na=x-custom:1 2\n"
      "m=video 9 UDP/TLS/RTP/SAVPF 96 97\na=rtcp-fb:* nack\na=rtpmap:96 VP8/90000\n"
      "a=rtpmap:98 VP9/90000\na=fmtp:97 apt=96\na=rtpmap:97 rtx/90000\na=rtcp-fb:96 nack pli");
  ASSERT_TRUE(result.description) << result.error_line << ": " << result.error;
  const auto& d = *result.description;
  EXPECT_EQ(d.other_attributes, std::vector<std::string>{"x-custom:1 2"});
  const auto& m = d.media.at(0);
  ASSERT_EQ(m.codecs.size(), 2u);  // rtpmap for 98 (not on the m= line) ignored
  EXPECT_EQ(m.codecs[0].feedback, (std::vector<std::string>{"nack", "nack pli"}));
  EXPECT_EQ(m.codecs[1].feedback, (std::vector<std::string>{"nack"}));
  EXPECT_EQ(rtx_apt(m.codecs[1]), 96);
  EXPECT_EQ(m.connection, "");  // no c= line
  const auto again = parse_sdp(serialize_sdp(d));
  ASSERT_TRUE(again.description);
  EXPECT_EQ(*again.description, d);
}

TEST(SdpLenience, SessionLevelTransportDefaults) {
  const auto result = parse_with(
      "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuv\r\na=setup:actpass\r\n"
      "a=fingerprint:sha-256 AB:CD\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=ice-ufrag:wxyz\r\n"
      "a=fingerprint:sha-1 01:02\r\na=fingerprint:sha-256 03:04\r\n");
  ASSERT_TRUE(result.description) << result.error;
  const auto& d = *result.description;
  const auto params = transport_params(d, d.media[0]);
  EXPECT_EQ(params.ice_ufrag, "wxyz");                  // media level wins
  EXPECT_EQ(params.ice_pwd, "abcdefghijklmnopqrstuv");  // session level default
  EXPECT_EQ(params.setup, SetupRole::ActPass);
  ASSERT_TRUE(params.fingerprint);
  EXPECT_EQ(params.fingerprint->algorithm, "sha-1");  // the first one
  EXPECT_EQ(d.media[0].other_attributes, std::vector<std::string>{"fingerprint:sha-256 03:04"});
}

TEST(SdpLenience, LegacySsrcAttributesAndRepeatsAreKept) {
  const auto result = parse_with(
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=msid:s1 t1\r\na=msid:s2 t1\r\n"
      "a=ssrc:5 label:t1\r\na=ssrc:5 cname:abc\r\na=ssrc:5 cname:other\r\na=ssrc:6 mslabel\r\n"
      "a=group:BUNDLE\r\na=group:LS 0\r\n");
  ASSERT_TRUE(result.description) << result.error;
  const auto& m = result.description->media[0];
  EXPECT_EQ(m.msid, "s1 t1");
  EXPECT_EQ(m.other_attributes,
            (std::vector<std::string>{"msid:s2 t1", "group:BUNDLE", "group:LS 0"}));
  ASSERT_EQ(m.ssrcs.size(), 2u);
  EXPECT_EQ(m.ssrcs[0], (SsrcInfo{5, "abc", "", {"label:t1", "cname:other"}}));
  EXPECT_EQ(m.ssrcs[1], (SsrcInfo{6, "", "", {"mslabel"}}));
  const auto again = parse_sdp(serialize_sdp(*result.description));
  ASSERT_TRUE(again.description);
  EXPECT_EQ(*again.description, *result.description);
}

TEST(SdpSerialize, DataSectionsCarryNoDirection) {
  SessionDescription d;
  MediaSection data;
  data.kind = MediaKind::Application;
  data.kind_name = "application";
  data.protocol = "UDP/DTLS/SCTP";
  data.formats = {"webrtc-datachannel"};
  data.mid = "0";
  data.sctp_port = 5000;
  d.media.push_back(data);
  const std::string text = serialize_sdp(d);
  EXPECT_EQ(text,
            "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
            "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\n"
            "a=mid:0\r\na=sctp-port:5000\r\n");
  const auto parsed = parse_sdp(text);
  ASSERT_TRUE(parsed.description);
  EXPECT_EQ(*parsed.description, d);
}

}  // namespace
}  // namespace bailanys::sdp
