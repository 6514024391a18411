// SRTP protect per packet for both profiles we negotiate (one protect per subscriber per
// forwarded packet is the SFU's largest crypto cost).
#include "rtc/srtp/srtp_session.hpp"

#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

namespace {

using namespace bailanys::rtc::srtp;

void protect(benchmark::State& state, SrtpProfile profile) {
  std::vector<std::uint8_t> key(srtp_key_length(profile) + srtp_salt_length(profile), 0x5A);
  auto session = SrtpSession::create(profile, key, SrtpSession::Direction::Outbound);
  const auto payload_size = static_cast<std::size_t>(state.range(0));
  alignas(16) std::uint8_t packet[2048] = {0x80, 96};
  packet[8] = 0x11;  // SSRC
  std::memset(packet + 12, 0xAB, payload_size);
  alignas(16) std::uint8_t out[2048 + kSrtpMaxOverhead];
  std::uint16_t seq = 0;
  for (auto _ : state) {
    ++seq;
    packet[2] = static_cast<std::uint8_t>(seq >> 8);
    packet[3] = static_cast<std::uint8_t>(seq);
    std::memcpy(out, packet, 12 + payload_size);
    std::size_t size = 12 + payload_size;
    if (session->protect_rtp(out, size) != SrtpStatus::Ok) state.SkipWithError("protect failed");
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(payload_size + 12));
}

void BM_SrtpProtectAesGcm(benchmark::State& state) { protect(state, SrtpProfile::AeadAes128Gcm); }
void BM_SrtpProtectAesCmSha1(benchmark::State& state) {
  protect(state, SrtpProfile::Aes128CmSha1_80);
}
// 160 bytes ~ an Opus packet, 1100 bytes ~ a video packet.
BENCHMARK(BM_SrtpProtectAesGcm)->Arg(160)->Arg(1100);
BENCHMARK(BM_SrtpProtectAesCmSha1)->Arg(160)->Arg(1100);

}  // namespace
