// A synthetic publisher's two streams, paced on the participant's loop tick:
// - audio: Opus-sized payloads (60-160 bytes) every 20 ms, PT 111, 48 kHz clock, with the
//   audio-level header extension (RFC 6464) so the server's active-speaker path runs;
// - video: VP8 frames at 30 fps sized for the configured bitrate (a keyframe four times the
//   average), split into packets of at most 1200 bytes, each with an RFC 7741 payload
//   descriptor (15-bit picture id, S bit on a frame's first packet) and, at the frame start,
//   the VP8 frame header (RFC 6386 §9.1: P bit 0 and start code for keyframes). The marker bit
//   ends a frame. A keyframe goes out first and at once after each PLI or FIR.
// Every payload carries the probe block (probe_payload.hpp) after its codec header. Sender
// reports (RFC 3550 §6.4.1) go out once a second per stream.
// With `simulcast`, the camera is three layers (simulcast_layers.hpp), each its own SSRC,
// sequence, picture id and probe stream id, with the RID header extension on every packet; a
// PLI or FIR names one SSRC and gets a keyframe of that layer only. The order in which the
// layers' packets left is kept (sent_order()) so subscribers' expected packets can follow the
// layer they were being sent (simulcast_accounting.hpp).
#pragma once

#include "client_sdp.hpp"
#include "client_transport.hpp"
#include "load_clock.hpp"
#include "run_window.hpp"
#include "simulcast_accounting.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace bailanys::load {

struct SentStream {
  std::uint32_t stream_id = 0;
  bool video = false;
  std::uint32_t ssrc = 0;
  std::uint64_t packets = 0, bytes = 0, frames = 0, keyframes = 0;
  std::uint64_t keyframe_requests = 0;  // PLI + FIR received for it
  // Probe numbers of the first and last packet sent inside the window (-1: none).
  std::int64_t window_first = -1, window_last = -1;
  std::vector<TimeUs>
      window_sent;  // send time of each of those packets (a subscriber's leave cuts by it)
  [[nodiscard]] std::uint64_t window_packets() const {
    return window_first < 0 ? 0 : static_cast<std::uint64_t>(window_last - window_first + 1);
  }
  // Probe number of the first window packet sent at or after `t` (window_last + 1: none).
  [[nodiscard]] std::int64_t first_sent_at(TimeUs t) const {
    const auto it = std::lower_bound(window_sent.begin(), window_sent.end(), t);
    return window_first + (it - window_sent.begin());
  }
};

struct MediaSourceConfig {
  std::uint16_t run_id = 0;
  int publisher_index = 0;
  bool audio = true;
  bool video = true;
  int video_kbps = 500;
  std::uint8_t audio_level = 40;  // -dBov of our "voice"
  std::uint32_t seed = 1;
  bool simulcast = false;
};

class MediaSource {
 public:
  MediaSource(const MediaSourceConfig& config, const RunWindow& window);

  [[nodiscard]] PublishStreams streams(const std::string& cname) const;
  // After the publish answer: the header extensions the server accepted.
  void configure(const PublishNegotiated& negotiated);
  // Once the publish transport is ready: a keyframe now, then the regular pace.
  void start(ClientTransport& transport, TimeUs now);
  void on_tick(ClientTransport& transport, TimeUs now);
  // PLI / FIR from the server.
  void on_rtcp(ClientTransport& transport, std::span<const std::uint8_t> compound, TimeUs now);

  [[nodiscard]] const SentStream& audio() const { return audio_; }
  // The only video stream, or the top simulcast layer.
  [[nodiscard]] const SentStream& video() const { return video_.back().stream; }
  // Every video stream, lowest layer first (one without simulcast).
  [[nodiscard]] std::vector<const SentStream*> video_layers() const;
  [[nodiscard]] const SentOrder& sent_order() const { return sent_order_; }
  [[nodiscard]] bool started() const { return started_; }

 private:
  struct Header {  // the RTP header a stream's packets start with, extensions included
    std::vector<std::uint8_t> bytes;
    std::uint16_t sequence = 0;
    std::uint32_t timestamp_base = 0;
  };
  struct VideoLayer {
    SentStream stream;
    Header header;
    std::uint16_t picture_id = 0;
    std::uint32_t next_number = 0;
    int kbps = 0;
    std::uint16_t width = 0, height = 0;
    std::string rid;  // empty without simulcast
  };

  void send_audio(ClientTransport& transport);
  void send_frame(ClientTransport& transport, VideoLayer& layer, bool keyframe);
  // Packets are stamped with the time they leave (now_us()), not the tick's time.
  // Writes header + payload into buffer_, sets seq/ts/marker and sends. Returns success.
  bool send_packet(ClientTransport& transport, SentStream& stream, Header& header,
                   std::uint32_t timestamp, bool marker, std::span<const std::uint8_t> payload);
  // Writes the probe; returns the packet number.
  std::uint32_t stamp(SentStream& stream, std::uint32_t& next_number, std::uint8_t* at, TimeUs now);
  void send_reports(ClientTransport& transport, TimeUs now);

  MediaSourceConfig config_;
  const RunWindow& window_;
  std::mt19937 random_;
  SentStream audio_;
  std::vector<VideoLayer> video_;  // one, or the simulcast layers lowest first
  Header audio_header_;
  PublishNegotiated negotiated_;
  SentOrder sent_order_;  // simulcast only
  bool started_ = false;
  TimeUs started_at_ = 0;
  TimeUs next_audio_ = 0, next_frame_ = 0, next_report_ = 0;
  std::uint32_t audio_frames_ = 0;
  std::uint32_t next_number_audio_ = 0;
  std::uint32_t rtcp_ssrc_ = 0;
  std::vector<std::uint8_t> payload_;
  alignas(16) std::array<std::uint8_t, 1500 + rtc::srtp::kSrtpMaxOverhead> buffer_{};
};

}  // namespace bailanys::load
