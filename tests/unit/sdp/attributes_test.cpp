// Single-attribute parsers, with the examples of the RFCs that define them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sdp/attributes.hpp"
#include "sdp/session_description.hpp"

namespace bailanys::sdp {
namespace {

using ::testing::ElementsAre;

TEST(RtpMap, ParsesNameRateAndChannels) {
  const auto opus = parse_rtpmap("111 opus/48000/2");
  ASSERT_TRUE(opus);
  EXPECT_EQ(opus->payload_type, 111);
  EXPECT_EQ(opus->name, "opus");
  EXPECT_EQ(opus->clock_rate, 48000u);
  EXPECT_EQ(opus->channels, 2);
  const auto vp8 = parse_rtpmap("96 VP8/90000");
  ASSERT_TRUE(vp8);
  EXPECT_EQ(vp8->channels, 1);
}

TEST(RtpMap, RejectsMalformed) {
  for (const char* bad :
       {"", "111", "111 opus", "128 opus/48000", "-1 opus/48000", "x opus/48000", "111 opus/0",
        "111 opus/48000/0", "111 opus/48000/256", "111 /48000", "111 opus//48000",
        "111 opus/48000/2/1", "111 opus/48000/", "111 opus/99999999999", "111 op us/48000"}) {
    EXPECT_FALSE(parse_rtpmap(bad)) << bad;
  }
}

TEST(Fmtp, KeepsParametersVerbatim) {
  const auto fmtp =
      parse_fmtp("102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f");
  ASSERT_TRUE(fmtp);
  EXPECT_EQ(fmtp->payload_type, 102);
  EXPECT_EQ(fmtp->parameters,
            "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f");
  EXPECT_FALSE(parse_fmtp("abc x=1"));
  EXPECT_FALSE(parse_fmtp("200 x=1"));
}

TEST(FmtpParameter, FindsKeysCaseInsensitively) {
  Codec h264;
  h264.name = "H264";
  h264.fmtp = "level-asymmetry-allowed=1; Packetization-Mode=1 ;profile-level-id=42e01f";
  EXPECT_EQ(fmtp_parameter(h264, "packetization-mode"), "1");
  EXPECT_EQ(fmtp_parameter(h264, "profile-level-id"), "42e01f");
  EXPECT_EQ(fmtp_parameter(h264, "sprop"), std::nullopt);
}

TEST(RtxApt, OnlyForRtxWithValidApt) {
  // RFC 4588 §8.6: a=fmtp:<rtx pt> apt=<original pt>
  Codec rtx{97, "rtx", 90000, 1, "apt=96", {}};
  EXPECT_EQ(rtx_apt(rtx), 96);
  rtx.name = "RTX";
  EXPECT_EQ(rtx_apt(rtx), 96);
  rtx.fmtp = "rtx-time=3000;apt=100";
  EXPECT_EQ(rtx_apt(rtx), 100);
  rtx.fmtp = "apt=300";
  EXPECT_EQ(rtx_apt(rtx), std::nullopt);
  rtx.fmtp = "apt=";
  EXPECT_EQ(rtx_apt(rtx), std::nullopt);
  rtx.fmtp = "";
  EXPECT_EQ(rtx_apt(rtx), std::nullopt);
  const Codec vp8{96, "VP8", 90000, 1, "apt=1", {}};
  EXPECT_EQ(rtx_apt(vp8), std::nullopt);
}

TEST(RtcpFb, PayloadTypeOrWildcard) {
  // RFC 4585 §4.2 examples.
  const auto nack = parse_rtcp_fb("98 nack  pli");
  ASSERT_TRUE(nack);
  EXPECT_EQ(nack->payload_type, 98);
  EXPECT_EQ(nack->value, "nack pli");
  const auto any = parse_rtcp_fb("* nack");
  ASSERT_TRUE(any);
  EXPECT_EQ(any->payload_type, std::nullopt);
  EXPECT_FALSE(parse_rtcp_fb("98"));
  EXPECT_FALSE(parse_rtcp_fb("x nack"));
}

TEST(Extmap, RfcExamples) {
  // RFC 8285 §7.
  const auto a = parse_extmap("1 http://example.com/082005/ext.htm#ttime");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->id, 1);
  EXPECT_EQ(a->uri, "http://example.com/082005/ext.htm#ttime");
  EXPECT_EQ(a->direction, "");
  const auto b = parse_extmap("2/sendrecv http://example.com/082005/ext.htm#xmeta short");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->id, 2);
  EXPECT_EQ(b->direction, "sendrecv");
  EXPECT_EQ(b->attributes, "short");
  EXPECT_TRUE(parse_extmap("255 urn:x"));  // two-byte header ids
  for (const char* bad : {"", "0 urn:x", "256 urn:x", "1", "1/up urn:x", "x urn:x", "1/ urn:x"}) {
    EXPECT_FALSE(parse_extmap(bad)) << bad;
  }
}

TEST(Fingerprint, HexPairs) {
  const auto f = parse_fingerprint(
      "SHA-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3A:58:C3:3B:0E:6E:E2:48:"
      "33:C2:46:28");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->algorithm, "sha-256");
  EXPECT_EQ(f->value.size(), 32u * 3 - 1);
  for (const char* bad : {"", "sha-256", "sha-256 4A:A", "sha-256 4A:", "sha-256 4AAD",
                          "sha-256 ZZ", "sha-256 4A::AD", "sha 256 4A"}) {
    EXPECT_FALSE(parse_fingerprint(bad)) << bad;
  }
}

TEST(Setup, Roles) {
  EXPECT_EQ(parse_setup("actpass"), SetupRole::ActPass);
  EXPECT_EQ(parse_setup("active"), SetupRole::Active);
  EXPECT_EQ(parse_setup("passive"), SetupRole::Passive);
  EXPECT_EQ(parse_setup("holdconn"), std::nullopt);
  EXPECT_EQ(to_string(SetupRole::ActPass), "actpass");
}

TEST(Rid, RfcExamples) {
  // RFC 8851 §11.
  const auto r = parse_rid("1 send pt=97;max-width=1280;max-height=720");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, "1");
  EXPECT_TRUE(r->send);
  EXPECT_EQ(r->params, "pt=97;max-width=1280;max-height=720");
  const auto recv = parse_rid("lo recv");
  ASSERT_TRUE(recv);
  EXPECT_FALSE(recv->send);
  for (const char* bad : {"", "q", "q both", "q! send", " send"})
    EXPECT_FALSE(parse_rid(bad)) << bad;
}

TEST(Simulcast, RfcExamples) {
  // RFC 8853 §5.1 and §6.
  const auto a = parse_simulcast("send 1;2,3 recv 4");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->send, (std::vector<std::vector<std::string>>{{"1"}, {"2", "3"}}));
  EXPECT_EQ(a->recv, (std::vector<std::vector<std::string>>{{"4"}}));
  EXPECT_EQ(serialize_simulcast(*a), "send 1;2,3 recv 4");
  const auto b = parse_simulcast("recv 1;~2");
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->send.empty());
  EXPECT_EQ(b->recv, (std::vector<std::vector<std::string>>{{"1"}, {"~2"}}));
  EXPECT_EQ(serialize_simulcast(*b), "recv 1;~2");
  for (const char* bad : {"", "send", "send q recv", "send q send h", "up q", "send q,~",
                          "send q;!", "send q recv h extra"}) {
    EXPECT_FALSE(parse_simulcast(bad)) << bad;
  }
}

TEST(Ssrc, AttributeAndGroup) {
  const auto cname = parse_ssrc_attribute("3985143671 cname:/XUVsxCukbQTa+o9");
  ASSERT_TRUE(cname);
  EXPECT_EQ(cname->ssrc, 3985143671u);
  EXPECT_EQ(cname->attribute, "cname");
  EXPECT_EQ(cname->value, "/XUVsxCukbQTa+o9");
  const auto msid = parse_ssrc_attribute("1 msid:stream track");
  ASSERT_TRUE(msid);
  EXPECT_EQ(msid->value, "stream track");
  EXPECT_FALSE(parse_ssrc_attribute("4294967296 cname:x"));
  EXPECT_FALSE(parse_ssrc_attribute("1"));
  const auto group = parse_ssrc_group("FID 3588601515 2816342237");
  ASSERT_TRUE(group);
  EXPECT_EQ(group->semantics, "FID");
  EXPECT_THAT(group->ssrcs, ElementsAre(3588601515u, 2816342237u));
  EXPECT_FALSE(parse_ssrc_group("FID"));
  EXPECT_FALSE(parse_ssrc_group("FID 1 x"));
}

}  // namespace
}  // namespace bailanys::sdp
