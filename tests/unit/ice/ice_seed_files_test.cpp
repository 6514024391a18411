// Checks built by an independent implementation (Python's hmac/zlib, see
// tests/data/fuzz/stun/): they double as fuzz seeds that reach the agent's success paths.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "rtc/ice/ice_lite_agent.hpp"

namespace bailanys::rtc::ice {
namespace {

std::vector<std::uint8_t> seed(const std::string& name) {
  std::ifstream in(std::string(BAILANYS_TEST_DATA) + "/fuzz/stun/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The fuzz target's agent credentials.
const IceCredentials kFuzzAgent{"abcd", "0123456789abcdefghijkl"};
const IcePath kPath{1, SocketAddress::v4(0x7f000001, 5000), false};

TEST(IceSeedFiles, ChromiumLikeCheckIsAnswered) {
  IceLiteAgent agent(kFuzzAgent);
  const auto out = agent.handle_stun(seed("ice_check_chromium.bin"), kPath, 0);
  EXPECT_EQ(out.dropped, IceDropReason::None);
  EXPECT_FALSE(out.response.empty());
  EXPECT_EQ(local_ufrag_of(seed("ice_check_chromium.bin")), "abcd");
}

TEST(IceSeedFiles, UseCandidateNominates) {
  IceLiteAgent agent(kFuzzAgent);
  const auto out = agent.handle_stun(seed("ice_check_use_candidate.bin"), kPath, 0);
  EXPECT_EQ(out.dropped, IceDropReason::None);
  EXPECT_TRUE(out.selected_path_changed);
  EXPECT_EQ(agent.state(), IceState::Connected);
}

TEST(IceSeedFiles, ErrorCases) {
  IceLiteAgent agent(kFuzzAgent);
  EXPECT_EQ(agent.handle_stun(seed("ice_check_role_conflict.bin"), kPath, 0).dropped,
            IceDropReason::RoleConflict);
  EXPECT_EQ(agent.handle_stun(seed("ice_check_unknown_required.bin"), kPath, 0).dropped,
            IceDropReason::UnknownAttributes);
  EXPECT_EQ(agent.handle_stun(seed("binding_indication.bin"), kPath, 0).dropped,
            IceDropReason::NotBindingRequest);
  const auto error = stun::parse_stun(seed("error_response_420.bin"));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error_code->code, 420);
  EXPECT_EQ(error->unknown_attributes, (std::vector<std::uint16_t>{3, 0x7001, 0x22}));
  EXPECT_TRUE(stun::check_integrity(seed("error_response_420.bin"), *error,
                                    stun::as_bytes(kFuzzAgent.pwd)));
  EXPECT_TRUE(stun::check_fingerprint(seed("error_response_420.bin"), *error));
}

}  // namespace
}  // namespace bailanys::rtc::ice
