#include "sfu/echo_session.hpp"

#include "common/random.hpp"
#include "rtc/rtcp/rtcp_packets.hpp"
#include "rtc/srtp/srtp_session.hpp"
#include "sfu/remote_parameters.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>

namespace bailanys::sfu {

namespace rtp = rtc::rtp;
namespace rtcp = rtc::rtcp;

namespace {

// What the echo accepts. No RTX and no transport-wide feedback: the echo answers NACKs itself
// by resending the original packet, and bandwidth estimation belongs to the SFU proper.
sdp::CodecPolicy echo_codec_policy() {
  sdp::CodecPolicy policy;
  policy.audio = {"opus", "PCMU", "PCMA"};
  policy.video = {"VP8", "VP9", "H264", "AV1"};
  policy.accept_rtx = false;
  policy.feedback = {"nack", "nack pli", "ccm fir"};
  policy.extension_uris = {std::string(rtp::kMidUri), std::string(rtp::kAudioLevelUri)};
  return policy;
}

sdp::Direction echo_direction(const sdp::MediaSection& offered) {
  switch (offered.direction) {
    case sdp::Direction::SendRecv: return sdp::Direction::SendRecv;
    case sdp::Direction::SendOnly: return sdp::Direction::RecvOnly;
    default: return sdp::Direction::Inactive;
  }
}

std::uint32_t random_ssrc() { return random_below(0xFFFFFFF0U) + 1; }

}  // namespace

EchoSession::EchoSession(std::string id,
                         std::shared_ptr<const rtc::dtls::DtlsCertificate> certificate,
                         rtc::transport::PacketSink& sink, std::uint64_t transport_id, TimeMs now)
    : id_(std::move(id)),
      transport_(transport_id, std::move(certificate), sink, *this),
      started_at_(now) {}

EchoSession::~EchoSession() = default;

std::optional<std::string> EchoSession::negotiate(const sdp::SessionDescription& offer,
                                                  const std::vector<sdp::Candidate>& candidates,
                                                  TimeMs now, std::string& error) {
  sdp::AnswerOptions options;
  options.transport.ice_ufrag = transport_.local_ice().ufrag;
  options.transport.ice_pwd = transport_.local_ice().pwd;
  options.transport.fingerprint = {"sha-256", transport_.local_fingerprint()};
  options.transport.candidates = candidates;
  options.codecs = echo_codec_policy();
  options.direction = echo_direction;
  // RFC 8866 §5.2: a session id unique to this session (63 bits, as browsers use).
  options.session_id = (std::uint64_t{random_below(0x7FFFFFFFU)} << 32) | random_below(0xFFFFFFFFU);
  for (const auto& section : offer.media) {
    if (section.mid.empty() || echo_direction(section) != sdp::Direction::SendRecv) continue;
    sdp::SendStream send;
    send.ssrc = random_ssrc();
    send.cname = "bailanys-echo";
    send.stream_id = "echo";
    send.track_id = "echo-" + section.mid;
    options.send_streams[section.mid] = send;
  }
  const auto result = sdp::create_answer(offer, options);
  if (!result.answer) {
    error = result.error;
    return std::nullopt;
  }
  const sdp::Answer& answer = *result.answer;
  for (const auto& section : answer.sections) {
    for (const auto& ext : section.extmaps) rtp::assign_extension_id(extension_ids_, ext.uri, ext.id);
    const auto send = options.send_streams.find(section.mid);
    if (send == options.send_streams.end() || section.direction != sdp::Direction::SendRecv) {
      continue;
    }
    auto stream = std::make_unique<Stream>();
    stream->mid = section.mid;
    stream->video = section.kind == sdp::MediaKind::Video;
    stream->outbound_ssrc = send->second.ssrc;
    // Unified Plan offers still list the sender's SSRC (a=ssrc) when there is no simulcast.
    if (!section.remote_ssrcs.empty()) {
      stream->inbound_ssrc = section.remote_ssrcs.front().ssrc;
      for (const auto& group : section.remote_groups) {
        // With RTX the first SSRC of the FID group is the media stream (RFC 5576 §4.2).
        if (group.semantics == "FID" && !group.ssrcs.empty()) stream->inbound_ssrc = group.ssrcs.front();
      }
      by_inbound_[stream->inbound_ssrc] = stream.get();
    }
    streams_.push_back(std::move(stream));
  }
  if (streams_.empty()) {
    error = "the offer has no audio or video to send and receive";
    return std::nullopt;
  }
  transport_.set_remote_parameters(remote_parameters(answer.remote), now);
  return sdp::serialize_sdp(answer.description);
}

void EchoSession::on_timer(TimeMs now) {
  if (finished_) return;
  transport_.on_timer(now);
  if (finished_) return;
  if (now - started_at_ > kMaxDurationMs) {
    spdlog::info("echo {}: ended after the longest allowed time", id_);
    close();
    return;
  }
  for (auto& stream : streams_) {
    if (stream->video && stream->inbound_ssrc != 0 && keyframes_.due(stream->inbound_ssrc, now)) {
      send_pli(*stream);  // due() already counted it as sent
    }
  }
}

void EchoSession::close() {
  transport_.close();
  finished_ = true;
}

void EchoSession::on_transport_connected(rtc::transport::WebRtcTransport& transport) {
  const auto profile = transport.srtp_profile();
  spdlog::info("echo {}: connected over {} ({})", id_,
               transport.active_path() != nullptr && transport.active_path()->tcp ? "TCP" : "UDP",
               profile ? rtc::srtp::to_string(*profile) : "?");
}

void EchoSession::on_transport_failed(rtc::transport::WebRtcTransport& transport,
                                      std::string_view reason) {
  spdlog::info(
      "echo {}: ended: {} (echoed {}, retransmitted {}/{} NACKed, keyframe requests {}, dropped: {})",
      id_, reason, counters_.rtp_echoed, counters_.retransmitted, counters_.nacked,
      counters_.keyframe_requests_sent, transport.drops().summary());
  finished_ = true;
}

EchoSession::Stream* EchoSession::stream_for(const rtp::RtpPacket& packet) {
  const auto it = by_inbound_.find(packet.ssrc());
  if (it != by_inbound_.end()) return it->second;
  // No a=ssrc for this stream: the MID header extension (RFC 8843 §15) names its m-section.
  const auto mid = rtp::read_mid(packet, extension_ids_);
  if (!mid) return nullptr;
  for (auto& stream : streams_) {
    if (stream->mid == *mid && stream->inbound_ssrc == 0) {
      stream->inbound_ssrc = packet.ssrc();
      by_inbound_[packet.ssrc()] = stream.get();
      return stream.get();
    }
  }
  return nullptr;
}

EchoSession::Stream* EchoSession::stream_by_outbound(std::uint32_t ssrc) {
  for (auto& stream : streams_) {
    if (stream->outbound_ssrc == ssrc) return stream.get();
  }
  return nullptr;
}

void EchoSession::on_rtp(rtc::transport::WebRtcTransport& transport, rtp::RtpPacket& packet,
                         std::span<std::uint8_t> buffer, TimeMs now) {
  Stream* stream = stream_for(packet);
  if (stream == nullptr) {
    ++counters_.rtp_unknown_stream;
    return;
  }
  packet.set_ssrc(stream->outbound_ssrc);
  const auto bytes = packet.data();
  stream->sent.store(packet.sequence(), bytes, now);
  if (transport.send_rtp(buffer, bytes.size())) ++counters_.rtp_echoed;
}

void EchoSession::on_rtcp(rtc::transport::WebRtcTransport& /*transport*/,
                          std::span<const std::uint8_t> compound, TimeMs now) {
  const auto packets = rtcp::parse_rtcp(compound);
  if (!packets) return;
  std::vector<rtcp::RtcpPacket> reports;
  for (const auto& p : *packets) {
    if (const auto* sr = std::get_if<rtcp::SenderReport>(&p)) {
      const auto it = by_inbound_.find(sr->ssrc);
      if (it == by_inbound_.end()) continue;
      // The browser's own timing, passed back under our SSRC, keeps lip sync (RFC 3550 §6.4.1).
      rtcp::SenderReport echoed = *sr;
      echoed.ssrc = it->second->outbound_ssrc;
      echoed.reports.clear();
      reports.emplace_back(std::move(echoed));
      ++counters_.sender_reports;
    } else if (const auto* nack = std::get_if<rtcp::Nack>(&p)) {
      if (Stream* stream = stream_by_outbound(nack->media_ssrc)) {
        for (const auto seq : nack->lost) retransmit(*stream, seq, now);
      }
    } else if (const auto* pli = std::get_if<rtcp::Pli>(&p)) {
      if (Stream* stream = stream_by_outbound(pli->media_ssrc)) request_keyframe(*stream, now);
    } else if (const auto* fir = std::get_if<rtcp::Fir>(&p)) {
      for (const auto& entry : fir->entries) {
        if (Stream* stream = stream_by_outbound(entry.ssrc)) request_keyframe(*stream, now);
      }
    }
  }
  if (!reports.empty()) send_rtcp(rtcp::serialize_rtcp(reports));
}

void EchoSession::retransmit(Stream& stream, std::uint16_t sequence, TimeMs now) {
  ++counters_.nacked;
  const auto stored = stream.sent.find(sequence, now);
  if (stored.empty() || stored.size() + rtc::srtp::kSrtpMaxOverhead > scratch_.size()) {
    ++counters_.nack_missed;
    return;
  }
  std::memcpy(scratch_.data(), stored.data(), stored.size());
  if (transport_.send_rtp(scratch_, stored.size())) ++counters_.retransmitted;
}

void EchoSession::request_keyframe(Stream& stream, TimeMs now) {
  // Keyframes are a video matter; a PLI naming an audio stream is ignored.
  if (!stream.video || stream.inbound_ssrc == 0) return;
  if (!keyframes_.allow(stream.inbound_ssrc, now)) {
    ++counters_.keyframe_requests_folded;
    return;
  }
  send_pli(stream);
}

void EchoSession::send_pli(Stream& stream) {
  const rtcp::RtcpPacket pli = rtcp::Pli{stream.outbound_ssrc, stream.inbound_ssrc};
  send_rtcp(rtcp::serialize_rtcp(std::span<const rtcp::RtcpPacket>(&pli, 1)));
  ++counters_.keyframe_requests_sent;
}

void EchoSession::send_rtcp(std::span<const std::uint8_t> compound) {
  if (compound.size() + rtc::srtp::kSrtpMaxOverhead > scratch_.size()) return;
  std::memcpy(scratch_.data(), compound.data(), compound.size());
  transport_.send_rtcp(scratch_, compound.size());
}

}  // namespace bailanys::sfu
