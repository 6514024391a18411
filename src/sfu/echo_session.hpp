// The echo test (as Janus proved its core): each RTP stream a browser sends comes back to it on
// the same m-section under a server SSRC, through the whole stack (ICE, DTLS, SRTP in and out).
// NACKs from the browser's receiver are answered from a retransmission buffer; its keyframe
// requests (PLI/FIR) go to its own sender, rate-limited; its sender reports are passed back
// under the server SSRC so audio and video stay in sync.
#pragma once

#include "common/clock.hpp"
#include "rtc/rtp/rtp_packet.hpp"
#include "rtc/transport/webrtc_transport.hpp"
#include "sdp/answer.hpp"
#include "sfu/keyframe_request_limiter.hpp"
#include "sfu/retransmission_buffer.hpp"

#include <array>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace bailanys::sfu {

struct EchoCounters {
  std::uint64_t rtp_echoed = 0;
  std::uint64_t rtp_unknown_stream = 0;
  std::uint64_t nacked = 0;
  std::uint64_t retransmitted = 0;
  std::uint64_t nack_missed = 0;  // asked for a packet no longer (or never) in the buffer
  std::uint64_t keyframe_requests_sent = 0;
  std::uint64_t keyframe_requests_folded = 0;
  std::uint64_t sender_reports = 0;
};

class EchoSession final : public rtc::transport::WebRtcTransportListener {
 public:
  EchoSession(std::string id, std::shared_ptr<const rtc::dtls::DtlsCertificate> certificate,
              rtc::transport::PacketSink& sink, std::uint64_t transport_id, TimeMs now);
  ~EchoSession() override;

  // Answers the browser's offer; on failure returns nullopt and sets `error`.
  std::optional<std::string> negotiate(const sdp::SessionDescription& offer,
                                       const std::vector<sdp::Candidate>& candidates, TimeMs now,
                                       std::string& error);
  void on_timer(TimeMs now);

  [[nodiscard]] const std::string& id() const { return id_; }
  [[nodiscard]] rtc::transport::WebRtcTransport& transport() { return transport_; }
  // Ended (peer closed, consent lost, too old); the worker removes it.
  [[nodiscard]] bool finished() const { return finished_; }
  [[nodiscard]] const EchoCounters& counters() const { return counters_; }
  void close();

  static constexpr TimeMs kMaxDurationMs = TimeMs{10} * 60 * 1000;

 private:
  struct Stream {
    std::string mid;
    bool video = false;
    std::uint32_t outbound_ssrc = 0;
    std::uint32_t inbound_ssrc = 0;  // learned from a=ssrc or the MID header extension
    RetransmissionBuffer sent{1024, 1000};
  };

  // WebRtcTransportListener
  void on_transport_connected(rtc::transport::WebRtcTransport& transport) override;
  void on_transport_failed(rtc::transport::WebRtcTransport& transport,
                           std::string_view reason) override;
  void on_rtp(rtc::transport::WebRtcTransport& transport, rtc::rtp::RtpPacket& packet,
              std::span<std::uint8_t> buffer, TimeMs now) override;
  void on_rtcp(rtc::transport::WebRtcTransport& transport, std::span<const std::uint8_t> compound,
               TimeMs now) override;

  Stream* stream_for(const rtc::rtp::RtpPacket& packet);
  Stream* stream_by_outbound(std::uint32_t ssrc);
  void retransmit(Stream& stream, std::uint16_t sequence, TimeMs now);
  // Throttled (KeyframeRequestLimiter); send_pli() sends unconditionally.
  void request_keyframe(Stream& stream, TimeMs now);
  void send_pli(Stream& stream);
  void send_rtcp(std::span<const std::uint8_t> compound);

  std::string id_;
  rtc::transport::WebRtcTransport transport_;
  std::vector<std::unique_ptr<Stream>> streams_;
  std::unordered_map<std::uint32_t, Stream*> by_inbound_;
  rtc::rtp::ExtensionIds extension_ids_;
  KeyframeRequestLimiter keyframes_{500};
  EchoCounters counters_;
  TimeMs started_at_;
  bool finished_ = false;
  alignas(16) std::array<std::uint8_t, 2048 + 256> scratch_{};
};

}  // namespace bailanys::sfu
