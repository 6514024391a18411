// RTP parse and the per-subscriber header rewrite an SFU does for every forwarded packet.
#include "rtc/rtp/rtp_packet.hpp"

#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

namespace {

using namespace bailanys::rtc::rtp;

// A typical Chromium video packet: one-byte extensions (mid, abs-send-time, transport-cc) and
// a 1100-byte payload.
std::vector<std::uint8_t> video_packet() {
  RtpPacketBuilder b;
  b.payload_type(96).sequence(1234).timestamp(90000).ssrc(0x11223344).marker(false);
  const std::uint8_t mid[] = {'1'};
  const std::uint8_t abs[] = {0x12, 0x34, 0x56};
  const std::uint8_t twcc[] = {0x00, 0x42};
  b.add_extension(4, mid).add_extension(2, abs).add_extension(3, twcc);
  std::vector<std::uint8_t> payload(1100, 0xAB);
  b.payload(payload);
  return b.build();
}

void BM_RtpParse(benchmark::State& state) {
  auto packet = video_packet();
  for (auto _ : state) {
    auto parsed = RtpPacket::parse(packet);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RtpParse);

// What forwarding to one subscriber costs in header work: copy, parse, rewrite SSRC, sequence
// number, timestamp and the transport-wide sequence number.
void BM_RtpCopyAndRewrite(benchmark::State& state) {
  const auto packet = video_packet();
  ExtensionIds ids;
  ids.mid = 4;
  ids.abs_send_time = 2;
  ids.transport_cc = 3;
  alignas(16) std::uint8_t out[2048];
  std::uint16_t seq = 0;
  for (auto _ : state) {
    std::memcpy(out, packet.data(), packet.size());
    auto parsed = RtpPacket::parse(std::span<std::uint8_t>(out, packet.size()));
    parsed->set_ssrc(0xCAFEBABE);
    parsed->set_sequence(++seq);
    parsed->set_timestamp(parsed->timestamp() + 3000);
    write_transport_cc(*parsed, ids, seq);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RtpCopyAndRewrite);

}  // namespace
