// create_subscriber_offer and apply_subscriber_answer: the offers parse back and say what
// the inputs say, they still match the fixtures Chromium answered (tests/data/sdp/
// server-offer-*.sdp), those Chromium answers are accepted, and tampered answers are not.
//
// Regenerating the fixtures (offers first, then Chromium's answers to them):
//   BAILANYS_WRITE_SDP_OFFERS=tests/data/sdp ./build/tests/unit/bailanys_sdp_tests
//       --gtest_filter='SubscriberOffer.*'   (one command line)
//   unshare --net sh -c 'ip link set lo up; node tests/tools/capture-answers.mjs'
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <random>

#include "sdp/offer.hpp"
#include "sdp_fixtures.hpp"

namespace bailanys::sdp {
namespace {

using ::testing::ElementsAre;
using testing::first_value;
using ::testing::HasSubstr;
using testing::read_fixture;

OfferOptions server_options() {
  OfferOptions options;
  options.transport = testing::test_local_transport();
  options.audio_codecs = default_subscriber_audio_codecs();
  options.video_codecs = default_subscriber_video_codecs();
  options.extmaps = default_subscriber_extmaps();
  options.session_id = 4242424242;
  return options;
}

// Participant n (1-based) publishes audio mid "a<n>" and video mid "v<n>" with RTX.
void add_participant(std::vector<OfferedTrack>& tracks, int n) {
  const std::string id = std::to_string(n);
  const auto base = static_cast<std::uint32_t>(n * 1000);
  tracks.push_back({"a" + id, MediaKind::Audio, base + 1, std::nullopt, "peer" + id, "stream" + id,
                    "audio" + id, true});
  tracks.push_back({"v" + id, MediaKind::Video, base + 2, base + 3, "peer" + id, "stream" + id,
                    "video" + id, true});
}

struct OfferCase {
  std::string name;  // server-offer-<name>.sdp / chromium-answer-to-server-offer-<name>.sdp
  std::vector<OfferedTrack> tracks;
  std::uint64_t version = 1;
};

std::vector<OfferCase> offer_cases() {
  std::vector<OfferCase> cases;
  OfferCase one{"audio-video", {}, 1};
  add_participant(one.tracks, 1);
  cases.push_back(one);
  OfferCase three{"three-participants", {}, 1};
  for (int n = 1; n <= 3; ++n) add_participant(three.tracks, n);
  cases.push_back(three);
  // The next offer on the same transport: participant 2 stopped its camera.
  OfferCase renegotiated = three;
  renegotiated.name = "renegotiation-inactive-video";
  renegotiated.version = 2;
  renegotiated.tracks[3].active = false;
  cases.push_back(renegotiated);
  // The offer after that: a new participant's camera takes the inactive slot (same mid).
  OfferCase reused = renegotiated;
  reused.name = "renegotiation-reused-slot";
  reused.version = 3;
  reused.tracks[3] = {"v2", MediaKind::Video, 7002, 7003, "peer7", "stream7", "video7", true};
  cases.push_back(reused);
  cases.push_back(OfferCase{"no-tracks", {}, 1});
  return cases;
}

void PrintTo(const OfferCase& c, std::ostream* os) { *os << c.name; }

SessionDescription offer_for(const OfferCase& c) {
  auto options = server_options();
  options.session_version = c.version;
  EXPECT_EQ(subscriber_offer_problem(c.tracks, options), "") << c.name;
  return create_subscriber_offer(c.tracks, options);
}

SessionDescription parsed(const std::string& text, const std::string& what) {
  auto result = parse_sdp(text);
  EXPECT_TRUE(result.description) << what << ": line " << result.error_line << ": " << result.error;
  return result.description.value_or(SessionDescription{});
}

std::vector<std::uint8_t> payload_types(const std::vector<Codec>& codecs) {
  std::vector<std::uint8_t> pts;
  for (const auto& c : codecs) pts.push_back(c.payload_type);
  return pts;
}

bool has_extmap(const MediaSection& m, std::uint8_t id) {
  return std::any_of(m.extmaps.begin(), m.extmaps.end(),
                     [&](const Extmap& e) { return e.id == id; });
}

class SubscriberOffer : public ::testing::TestWithParam<OfferCase> {};

TEST_P(SubscriberOffer, ParsesBackAndSaysWhatTheInputsSay) {
  const auto& c = GetParam();
  const auto options = server_options();
  const auto offer = offer_for(c);
  const auto text = serialize_sdp(offer);
  ASSERT_EQ(parsed(text, c.name), offer);

  EXPECT_TRUE(offer.ice_lite);
  EXPECT_TRUE(offer.extmap_allow_mixed);
  EXPECT_EQ(offer.msid_semantic, "WMS *");
  EXPECT_EQ(offer.session_id, 4242424242u);
  EXPECT_EQ(offer.session_version, c.version);
  ASSERT_EQ(offer.media.size(), c.tracks.size() + 1);
  std::vector<std::string> mids = {"probe"};
  for (const auto& t : c.tracks) mids.push_back(t.mid);
  EXPECT_EQ(offer.bundle_mids, mids);  // every section, the probe (the tag) first

  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    const auto& m = offer.media[i];
    EXPECT_EQ(m.mid, mids[i]);
    EXPECT_EQ(m.protocol, "UDP/TLS/RTP/SAVPF");
    EXPECT_EQ(m.port, 40000);
    EXPECT_EQ(m.connection, "IN IP4 127.0.0.1");
    EXPECT_EQ(transport_params(offer, m),
              (TransportParams{"srvU", "serverpasswordserverpw", options.transport.fingerprint,
                               SetupRole::ActPass}));
    EXPECT_EQ(m.candidates, options.transport.candidates);
    EXPECT_TRUE(m.end_of_candidates);
    EXPECT_TRUE(m.rtcp_mux);
    EXPECT_TRUE(m.rtcp_rsize);
    if (m.kind == MediaKind::Audio) {
      EXPECT_EQ(m.codecs, options.audio_codecs);
      EXPECT_TRUE(has_extmap(m, 1));  // audio level: audio only
      EXPECT_FALSE(has_extmap(m, 13));
    } else {
      EXPECT_EQ(m.codecs, options.video_codecs);
      EXPECT_TRUE(has_extmap(m, 13));  // video orientation: video only
      EXPECT_FALSE(has_extmap(m, 1));
    }
    EXPECT_TRUE(has_extmap(m, 3));  // transport-wide cc everywhere
    if (i == 0) {
      EXPECT_EQ(m.kind, MediaKind::Audio);
      EXPECT_EQ(m.direction, Direction::Inactive);
      EXPECT_TRUE(m.ssrcs.empty());
      EXPECT_TRUE(m.msid.empty());
      continue;
    }
    const auto& t = c.tracks[i - 1];
    EXPECT_EQ(m.kind, t.kind);
    if (!t.active) {
      EXPECT_EQ(m.direction, Direction::Inactive);
      EXPECT_TRUE(m.ssrcs.empty());
      EXPECT_TRUE(m.ssrc_groups.empty());
      EXPECT_TRUE(m.msid.empty());
      continue;
    }
    const std::string msid = t.stream_id + ' ' + t.track_id;
    EXPECT_EQ(m.direction, Direction::SendOnly);
    EXPECT_EQ(m.msid, msid);
    ASSERT_FALSE(m.ssrcs.empty());
    EXPECT_EQ(m.ssrcs[0], (SsrcInfo{t.ssrc, t.cname, msid, {}}));
    if (t.kind == MediaKind::Video) {
      ASSERT_EQ(m.ssrcs.size(), 2u);
      EXPECT_EQ(m.ssrcs[1], (SsrcInfo{*t.rtx_ssrc, t.cname, msid, {}}));
      EXPECT_THAT(m.ssrc_groups, ElementsAre(SsrcGroup{"FID", {t.ssrc, *t.rtx_ssrc}}));
    } else {
      EXPECT_EQ(m.ssrcs.size(), 1u);
      EXPECT_TRUE(m.ssrc_groups.empty());
    }
  }
}

TEST_P(SubscriberOffer, StillMatchesItsFixtureByteForByte) {
  const auto& c = GetParam();
  const std::string file = "server-offer-" + c.name + ".sdp";
  const std::string text = serialize_sdp(offer_for(c));
  if (const char* dir = std::getenv("BAILANYS_WRITE_SDP_OFFERS"); dir && *dir) {
    std::ofstream(std::string(dir) + "/" + file, std::ios::binary) << text;
  }
  EXPECT_EQ(read_fixture(file), text)
      << file << " is stale: regenerate the offers and Chromium's answers together "
      << "(see the top of this file)";
}

TEST_P(SubscriberOffer, ChromiumAnswerIsAccepted) {
  const auto& c = GetParam();
  const auto offer = parsed(read_fixture("server-offer-" + c.name + ".sdp"), c.name);
  const std::string answer_text =
      read_fixture("chromium-answer-to-server-offer-" + c.name + ".sdp");
  const auto answer = parsed(answer_text, c.name);
  const auto result = apply_subscriber_answer(offer, answer);
  ASSERT_TRUE(result.answer) << c.name << ": " << result.error;
  const auto& a = *result.answer;
  EXPECT_EQ(a.remote.ice_ufrag, first_value(answer_text, "a=ice-ufrag:"));
  EXPECT_EQ(a.remote.ice_pwd, first_value(answer_text, "a=ice-pwd:"));
  ASSERT_TRUE(a.remote.fingerprint);
  EXPECT_EQ(a.remote.fingerprint->algorithm + ' ' + a.remote.fingerprint->value,
            first_value(answer_text, "a=fingerprint:"));
  EXPECT_EQ(a.remote.setup, SetupRole::Active);  // Chromium is the DTLS client
  EXPECT_TRUE(a.rejected.empty());
  ASSERT_EQ(a.sections.size(), c.tracks.size() + 1);
  EXPECT_EQ(a.sections[0].mid, "probe");
  EXPECT_EQ(a.sections[0].direction, Direction::Inactive);
  for (std::size_t i = 1; i < a.sections.size(); ++i) {
    const auto& s = a.sections[i];
    const auto& t = c.tracks[i - 1];
    EXPECT_EQ(s.mid, t.mid);
    EXPECT_EQ(s.kind, t.kind);
    EXPECT_EQ(s.direction, t.active ? Direction::SendOnly : Direction::Inactive) << s.mid;
    ASSERT_FALSE(s.codecs.empty());
    if (t.kind == MediaKind::Audio) {
      EXPECT_EQ(s.codecs[0].name, "opus");
      EXPECT_EQ(s.codecs[0].payload_type, 111);
    } else {
      // Chromium keeps our payload types; VP8 and its RTX are among them.
      const auto pts = payload_types(s.codecs);
      EXPECT_NE(std::find(pts.begin(), pts.end(), 96), pts.end());
      EXPECT_NE(std::find(pts.begin(), pts.end(), 97), pts.end());
    }
    for (const auto& e : s.extmaps) {
      EXPECT_TRUE(has_extmap(offer.media[i], e.id)) << "extmap " << int(e.id);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, SubscriberOffer, ::testing::ValuesIn(offer_cases()),
                         [](const ::testing::TestParamInfo<OfferCase>& param) {
                           std::string name = param.param.name;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(SubscriberOfferRenegotiation, KeepsSectionsTransportAndBumpsTheVersion) {
  const auto cases = offer_cases();
  const auto first = offer_for(cases[1]);
  const auto second = offer_for(cases[2]);
  EXPECT_EQ(second.session_id, first.session_id);
  EXPECT_EQ(second.session_version, first.session_version + 1);  // RFC 8866 §5.2
  ASSERT_EQ(second.media.size(), first.media.size());            // never removed (JSEP §5.2.2)
  for (std::size_t i = 0; i < first.media.size(); ++i) {
    EXPECT_EQ(second.media[i].mid, first.media[i].mid);
    EXPECT_EQ(transport_params(second, second.media[i]),
              transport_params(first, first.media[i]));  // no ICE restart
  }
  EXPECT_EQ(second.bundle_mids, first.bundle_mids);  // the inactive section stays BUNDLEd
  EXPECT_EQ(second.media[4].direction, Direction::Inactive);
  EXPECT_NE(second.media[4].port, 0);

  // The slot of a gone track can carry a new one of the same kind under the same mid.
  const auto third = offer_for(cases[3]);
  EXPECT_EQ(third.session_version, 3u);
  EXPECT_EQ(third.bundle_mids, first.bundle_mids);
  EXPECT_EQ(third.media[4].mid, "v2");
  EXPECT_EQ(third.media[4].direction, Direction::SendOnly);
  EXPECT_EQ(third.media[4].msid, "stream7 video7");
  EXPECT_THAT(third.media[4].ssrc_groups, ElementsAre(SsrcGroup{"FID", {7002, 7003}}));
}

TEST(SubscriberOfferDetails, EmptyStreamIdAndAudioRtxAndNoCandidates) {
  auto options = server_options();
  options.transport.candidates.clear();
  std::vector<OfferedTrack> tracks = {
      {"x", MediaKind::Audio, 5, 6, "c", "", "", true},  // no rtx codec for audio: no FID
      {"y", MediaKind::Video, 7, std::nullopt, "c", "", "t", true},
  };
  const auto offer = create_subscriber_offer(tracks, options);
  EXPECT_EQ(offer.media[1].msid, "-");
  EXPECT_EQ(offer.media[1].ssrcs.size(), 1u);
  EXPECT_TRUE(offer.media[1].ssrc_groups.empty());
  EXPECT_EQ(offer.media[2].msid, "- t");
  EXPECT_TRUE(offer.media[2].ssrc_groups.empty());
  EXPECT_EQ(offer.media[0].port, 9);
  EXPECT_EQ(offer.media[0].connection, "IN IP4 0.0.0.0");
  const auto text = serialize_sdp(offer);
  EXPECT_THAT(text, HasSubstr("a=ice-lite\r\n"));
  EXPECT_THAT(text, HasSubstr("a=group:BUNDLE probe x y\r\n"));
  EXPECT_THAT(text, HasSubstr("a=setup:actpass\r\n"));
  EXPECT_THAT(text, HasSubstr("a=sendonly\r\na=msid:- t\r\n"));
  EXPECT_EQ(parsed(text, "details"), offer);
}

TEST(SubscriberOfferProblems, NamesTheFirstBadInput) {
  struct Case {
    const char* what;
    std::function<void(std::vector<OfferedTrack>&, OfferOptions&)> change;
    const char* error_has;
  };
  const Case cases[] = {
      {"reserved mid", [](auto& t, auto&) { t[0].mid = "probe"; }, "reserved"},
      {"repeated mid", [](auto& t, auto&) { t[1].mid = t[0].mid; }, "used twice"},
      {"empty mid", [](auto& t, auto&) { t[0].mid.clear(); }, "token"},
      {"long mid", [](auto& t, auto&) { t[0].mid = std::string(17, 'm'); }, "1-16"},
      {"space in mid", [](auto& t, auto&) { t[0].mid = "a b"; }, "token"},
      {"data kind", [](auto& t, auto&) { t[0].kind = MediaKind::Application; }, "neither"},
      {"no audio codec", [](auto&, auto& o) { o.audio_codecs.clear(); }, "audio codec"},
      {"no video codec", [](auto&, auto& o) { o.video_codecs.clear(); }, "no video codec"},
      {"repeated pt", [](auto&, auto& o) { o.video_codecs[1].payload_type = 96; }, "repeated"},
      {"rtx without primary", [](auto&, auto& o) { o.video_codecs.erase(o.video_codecs.begin()); },
       "apt"},
      {"extmap id 0", [](auto&, auto& o) { o.extmaps[0].extmap.id = 0; }, "id 0"},
      {"extmap id twice", [](auto&, auto& o) { o.extmaps[1].extmap.id = 1; }, "used twice"},
      {"extmap uri twice",
       [](auto&, auto& o) { o.extmaps[1].extmap.uri = o.extmaps[0].extmap.uri; }, "used twice"},
      {"too many",
       [](auto& t, auto&) {
         for (int n = 2; n <= 32; ++n) add_participant(t, n);
       },
       "media sections"},
  };
  for (const auto& c : cases) {
    std::vector<OfferedTrack> tracks;
    add_participant(tracks, 1);
    auto options = server_options();
    EXPECT_EQ(subscriber_offer_problem(tracks, options), "");
    c.change(tracks, options);
    EXPECT_THAT(subscriber_offer_problem(tracks, options), HasSubstr(c.error_has)) << c.what;
  }
  EXPECT_EQ(subscriber_offer_problem({}, server_options()), "");
}

// --- answers ---

struct Negotiation {
  SessionDescription offer, answer;
};

Negotiation three_participants() {
  return {parsed(read_fixture("server-offer-three-participants.sdp"), "offer"),
          parsed(read_fixture("chromium-answer-to-server-offer-three-participants.sdp"), "answer")};
}

TEST(SubscriberAnswer, RefusesTamperedAnswers) {
  struct Case {
    const char* what;
    std::function<void(SessionDescription& answer)> change;
    const char* error_has;
  };
  const Case cases[] = {
      {"changed payload type", [](auto& a) { a.media[2].codecs[0].payload_type = 120; },
       "payload type 120, which the offer does not have"},
      {"payload type of another codec", [](auto& a) { a.media[2].codecs[0].name = "H265"; },
       "maps payload type"},
      {"unknown extmap id",
       [](auto& a) {
         a.media[1].extmaps.push_back({9, "urn:example:unknown", "", ""});
       },
       "a=extmap:9"},
      {"moved extmap id", [](auto& a) { a.media[1].extmaps.at(0).id = 12; }, "a=extmap:12"},
      {"sendrecv", [](auto& a) { a.media[1].direction = Direction::SendRecv; }, "only receives"},
      {"sendonly", [](auto& a) { a.media[2].direction = Direction::SendOnly; }, "only receives"},
      {"recvonly where inactive", [](auto& a) { a.media[0].direction = Direction::RecvOnly; },
       "where the offer is inactive"},
      {"missing fingerprint",
       [](auto& a) {
         a.fingerprint.reset();
         for (auto& m : a.media) m.fingerprint.reset();
       },
       "fingerprint"},
      {"missing ice-pwd",
       [](auto& a) {
         a.ice_pwd.reset();
         for (auto& m : a.media) m.ice_pwd.reset();
       },
       "a=ice-pwd"},
      {"missing ice-ufrag",
       [](auto& a) {
         a.ice_ufrag.reset();
         for (auto& m : a.media) m.ice_ufrag.reset();
       },
       "a=ice-ufrag"},
      {"reordered mids", [](auto& a) { std::swap(a.media[1], a.media[3]); }, "same order"},
      {"renamed mid", [](auto& a) { a.media[1].mid = "zz"; }, "has mid 'zz'"},
      {"extra section",
       [](auto& a) {
         a.media.push_back(a.media[1]);
         a.media.back().mid = "extra";
       },
       "exactly one per offered section"},
      {"missing section", [](auto& a) { a.media.pop_back(); }, "exactly one per offered"},
      {"kind changed",
       [](auto& a) {
         a.media[1].kind = MediaKind::Video;
         a.media[1].kind_name = "video";
       },
       "is video but the offer's is audio"},
      {"setup actpass",
       [](auto& a) {
         for (auto& m : a.media) m.setup = SetupRole::ActPass;
       },
       "actpass"},
      {"no setup",
       [](auto& a) {
         for (auto& m : a.media) m.setup.reset();
       },
       "no a=setup"},
      {"no BUNDLE", [](auto& a) { a.bundle_mids.clear(); }, "no a=group:BUNDLE"},
      {"wrong BUNDLE tag", [](auto& a) { std::swap(a.bundle_mids[0], a.bundle_mids[1]); },
       "instead of the offer's tag 'probe'"},
      {"section left out of BUNDLE", [](auto& a) { a.bundle_mids.pop_back(); },
       "left out of its BUNDLE group"},
      {"unknown mid in BUNDLE", [](auto& a) { a.bundle_mids.push_back("nope"); }, "'nope'"},
      {"rtx without primary",
       [](auto& a) {
         auto& codecs = a.media[2].codecs;
         codecs.erase(std::remove_if(codecs.begin(), codecs.end(),
                                     [](const Codec& c) { return c.payload_type == 96; }),
                      codecs.end());
       },
       "without its primary 96"},
      {"only rtx",
       [](auto& a) {
         auto& codecs = a.media[2].codecs;
         codecs.erase(std::remove_if(codecs.begin(), codecs.end(),
                                     [](const Codec& c) { return !rtx_apt(c); }),
                      codecs.end());
       },
       "without its primary"},
      {"rtx apt changed",
       [](auto& a) {
         for (auto& c : a.media[2].codecs) {
           if (c.payload_type == 97) c.fmtp = "apt=98";
         }
       },
       "apt of rtx payload type 97"},
      {"no rtcp-mux", [](auto& a) { a.media[2].rtcp_mux = false; }, "rtcp-mux"},
      {"tag rejected", [](auto& a) { a.media[0].port = 0; }, "BUNDLE tag"},
      {"ice-lite answer", [](auto& a) { a.ice_lite = true; }, "ICE-lite"},
      {"different credentials", [](auto& a) { a.media[3].ice_pwd = "otherpasswordotherpass"; },
       "different ICE"},
      {"plain RTP", [](auto& a) { a.media[1].protocol = "RTP/AVP"; }, "protocol RTP/AVP"},
  };
  const auto base = three_participants();
  ASSERT_TRUE(apply_subscriber_answer(base.offer, base.answer).answer);
  for (const auto& c : cases) {
    auto answer = base.answer;
    c.change(answer);
    const auto result = apply_subscriber_answer(base.offer, answer);
    EXPECT_FALSE(result.answer) << c.what;
    EXPECT_THAT(result.error, HasSubstr(c.error_has)) << c.what;
    // Errors are one sentence that name the problem, not a line number.
    EXPECT_FALSE(result.error.empty()) << c.what;
  }
}

TEST(SubscriberAnswer, PassiveAnswerMakesUsTheDtlsClient) {
  auto n = three_participants();
  for (auto& m : n.answer.media) m.setup = SetupRole::Passive;
  const auto result = apply_subscriber_answer(n.offer, n.answer);
  ASSERT_TRUE(result.answer) << result.error;
  EXPECT_EQ(result.answer->remote.setup, SetupRole::Passive);
}

TEST(SubscriberAnswer, RejectedSectionIsReportedNotFatal) {
  auto n = three_participants();
  n.answer.media[2].port = 0;  // the browser cannot decode video 1
  n.answer.bundle_mids.erase(
      std::find(n.answer.bundle_mids.begin(), n.answer.bundle_mids.end(), n.answer.media[2].mid));
  const auto result = apply_subscriber_answer(n.offer, n.answer);
  ASSERT_TRUE(result.answer) << result.error;
  ASSERT_EQ(result.answer->rejected.size(), 1u);
  EXPECT_EQ(result.answer->rejected[0].index, 2u);
  EXPECT_EQ(result.answer->rejected[0].mid, "v1");
  EXPECT_EQ(result.answer->sections[2].direction, Direction::Inactive);
  EXPECT_TRUE(result.answer->sections[2].codecs.empty());
  EXPECT_EQ(result.answer->sections[3].direction, Direction::SendOnly);
}

TEST(SubscriberAnswer, InactiveAnswerAndFeedbackLimitedToOurs) {
  auto n = three_participants();
  n.answer.media[1].direction = Direction::Inactive;  // the app turned the transceiver off
  n.answer.media[2].codecs[0].feedback.push_back("ccm tmmbr");
  const auto result = apply_subscriber_answer(n.offer, n.answer);
  ASSERT_TRUE(result.answer) << result.error;
  EXPECT_EQ(result.answer->sections[1].direction, Direction::Inactive);
  const auto& fb = result.answer->sections[2].codecs[0].feedback;
  EXPECT_EQ(std::find(fb.begin(), fb.end(), "ccm tmmbr"), fb.end());
}

TEST(SubscriberAnswer, SessionLevelTransportAndOneSectionWithoutBundle) {
  const auto offer = create_subscriber_offer({}, server_options());
  auto answer = parsed(read_fixture("chromium-answer-to-server-offer-no-tracks.sdp"), "answer");
  auto& m = answer.media[0];
  answer.ice_ufrag = m.ice_ufrag;
  answer.ice_pwd = m.ice_pwd;
  answer.fingerprint = m.fingerprint;
  answer.setup = m.setup;
  m.ice_ufrag.reset();
  m.ice_pwd.reset();
  m.fingerprint.reset();
  m.setup.reset();
  answer.bundle_mids.clear();
  const auto result = apply_subscriber_answer(offer, answer);
  ASSERT_TRUE(result.answer) << result.error;
  EXPECT_EQ(result.answer->remote.ice_ufrag, *answer.ice_ufrag);
}

TEST(SubscriberAnswer, GarbageNeverCrashes) {
  const auto n = three_participants();
  const SessionDescription empty;
  EXPECT_FALSE(apply_subscriber_answer(empty, empty).answer);
  EXPECT_FALSE(apply_subscriber_answer(empty, n.answer).answer);
  EXPECT_FALSE(apply_subscriber_answer(n.offer, empty).answer);
  EXPECT_FALSE(apply_subscriber_answer(n.offer, n.offer).answer);  // sendonly is no answer
  EXPECT_FALSE(apply_subscriber_answer(n.answer, n.answer).answer);

  // Mutated answer texts: whatever parses must be judged without crashing (ASan/UBSan).
  const std::string text = read_fixture("chromium-answer-to-server-offer-three-participants.sdp");
  const auto lines = testing::lines_of(text);
  std::mt19937 random(12345);
  std::size_t accepted = 0;
  for (int round = 0; round < 3000; ++round) {
    std::vector<std::string> mutated = lines;
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits && !mutated.empty(); ++e) {
      const std::size_t i = random() % mutated.size();
      switch (random() % 5) {
        case 0:
          mutated.erase(mutated.begin() + static_cast<std::ptrdiff_t>(i));
          break;
        case 1:
          mutated.insert(mutated.begin() + static_cast<std::ptrdiff_t>(i),
                         mutated[random() % mutated.size()]);
          break;
        case 2:
          if (!mutated[i].empty())
            mutated[i][random() % mutated[i].size()] = "0:a9 /="[random() % 7];
          break;
        case 3:
          std::swap(mutated[i], mutated[random() % mutated.size()]);
          break;
        default:
          mutated[i] = mutated[i].substr(0, random() % (mutated[i].size() + 1));
      }
    }
    std::string joined;
    for (const auto& line : mutated) joined += line + "\r\n";
    const auto parsed_answer = parse_sdp(joined);
    if (!parsed_answer.description) continue;
    const auto result = apply_subscriber_answer(n.offer, *parsed_answer.description);
    EXPECT_NE(result.answer.has_value(), !result.error.empty());
    accepted += result.answer ? 1 : 0;
  }
  EXPECT_GT(accepted, 0u);  // some harmless edits (a deleted rtcp-fb line) still pass
}

}  // namespace
}  // namespace bailanys::sdp
