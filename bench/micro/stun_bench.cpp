// STUN handling: what a consent check costs the ICE-lite agent (parse, FINGERPRINT and
// MESSAGE-INTEGRITY checks, the signed response).
#include "common/random.hpp"
#include "rtc/ice/ice_lite_agent.hpp"
#include "rtc/stun/stun_message.hpp"

#include <benchmark/benchmark.h>

namespace {

using namespace bailanys;
using namespace bailanys::rtc;

std::vector<std::uint8_t> binding_request(const ice::IceCredentials& server) {
  stun::TransactionId id{};
  id.fill(7);
  stun::StunBuilder b(stun::kBindingMethod, stun::StunClass::Request, id);
  b.username(server.ufrag + ":browser").priority(1853824767).ice_controlling(42).use_candidate();
  const auto* key = reinterpret_cast<const std::uint8_t*>(server.pwd.data());
  return b.finish(std::span<const std::uint8_t>(key, server.pwd.size()), true);
}

void BM_StunParse(benchmark::State& state) {
  init_crypto();
  const auto request = binding_request(ice::generate_ice_credentials());
  for (auto _ : state) benchmark::DoNotOptimize(stun::parse_stun(request));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StunParse);

void BM_IceLiteConsentCheck(benchmark::State& state) {
  init_crypto();
  const auto credentials = ice::generate_ice_credentials();
  ice::IceLiteAgent agent(credentials);
  agent.set_remote_credentials({"browser", "browserpasswordbrowserpw"});
  const auto request = binding_request(credentials);
  const ice::IcePath path{1, *SocketAddress::parse("127.0.0.1", 50000), false};
  TimeMs now = 0;
  for (auto _ : state) {
    auto outcome = agent.handle_stun(request, path, ++now);
    if (outcome.response.empty()) state.SkipWithError("no response");
    benchmark::DoNotOptimize(outcome);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IceLiteConsentCheck);

}  // namespace
