// SRTP protect per packet for both profiles we negotiate and both backends (one protect per
// subscriber per forwarded packet is the SFU's largest crypto cost), side by side in one run:
//   BM_SrtpProtect/<backend>_<profile>/<payload bytes>   the time of one protect;
//   BM_SrtpBackendRatio/<profile>/<payload bytes>        both backends timed in alternating
//     batches inside one benchmark, on this thread's CPU clock: counters libsrtp_ns, openssl_ns
//     and speedup (libsrtp_ns / openssl_ns), so machine noise hits both alike.
#include "rtc/srtp/srtp_session.hpp"

#include <benchmark/benchmark.h>

#include <time.h>

#include <cstring>
#include <memory>
#include <vector>

namespace {

using namespace bailanys::rtc::srtp;

// This thread's CPU time in nanoseconds: other processes on a shared machine do not count.
std::int64_t thread_cpu_ns() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

// One outbound session and an RTP packet of `payload_size` bytes protected in a copy each time.
class ProtectLoop {
 public:
  ProtectLoop(SrtpBackend backend, SrtpProfile profile, std::size_t payload_size)
      : payload_size_(payload_size) {
    const std::vector<std::uint8_t> key(srtp_key_length(profile) + srtp_salt_length(profile), 0x5A);
    session_ = SrtpSession::create(backend, profile, key, SrtpSession::Direction::Outbound);
    packet_[0] = 0x80;
    packet_[1] = 96;
    packet_[8] = 0x11;  // SSRC
    std::memset(packet_ + 12, 0xAB, payload_size);
  }
  [[nodiscard]] bool ok() const { return session_ != nullptr; }

  bool protect_one() {
    ++seq_;
    packet_[2] = static_cast<std::uint8_t>(seq_ >> 8);
    packet_[3] = static_cast<std::uint8_t>(seq_);
    std::memcpy(out_, packet_, 12 + payload_size_);
    std::size_t size = 12 + payload_size_;
    const bool ok = session_->protect_rtp(out_, size) == SrtpStatus::Ok;
    benchmark::DoNotOptimize(out_);
    return ok;
  }

 private:
  std::unique_ptr<SrtpSession> session_;
  std::size_t payload_size_;
  std::uint16_t seq_ = 0;
  alignas(16) std::uint8_t packet_[2048] = {};
  alignas(16) std::uint8_t out_[2048 + kSrtpMaxOverhead] = {};
};

void BM_SrtpProtect(benchmark::State& state, SrtpBackend backend, SrtpProfile profile) {
  const auto payload_size = static_cast<std::size_t>(state.range(0));
  auto loop = std::make_unique<ProtectLoop>(backend, profile, payload_size);
  if (!loop->ok()) state.SkipWithError("no session");
  for (auto _ : state) {
    if (!loop->protect_one()) state.SkipWithError("protect failed");
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(payload_size + 12));
}

void BM_SrtpBackendRatio(benchmark::State& state, SrtpProfile profile) {
  const auto payload_size = static_cast<std::size_t>(state.range(0));
  auto ours = std::make_unique<ProtectLoop>(SrtpBackend::OpenSsl, profile, payload_size);
  auto theirs = std::make_unique<ProtectLoop>(SrtpBackend::LibSrtp, profile, payload_size);
  if (!ours->ok() || !theirs->ok()) state.SkipWithError("no session");
  constexpr int kBatch = 64;
  std::int64_t openssl_time = 0;
  std::int64_t libsrtp_time = 0;
  std::int64_t packets = 0;
  for (auto _ : state) {
    const std::int64_t t0 = thread_cpu_ns();
    for (int i = 0; i < kBatch; ++i) ours->protect_one();
    const std::int64_t t1 = thread_cpu_ns();
    for (int i = 0; i < kBatch; ++i) theirs->protect_one();
    const std::int64_t t2 = thread_cpu_ns();
    openssl_time += t1 - t0;
    libsrtp_time += t2 - t1;
    packets += kBatch;
  }
  const auto per_packet = [packets](std::int64_t ns) {
    return packets == 0 ? 0.0 : static_cast<double>(ns) / static_cast<double>(packets);
  };
  const double openssl_ns = per_packet(openssl_time);
  const double libsrtp_ns = per_packet(libsrtp_time);
  state.counters["openssl_ns"] = openssl_ns;
  state.counters["libsrtp_ns"] = libsrtp_ns;
  state.counters["speedup"] = openssl_ns > 0 ? libsrtp_ns / openssl_ns : 0.0;
}

// 160 bytes ~ an Opus packet, 1100 bytes ~ a video packet.
BENCHMARK_CAPTURE(BM_SrtpProtect, openssl_gcm, SrtpBackend::OpenSsl, SrtpProfile::AeadAes128Gcm)
    ->Arg(160)
    ->Arg(1100);
BENCHMARK_CAPTURE(BM_SrtpProtect, libsrtp_gcm, SrtpBackend::LibSrtp, SrtpProfile::AeadAes128Gcm)
    ->Arg(160)
    ->Arg(1100);
BENCHMARK_CAPTURE(BM_SrtpProtect, openssl_aes_cm_sha1, SrtpBackend::OpenSsl,
                  SrtpProfile::Aes128CmSha1_80)
    ->Arg(160)
    ->Arg(1100);
BENCHMARK_CAPTURE(BM_SrtpProtect, libsrtp_aes_cm_sha1, SrtpBackend::LibSrtp,
                  SrtpProfile::Aes128CmSha1_80)
    ->Arg(160)
    ->Arg(1100);
BENCHMARK_CAPTURE(BM_SrtpBackendRatio, gcm, SrtpProfile::AeadAes128Gcm)->Arg(160)->Arg(1100);
BENCHMARK_CAPTURE(BM_SrtpBackendRatio, aes_cm_sha1, SrtpProfile::Aes128CmSha1_80)
    ->Arg(160)
    ->Arg(1100);

}  // namespace
