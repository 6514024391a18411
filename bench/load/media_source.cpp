#include "media_source.hpp"

#include "common/bytes.hpp"
#include "probe_payload.hpp"
#include "rtc/rtcp/rtcp_packets.hpp"
#include "rtc/rtp/rtp_packet.hpp"

#include <algorithm>
#include <cstring>
#include <variant>

namespace bailanys::load {

namespace rtp = rtc::rtp;
namespace rtcp = rtc::rtcp;

namespace {

constexpr TimeUs kAudioIntervalUs = 20'000;
constexpr std::uint32_t kAudioTicksPerPacket = 960;  // 20 ms at 48 kHz
constexpr int kFps = 30;
constexpr TimeUs kFrameIntervalUs = 1'000'000 / kFps;
constexpr std::uint32_t kVideoTicksPerFrame = 90'000 / kFps;
constexpr TimeUs kReportIntervalUs = 1'000'000;
constexpr std::size_t kMaxPacket = 1200;  // RTP header and payload, before SRTP
constexpr std::size_t kVp8DescriptorSize = 4;  // X, I with a 15-bit picture id
constexpr std::size_t kVp8KeyHeaderSize = 10;  // frame tag + start code + dimensions
constexpr std::size_t kVp8DeltaHeaderSize = 3;
constexpr int kKeyframeFactor = 4;
constexpr std::uint8_t kOpusToc = 0x78;  // config 15: hybrid fullband 20 ms, mono, one frame

// RFC 3550 §4: NTP time from our steady clock (an arbitrary but consistent epoch is enough
// for lip sync, which only compares a publisher's streams with each other).
std::uint64_t ntp_time(TimeUs now) {
  const auto seconds = static_cast<std::uint64_t>(now / 1'000'000);
  const auto micros = static_cast<std::uint64_t>(now % 1'000'000);
  return (seconds << 32) | ((micros << 32) / 1'000'000);
}

}  // namespace

MediaSource::MediaSource(const MediaSourceConfig& config, const RunWindow& window)
    : config_(config), window_(window), random_(config.seed) {
  audio_.stream_id = make_stream_id(config.run_id, config.publisher_index, false);
  video_.stream_id = make_stream_id(config.run_id, config.publisher_index, true);
  audio_.ssrc = config.audio ? static_cast<std::uint32_t>(random_() | 1U) : 0;
  video_.ssrc = config.video ? static_cast<std::uint32_t>(random_() | 1U) : 0;
  video_.video = true;
  rtcp_ssrc_ = static_cast<std::uint32_t>(random_() | 1U);
  audio_header_.sequence = static_cast<std::uint16_t>(random_());
  video_header_.sequence = static_cast<std::uint16_t>(random_());
  audio_header_.timestamp_base = static_cast<std::uint32_t>(random_());
  video_header_.timestamp_base = static_cast<std::uint32_t>(random_());
  picture_id_ = static_cast<std::uint16_t>(random_() & 0x7FFF);
  payload_.reserve(kMaxPacket);
}

PublishStreams MediaSource::streams(const std::string& cname) const {
  return PublishStreams{audio_.ssrc, video_.ssrc, cname};
}

void MediaSource::configure(const PublishNegotiated& negotiated) {
  negotiated_ = negotiated;
  const auto header = [&](std::uint8_t pt, std::uint32_t ssrc, const char* mid, bool level) {
    rtp::RtpPacketBuilder b;
    b.payload_type(pt).ssrc(ssrc);
    if (level && negotiated.audio_level_id != 0) {
      const std::uint8_t value = config_.audio_level & 0x7F;  // V bit 0: the level alone
      b.add_extension(negotiated.audio_level_id, std::span(&value, 1));
    }
    if (negotiated.mid_id != 0) {
      b.add_extension(negotiated.mid_id,
                      std::span(reinterpret_cast<const std::uint8_t*>(mid), std::strlen(mid)));
    }
    return b.build();
  };
  if (config_.audio) audio_header_.bytes = header(kOpusPt, audio_.ssrc, kAudioMid, true);
  if (config_.video) video_header_.bytes = header(kVp8Pt, video_.ssrc, kVideoMid, false);
}

void MediaSource::start(ClientTransport& transport, TimeUs now) {
  if (started_) return;
  started_ = true;
  started_at_ = now;
  next_audio_ = now;
  next_frame_ = now;
  next_report_ = now + kReportIntervalUs;
  if (config_.video) {
    send_frame(transport, true);
    next_frame_ = now + kFrameIntervalUs;
  }
  on_tick(transport, now);
}

void MediaSource::on_tick(ClientTransport& transport, TimeUs now) {
  if (!started_ || !window_.sending.load(std::memory_order_relaxed)) return;
  if (config_.audio) {
    // Catch up at most a few packets after a stall; beyond that, skip (a real sender would too).
    if (now - next_audio_ > 5 * kAudioIntervalUs) next_audio_ = now;
    while (next_audio_ <= now) {
      send_audio(transport);
      next_audio_ += kAudioIntervalUs;
    }
  }
  if (config_.video) {
    if (now - next_frame_ > 3 * kFrameIntervalUs) next_frame_ = now;
    while (next_frame_ <= now) {
      send_frame(transport, false);
      next_frame_ += kFrameIntervalUs;
    }
  }
  if (now >= next_report_) {
    send_reports(transport, now);
    next_report_ = now + kReportIntervalUs;
  }
}

void MediaSource::stamp(SentStream& stream, std::uint8_t* at, TimeUs now) {
  std::uint32_t& next = stream.video ? next_number_video_ : next_number_audio_;
  const std::uint32_t number = next++;
  write_probe(at, Probe{stream.stream_id, number, now});
  if (window_.contains(now)) {
    if (stream.window_first < 0) stream.window_first = number;
    stream.window_last = number;
    stream.window_sent.push_back(now);
  }
}

void MediaSource::send_audio(ClientTransport& transport) {
  const std::size_t size = 60 + random_() % 101;  // 60..160 bytes, like Opus at 20-64 kbit/s
  payload_.assign(size, 0x5A);
  payload_[0] = kOpusToc;
  const std::uint32_t ts = audio_header_.timestamp_base + audio_frames_ * kAudioTicksPerPacket;
  ++audio_frames_;
  stamp(audio_, payload_.data() + 1, now_us());
  send_packet(transport, audio_, audio_header_, ts, false, payload_);
}

void MediaSource::send_frame(ClientTransport& transport, bool keyframe) {
  const std::size_t average = static_cast<std::size_t>(config_.video_kbps) * 1000 / 8 / kFps;
  std::size_t frame_bytes = keyframe ? average * kKeyframeFactor
                                     : average * (75 + random_() % 51) / 100;  // ±25 %
  const std::size_t capacity = kMaxPacket - video_header_.bytes.size() - kVp8DescriptorSize;
  const std::size_t header = keyframe ? kVp8KeyHeaderSize : kVp8DeltaHeaderSize;
  frame_bytes = std::max(frame_bytes, header + kProbeSize);
  const std::size_t packets = (frame_bytes + capacity - 1) / capacity;
  const std::size_t chunk = std::max((frame_bytes + packets - 1) / packets, header + kProbeSize);
  const std::uint32_t ts = video_header_.timestamp_base +
                           static_cast<std::uint32_t>(video_.frames) * kVideoTicksPerFrame;
  ++video_.frames;
  if (keyframe) ++video_.keyframes;
  picture_id_ = static_cast<std::uint16_t>((picture_id_ + 1) & 0x7FFF);
  std::size_t left = frame_bytes;
  for (std::size_t i = 0; i < packets; ++i) {
    const std::size_t data = std::min(chunk, left);
    left -= data;
    payload_.assign(kVp8DescriptorSize + std::max(data, kProbeSize), 0xA5);
    // RFC 7741 §4.2: X=1, N=0, S on the first packet, PID 0 | I=1 | M=1, 15-bit picture id.
    payload_[0] = static_cast<std::uint8_t>(0x80 | (i == 0 ? 0x10 : 0x00));
    payload_[1] = 0x80;
    payload_[2] = static_cast<std::uint8_t>(0x80 | (picture_id_ >> 8));
    payload_[3] = static_cast<std::uint8_t>(picture_id_ & 0xFF);
    std::size_t at = kVp8DescriptorSize;
    if (i == 0) {
      // RFC 6386 §9.1 frame tag, little-endian: P (0 = key frame), version 0, show_frame 1,
      // first partition size (19 bits).
      const std::uint32_t first_partition = static_cast<std::uint32_t>(std::min<std::size_t>(frame_bytes / 4, 0x7FFFF));
      const std::uint32_t tag = (keyframe ? 0U : 1U) | (1U << 4) | (first_partition << 5);
      payload_[at++] = static_cast<std::uint8_t>(tag);
      payload_[at++] = static_cast<std::uint8_t>(tag >> 8);
      payload_[at++] = static_cast<std::uint8_t>(tag >> 16);
      if (keyframe) {
        // Start code and 640x360, scale 0 (RFC 6386 §9.1).
        for (const std::uint8_t b : {0x9D, 0x01, 0x2A, 0x80, 0x02, 0x68, 0x01}) payload_[at++] = b;
      }
    }
    stamp(video_, payload_.data() + at, now_us());
    send_packet(transport, video_, video_header_, ts, i + 1 == packets, payload_);
  }
}

bool MediaSource::send_packet(ClientTransport& transport, SentStream& stream, Header& header,
                              std::uint32_t timestamp, bool marker,
                              std::span<const std::uint8_t> payload) {
  const std::size_t size = header.bytes.size() + payload.size();
  if (header.bytes.empty() || size > kMaxPacket) return false;
  std::memcpy(buffer_.data(), header.bytes.data(), header.bytes.size());
  std::memcpy(buffer_.data() + header.bytes.size(), payload.data(), payload.size());
  auto packet = rtp::RtpPacket::parse(std::span(buffer_).first(size));
  if (!packet) return false;
  packet->set_sequence(header.sequence++);
  packet->set_timestamp(timestamp);
  packet->set_marker(marker);
  if (!transport.send_rtp(buffer_, size)) return false;
  ++stream.packets;
  stream.bytes += payload.size();
  return true;
}

void MediaSource::send_reports(ClientTransport& transport, TimeUs now) {
  std::vector<rtcp::RtcpPacket> packets;
  const TimeUs elapsed = now - started_at_;
  if (config_.audio && audio_.packets > 0) {
    rtcp::SenderReport sr;
    sr.ssrc = audio_.ssrc;
    sr.ntp_time = ntp_time(now);
    sr.rtp_time = audio_header_.timestamp_base + static_cast<std::uint32_t>(elapsed * 48 / 1000);
    sr.packet_count = static_cast<std::uint32_t>(audio_.packets);
    sr.octet_count = static_cast<std::uint32_t>(audio_.bytes);
    packets.emplace_back(std::move(sr));
  }
  if (config_.video && video_.packets > 0) {
    rtcp::SenderReport sr;
    sr.ssrc = video_.ssrc;
    sr.ntp_time = ntp_time(now);
    sr.rtp_time = video_header_.timestamp_base + static_cast<std::uint32_t>(elapsed * 90 / 1000);
    sr.packet_count = static_cast<std::uint32_t>(video_.packets);
    sr.octet_count = static_cast<std::uint32_t>(video_.bytes);
    packets.emplace_back(std::move(sr));
  }
  if (packets.empty()) return;
  const auto compound = rtcp::serialize_rtcp(packets);
  if (!compound.empty()) transport.send_rtcp(compound);
}

void MediaSource::on_rtcp(ClientTransport& transport, std::span<const std::uint8_t> compound,
                          TimeUs now) {
  if (!config_.video || !started_) return;
  const auto packets = rtcp::parse_rtcp(compound);
  if (!packets) return;
  bool wanted = false;
  for (const auto& packet : *packets) {
    if (const auto* pli = std::get_if<rtcp::Pli>(&packet); pli != nullptr && pli->media_ssrc == video_.ssrc) {
      wanted = true;
    } else if (const auto* fir = std::get_if<rtcp::Fir>(&packet)) {
      for (const auto& e : fir->entries) wanted = wanted || e.ssrc == video_.ssrc;
    }
  }
  if (!wanted) return;
  ++video_.keyframe_requests;
  if (!window_.sending.load(std::memory_order_relaxed)) return;
  // At once, as the issue asks; the regular frame after it keeps its slot.
  send_frame(transport, true);
  next_frame_ = now + kFrameIntervalUs;
}

}  // namespace bailanys::load
