// What the SFU does per subscriber for every forwarded packet (src/sfu/down_track.hpp): map the
// payload type, rewrite sequence/timestamp through StreamRewriter, write a fresh header with
// the subscriber's extension ids, and keep a copy for NACKs. SRTP protection (srtp_bench.cpp)
// comes on top.
#include "rtc/dtls/dtls_certificate.hpp"
#include "rtc/rtp/rtp_packet.hpp"
#include "rtc/transport/webrtc_transport.hpp"
#include "sfu/down_track.hpp"

#include <benchmark/benchmark.h>

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
    const auto size = down.forward(*parsed, publisher_ids, seq == 1001, now++, out);
    benchmark::DoNotOptimize(size);
  }
  if (down.counters().forwarded != static_cast<std::uint64_t>(state.iterations())) {
    state.SkipWithError("packets were dropped");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DownTrackForward);

}  // namespace
