// Answering binding requests: authentication, error responses, role conflicts (RFC 8445 §7.3,
// RFC 8489 §9.1.3), and the credential/username helpers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <random>
#include <set>
#include <string>

#include "common/random.hpp"
#include "ice_test_support.hpp"
#include "rtc/ice/ice_lite_agent.hpp"

namespace bailanys::rtc::ice {
namespace {

using namespace test;

stun::StunMessage parsed(const std::vector<std::uint8_t>& bytes) {
  auto msg = stun::parse_stun(bytes);
  EXPECT_TRUE(msg);
  return msg.value_or(stun::StunMessage{});
}

// An error response to `request` with `code`; MESSAGE-INTEGRITY only when `signed_with_local`.
void expect_error(const StunOutcome& out, const Check& request, int code, bool signed_with_local) {
  ASSERT_FALSE(out.response.empty());
  const auto msg = parsed(out.response);
  EXPECT_EQ(msg.method, stun::kBindingMethod);
  EXPECT_EQ(msg.message_class, stun::StunClass::ErrorResponse);
  EXPECT_EQ(msg.transaction_id, request.id);
  ASSERT_TRUE(msg.error_code);
  EXPECT_EQ(msg.error_code->code, code);
  EXPECT_FALSE(msg.error_code->reason.empty());
  EXPECT_TRUE(stun::check_fingerprint(out.response, msg));
  EXPECT_EQ(msg.integrity_offset.has_value(), signed_with_local);
  if (signed_with_local) {
    EXPECT_TRUE(stun::check_integrity(out.response, msg, stun::as_bytes(kServer.pwd)));
  }
  EXPECT_FALSE(out.selected_path_changed);
  EXPECT_FALSE(out.state_changed);
}

TEST(IceCredentials, RandomIceChars) {
  init_crypto();
  const auto is_ice_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '/';
  };
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const auto creds = generate_ice_credentials();
    EXPECT_EQ(creds.ufrag.size(), 8u);
    EXPECT_EQ(creds.pwd.size(), 24u);
    EXPECT_TRUE(std::all_of(creds.ufrag.begin(), creds.ufrag.end(), is_ice_char));
    EXPECT_TRUE(std::all_of(creds.pwd.begin(), creds.pwd.end(), is_ice_char));
    seen.insert(creds.ufrag);
    seen.insert(creds.pwd);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(IceLiteAgent, AnswersAValidCheckWithAnAuthenticatedSuccess) {
  IceLiteAgent agent(kServer);
  const Check request;
  const auto path = udp_path(1, "198.51.100.7", 61000);
  const auto out = agent.handle_stun(request.bytes(), path, 1000);
  EXPECT_EQ(out.dropped, IceDropReason::None);
  ASSERT_FALSE(out.response.empty());
  const auto msg = parsed(out.response);
  EXPECT_EQ(msg.method, stun::kBindingMethod);
  EXPECT_EQ(msg.message_class, stun::StunClass::SuccessResponse);
  EXPECT_EQ(msg.transaction_id, request.id);
  EXPECT_EQ(msg.xor_mapped_address, path.remote);
  EXPECT_TRUE(stun::check_integrity(out.response, msg, stun::as_bytes(kServer.pwd)));
  EXPECT_TRUE(stun::check_fingerprint(out.response, msg));
  // Without USE-CANDIDATE nothing is selected yet (regular nomination, RFC 8445 §8.1.1).
  EXPECT_FALSE(out.selected_path_changed);
  EXPECT_FALSE(out.state_changed);
  EXPECT_EQ(agent.state(), IceState::New);
  EXPECT_FALSE(agent.selected_path());
  EXPECT_EQ(agent.last_valid_check(1), 1000);
  EXPECT_EQ(agent.local_credentials().ufrag, kServer.ufrag);
}

TEST(IceLiteAgent, AnswersIpv6AndTcpPaths) {
  IceLiteAgent agent(kServer);
  const IcePath path{7, *SocketAddress::parse("2001:db8::42", 9), true};
  const auto out = agent.handle_stun(nomination_bytes(), path, 0);
  EXPECT_EQ(out.dropped, IceDropReason::None);
  EXPECT_EQ(parsed(out.response).xor_mapped_address, path.remote);
  ASSERT_TRUE(agent.selected_path());
  EXPECT_EQ(*agent.selected_path(), path);
}

TEST(IceLiteAgent, DropsWhatIsNotABindingRequest) {
  IceLiteAgent agent(kServer);
  const auto path = udp_path(1);
  const std::vector<std::uint8_t> rtp = {0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(agent.handle_stun(rtp, path, 0).dropped, IceDropReason::Malformed);
  EXPECT_EQ(agent.handle_stun({}, path, 0).dropped, IceDropReason::Malformed);

  const stun::TransactionId id{};
  const auto indication =
      stun::StunBuilder(stun::kBindingMethod, stun::StunClass::Indication, id).finish({}, true);
  const auto response =
      stun::StunBuilder(stun::kBindingMethod, stun::StunClass::SuccessResponse, id)
          .xor_mapped_address(path.remote)
          .finish(stun::as_bytes(kServer.pwd), true);
  const auto allocate = stun::StunBuilder(0x003, stun::StunClass::Request, id)
                            .username(kServer.ufrag + ":" + kBrowser.ufrag)
                            .finish(stun::as_bytes(kServer.pwd), true);
  for (const auto& packet : {indication, response, allocate}) {
    const auto out = agent.handle_stun(packet, path, 0);
    EXPECT_EQ(out.dropped, IceDropReason::NotBindingRequest);
    EXPECT_TRUE(out.response.empty());
  }
  EXPECT_EQ(agent.known_path_count(), 0u);
}

TEST(IceLiteAgent, SilentlyDropsABadFingerprint) {
  IceLiteAgent agent(kServer);
  auto bytes = check_bytes();
  bytes.back() ^= 0x01;
  const auto out = agent.handle_stun(bytes, udp_path(1), 0);
  EXPECT_EQ(out.dropped, IceDropReason::BadFingerprint);
  EXPECT_TRUE(out.response.empty());
}

TEST(IceLiteAgent, AcceptsChecksWithoutFingerprint) {
  IceLiteAgent agent(kServer);
  Check request;
  request.fingerprint = false;
  EXPECT_EQ(agent.handle_stun(request.bytes(), udp_path(1), 0).dropped, IceDropReason::None);
}

TEST(IceLiteAgent, MissingUsernameOrIntegrityIsABadRequest) {
  IceLiteAgent agent(kServer);
  Check no_username;
  no_username.with_username = false;
  auto out = agent.handle_stun(no_username.bytes(), udp_path(1), 0);
  EXPECT_EQ(out.dropped, IceDropReason::MissingUsername);
  expect_error(out, no_username, 400, false);

  Check no_integrity;
  no_integrity.with_integrity = false;
  out = agent.handle_stun(no_integrity.bytes(), udp_path(1), 0);
  EXPECT_EQ(out.dropped, IceDropReason::MissingIntegrity);
  expect_error(out, no_integrity, 400, false);
  EXPECT_EQ(agent.known_path_count(), 0u);
}

TEST(IceLiteAgent, WrongUsernameIsUnauthorized) {
  IceLiteAgent agent(kServer);
  for (const std::string username : {"xxxx:brws", "srvU", "srvUx:brws", ":brws", "brws:srvU"}) {
    Check request;
    request.username = username;
    const auto out = agent.handle_stun(request.bytes(), udp_path(1), 0);
    EXPECT_EQ(out.dropped, IceDropReason::WrongUsername) << username;
    expect_error(out, request, 401, false);
  }
}

TEST(IceLiteAgent, RemoteUfragIsCheckedOnceKnown) {
  IceLiteAgent agent(kServer);
  Check other_remote;
  other_remote.username = kServer.ufrag + ":zzzz";
  // Before the SDP answer arrives any remote ufrag is accepted.
  EXPECT_EQ(agent.handle_stun(other_remote.bytes(), udp_path(1), 0).dropped, IceDropReason::None);
  agent.set_remote_credentials(kBrowser);
  const auto out = agent.handle_stun(other_remote.bytes(), udp_path(1), 10);
  EXPECT_EQ(out.dropped, IceDropReason::WrongUsername);
  expect_error(out, other_remote, 401, false);
  EXPECT_EQ(agent.handle_stun(check_bytes(), udp_path(1), 20).dropped, IceDropReason::None);
}

TEST(IceLiteAgent, BadIntegrityIsUnauthorized) {
  IceLiteAgent agent(kServer);
  Check request;
  request.pwd = kBrowser.pwd;  // signed with the wrong password
  auto out = agent.handle_stun(request.bytes(), udp_path(1), 0);
  EXPECT_EQ(out.dropped, IceDropReason::BadIntegrity);
  expect_error(out, request, 401, false);

  // A forged HMAC byte, with the fingerprint recomputed so only integrity can catch it.
  Check tampered;
  tampered.fingerprint = false;
  auto bytes = tampered.bytes();
  bytes[bytes.size() - 1] ^= 0x20;
  out = agent.handle_stun(bytes, udp_path(1), 0);
  EXPECT_EQ(out.dropped, IceDropReason::BadIntegrity);
  EXPECT_EQ(agent.known_path_count(), 0u);
}

TEST(IceLiteAgent, UnknownRequiredAttributesEarn420) {
  IceLiteAgent agent(kServer);
  Check request;
  request.extra_attributes = {0x0003, 0x7001};
  const auto out = agent.handle_stun(request.bytes(), udp_path(1), 0);
  EXPECT_EQ(out.dropped, IceDropReason::UnknownAttributes);
  expect_error(out, request, 420, true);
  EXPECT_EQ(parsed(out.response).unknown_attributes, (std::vector<std::uint16_t>{0x0003, 0x7001}));

  // Comprehension-optional ones (Chromium's GOOG-NETWORK-INFO 0xC057) are fine.
  Check chromium;
  chromium.extra_attributes = {0xC057, 0x8070};
  EXPECT_EQ(agent.handle_stun(chromium.bytes(), udp_path(1), 0).dropped, IceDropReason::None);
}

TEST(IceLiteAgent, PeerClaimingControlledGetsRoleConflict) {
  IceLiteAgent agent(kServer);
  Check request;
  request.controlled = 0x0102030405060708;
  request.use_candidate = true;
  const auto out = agent.handle_stun(request.bytes(), udp_path(1), 0);
  EXPECT_EQ(out.dropped, IceDropReason::RoleConflict);
  expect_error(out, request, 487, true);
  // A conflicting check neither nominates nor counts as consent.
  EXPECT_FALSE(agent.selected_path());
  EXPECT_EQ(agent.state(), IceState::New);
  EXPECT_EQ(agent.known_path_count(), 0u);
}

TEST(IceLiteAgent, LocalUfragForTheDemultiplexer) {
  EXPECT_EQ(local_ufrag_of(check_bytes()), kServer.ufrag);
  Check unsigned_check;
  unsigned_check.with_integrity = false;
  unsigned_check.pwd = "";
  EXPECT_EQ(local_ufrag_of(unsigned_check.bytes()), kServer.ufrag);  // integrity not verified
  Check no_colon;
  no_colon.username = "srvU";
  EXPECT_FALSE(local_ufrag_of(no_colon.bytes()));
  Check no_username;
  no_username.with_username = false;
  EXPECT_FALSE(local_ufrag_of(no_username.bytes()));
  const auto response =
      stun::StunBuilder(stun::kBindingMethod, stun::StunClass::SuccessResponse, {})
          .username("srvU:brws")
          .finish({}, true);
  EXPECT_FALSE(local_ufrag_of(response));
  EXPECT_FALSE(local_ufrag_of(std::vector<std::uint8_t>{0x16, 0xfe, 0xfd}));
}

TEST(IceLiteAgent, NamesForLogs) {
  std::set<std::string> names;
  for (int i = 0; i <= static_cast<int>(IceDropReason::AgentFailed); ++i) {
    names.insert(to_string(static_cast<IceDropReason>(i)));
  }
  EXPECT_EQ(names.size(), 11u);
  EXPECT_STREQ(to_string(IceDropReason::BadIntegrity), "bad-integrity");
  EXPECT_STREQ(to_string(IceState::New), "new");
  EXPECT_STREQ(to_string(IceState::Connected), "connected");
  EXPECT_STREQ(to_string(IceState::Disconnected), "disconnected");
  EXPECT_STREQ(to_string(IceState::Failed), "failed");
}

TEST(IceLiteAgent, GarbageNeverCrashesOrConnects) {
  IceLiteAgent agent(kServer);
  std::mt19937 rng(8445);
  const auto valid = nomination_bytes();
  for (int round = 0; round < 20000; ++round) {
    auto packet = valid;
    // Not the FINGERPRINT attribute itself: renaming it into an ignorable comprehension-
    // optional attribute after MESSAGE-INTEGRITY leaves a genuinely valid check.
    for (int f = 0; f < 1 + round % 4; ++f) {
      packet[rng() % (packet.size() - 8)] ^= static_cast<std::uint8_t>(1 + rng() % 255);
    }
    if (round % 3 == 0) packet.resize(rng() % packet.size());
    const auto out = agent.handle_stun(packet, udp_path(1), round);
    EXPECT_NE(out.dropped, IceDropReason::None);
    if (!out.response.empty()) {
      EXPECT_TRUE(stun::parse_stun(out.response));
    }
  }
  EXPECT_EQ(agent.state(), IceState::New);
  EXPECT_FALSE(agent.selected_path());
}

}  // namespace
}  // namespace bailanys::rtc::ice
