// What the SFU does per subscriber for every forwarded packet (src/sfu/down_track.hpp): map the
// payload type, rewrite sequence/timestamp through StreamRewriter, write a fresh header with
// the subscriber's extension ids, and keep a copy for NACKs. SRTP protection (srtp_bench.cpp)
// comes on top.
#include "rtc/dtls/dtls_certificate.hpp"
#include "rtc/rtp/rtp_packet.hpp"
#include "rtc/srtp/srtp_session.hpp"
#include "rtc/transport/webrtc_transport.hpp"
#include "sfu/down_track.hpp"

#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

namespace {

using namespace bailanys;

struct NullSink final : rtc::transport::PacketSink {
  void send_to_path(const rtc::ice::IcePath& /*path*/,
                    std::span<const std::uint8_t> /*packet*/) override {}
};
struct NullListener final : rtc::transport::WebRtcTransportListener {
  void on_transport_connected(rtc::transport::WebRtcTransport& /*t*/) override {}
  void on_transport_failed(rtc::transport::WebRtcTransport& /*t*/, std::string_view /*r*/) override {}
  void on_rtp(rtc::transport::WebRtcTransport& /*t*/, rtc::rtp::RtpPacket& /*p*/,
              std::span<std::uint8_t> /*b*/, TimeMs /*now*/) override {}
  void on_rtcp(rtc::transport::WebRtcTransport& /*t*/, std::span<const std::uint8_t> /*c*/,
               TimeMs /*now*/) override {}
};

sdp::Codec codec(std::uint8_t pt, const char* name, const char* fmtp = "") {
  sdp::Codec c;
  c.payload_type = pt;
  c.name = name;
  c.clock_rate = 90000;
  c.fmtp = fmtp;
  return c;
}

// A Chromium-like VP8 delta frame packet: mid, abs-send-time and transport-cc extensions.
std::vector<std::uint8_t> video_packet() {
  rtc::rtp::RtpPacketBuilder b;
  b.payload_type(120).sequence(1000).timestamp(90000).ssrc(0x11223344);
  const std::uint8_t mid[] = {'1'};
  const std::uint8_t abs[] = {0x12, 0x34, 0x56};
  const std::uint8_t twcc[] = {0x00, 0x42};
  b.add_extension(4, mid).add_extension(2, abs).add_extension(3, twcc);
  std::vector<std::uint8_t> payload(1100, 0xAB);
  payload[0] = 0x10;  // VP8 descriptor: S=1, partition 0
  payload[1] = 0x00;  // payload header: P=0 (a keyframe), so the first packet starts the stream
  b.payload(payload);
  return b.build();
}

void BM_DownTrackForward(benchmark::State& state) {
  NullSink sink;
  NullListener listener;
  rtc::transport::WebRtcTransport output(1, rtc::dtls::DtlsCertificate::generate(), sink, listener);
  sfu::PublishedTrack track;
  track.kind = sdp::MediaKind::Video;
  track.codecs = {codec(120, "VP8")};
  sfu::DownTrack down(track, output, "t1", 0xCAFEBABE, 0xBEEF);
  sdp::NegotiatedSection section;
  section.kind = sdp::MediaKind::Video;
  section.codecs = {codec(96, "VP8"), codec(97, "rtx", "apt=96")};
  section.extmaps = {{4, "urn:ietf:params:rtp-hdrext:sdes:mid", "", ""},
                     {2, "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "", ""}};
  down.configure(section);
  rtc::rtp::ExtensionIds publisher_ids;
  publisher_ids.mid = 4;
  auto packet = video_packet();
  alignas(16) std::uint8_t out[2048];
  std::uint16_t seq = 1000;
  TimeMs now = 1000;
  for (auto _ : state) {
    auto parsed = rtc::rtp::RtpPacket::parse(packet);
    parsed->set_sequence(seq++);
    parsed->set_timestamp(parsed->timestamp() + 3000);
    const auto size = down.forward(*parsed, 0, publisher_ids, seq == 1001, now++, out);
    benchmark::DoNotOptimize(size);
  }
  if (down.counters().forwarded != static_cast<std::uint64_t>(state.iterations())) {
    state.SkipWithError("packets were dropped");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DownTrackForward);

// One incoming video packet fanned out to N subscribers: for each, DownTrack::forward and an
// AEAD_AES_128_GCM protect with that subscriber's own SRTP session: the CPU the SFU spends per
// packet before the send system call. Items are incoming packets; egress packets/s is
// items/s × N.
void BM_FanOut(benchmark::State& state) {
  const auto subscribers = static_cast<std::size_t>(state.range(0));
  NullSink sink;
  NullListener listener;
  const auto certificate = rtc::dtls::DtlsCertificate::generate();
  sfu::PublishedTrack track;
  track.kind = sdp::MediaKind::Video;
  track.codecs = {codec(120, "VP8")};
  sdp::NegotiatedSection section;
  section.kind = sdp::MediaKind::Video;
  section.codecs = {codec(96, "VP8"), codec(97, "rtx", "apt=96")};
  section.extmaps = {{4, "urn:ietf:params:rtp-hdrext:sdes:mid", "", ""},
                     {2, "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "", ""}};
  const auto profile = rtc::srtp::SrtpProfile::AeadAes128Gcm;
  const std::vector<std::uint8_t> key(
      rtc::srtp::srtp_key_length(profile) + rtc::srtp::srtp_salt_length(profile), 0x5A);
  struct Subscriber {
    std::unique_ptr<rtc::transport::WebRtcTransport> output;
    std::unique_ptr<sfu::DownTrack> down;
    std::unique_ptr<rtc::srtp::SrtpSession> srtp;
  };
  std::vector<Subscriber> subs;
  for (std::size_t i = 0; i < subscribers; ++i) {
    Subscriber s;
    s.output = std::make_unique<rtc::transport::WebRtcTransport>(i + 1, certificate, sink, listener);
    s.down = std::make_unique<sfu::DownTrack>(track, *s.output, "t1",
                                              static_cast<std::uint32_t>(0x1000 + i), 0xBEEF);
    s.down->configure(section);
    s.srtp = rtc::srtp::SrtpSession::create(profile, key, rtc::srtp::SrtpSession::Direction::Outbound);
    subs.push_back(std::move(s));
  }
  rtc::rtp::ExtensionIds publisher_ids;
  publisher_ids.mid = 4;
  auto packet = video_packet();
  alignas(16) std::uint8_t out[2048 + rtc::srtp::kSrtpMaxOverhead];
  std::uint16_t seq = 1000;
  TimeMs now = 1000;
  for (auto _ : state) {
    auto parsed = rtc::rtp::RtpPacket::parse(packet);
    parsed->set_sequence(seq++);
    for (auto& s : subs) {
      std::size_t size = s.down->forward(*parsed, 0, publisher_ids, seq == 1001, now, std::span(out, 2048));
      if (size == 0 || s.srtp->protect_rtp(std::span(out), size) != rtc::srtp::SrtpStatus::Ok) {
        state.SkipWithError("forward or protect failed");
        break;
      }
      benchmark::DoNotOptimize(out);
    }
    ++now;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["egress_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(subscribers),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FanOut)->Arg(1)->Arg(10)->Arg(100);

}  // namespace
