#include "rtc/transport/webrtc_transport.hpp"

#include "rtc/rtp/rtp_packet.hpp"
#include "rtc/stun/stun_message.hpp"

#include <spdlog/spdlog.h>

namespace bailanys::rtc::transport {

const char* to_string(TransportState state) {
  switch (state) {
    case TransportState::New: return "new";
    case TransportState::Connecting: return "connecting";
    case TransportState::Connected: return "connected";
    case TransportState::Failed: return "failed";
    case TransportState::Closed: return "closed";
  }
  return "unknown";
}

WebRtcTransport::WebRtcTransport(std::uint64_t id,
                                 std::shared_ptr<const dtls::DtlsCertificate> certificate,
                                 PacketSink& sink, WebRtcTransportListener& listener,
                                 WebRtcTransportOptions options)
    : id_(id),
      certificate_(std::move(certificate)),
      sink_(sink),
      listener_(listener),
      options_(std::move(options)),
      ice_(ice::generate_ice_credentials(), options_.ice),
      dtls_(certificate_, *this, options_.dtls) {}

WebRtcTransport::~WebRtcTransport() = default;

const ice::IceCredentials& WebRtcTransport::local_ice() const { return ice_.local_credentials(); }

const std::string& WebRtcTransport::local_fingerprint() const {
  return certificate_->fingerprint_sha256();
}

const std::optional<ice::IcePath>& WebRtcTransport::selected_path() const {
  return ice_.selected_path();
}

std::optional<srtp::SrtpProfile> WebRtcTransport::srtp_profile() const {
  return dtls_.negotiated_profile();
}

void WebRtcTransport::set_remote_parameters(const RemoteParameters& remote, TimeMs now) {
  ice_.set_remote_credentials(remote.ice);
  dtls_.set_remote_fingerprint(remote.fingerprint_algorithm, remote.fingerprint_value);
  dtls_role_ = remote.dtls_role;
  created_at_ = now;
  if (state_ == TransportState::New) state_ = TransportState::Connecting;
  // A DTLS server just waits for the ClientHello; a client starts once ICE has a pair.
  if (*dtls_role_ == dtls::DtlsRole::Server) {
    dtls_.start(dtls::DtlsRole::Server, now);
    dtls_started_ = true;
  }
}

bool WebRtcTransport::receive(std::span<std::uint8_t> buffer, std::size_t size,
                              const ice::IcePath& path, TimeMs now) {
  if (state_ == TransportState::Failed || state_ == TransportState::Closed) {
    drops_.add(DropReason::TransportClosed);
    return false;
  }
  const auto packet = std::span<const std::uint8_t>(buffer.data(), size);
  // RFC 7983 §7: the first byte tells the protocols sharing one port apart.
  if (stun::looks_like_stun(packet)) return receive_stun(packet, path, now);
  if (dtls::looks_like_dtls(packet)) {
    if (!dtls_started_) {
      drops_.add(DropReason::DtlsFailed);
      return false;
    }
    if (!ice_.selected_path()) dtls_path_ = path;
    dtls_.handle_packet(packet, now);
    return true;
  }
  if (rtp::looks_like_rtp_or_rtcp(packet)) return receive_srtp(buffer, size, now);
  drops_.add(DropReason::Unclassified);
  return false;
}

bool WebRtcTransport::receive_stun(std::span<const std::uint8_t> packet, const ice::IcePath& path,
                                   TimeMs now) {
  const auto outcome = ice_.handle_stun(packet, path, now);
  if (!outcome.response.empty()) sink_.send_to_path(path, outcome.response);
  if (outcome.dropped != ice::IceDropReason::None) {
    drops_.add(DropReason::StunRejected);
    spdlog::debug("transport {}: STUN from {} refused: {}", id_, path.remote.to_string(),
                  ice::to_string(outcome.dropped));
    return false;
  }
  if (outcome.selected_path_changed) {
    spdlog::debug("transport {}: selected path {} ({})", id_, path.remote.to_string(),
                  path.tcp ? "tcp" : "udp");
  }
  // An ICE client starts DTLS once a pair is nominated (RFC 8842 §4).
  if (!dtls_started_ && dtls_role_ == dtls::DtlsRole::Client && ice_.selected_path()) {
    dtls_started_ = true;
    dtls_.start(dtls::DtlsRole::Client, now);
  }
  return true;
}

bool WebRtcTransport::receive_srtp(std::span<std::uint8_t> buffer, std::size_t size, TimeMs now) {
  if (!srtp_in_) {
    drops_.add(DropReason::SrtpNotReady);
    return false;
  }
  const bool rtcp = rtp::is_rtcp(std::span<const std::uint8_t>(buffer.data(), size));
  const auto status =
      rtcp ? srtp_in_->unprotect_rtcp(buffer, size) : srtp_in_->unprotect_rtp(buffer, size);
  switch (status) {
    case srtp::SrtpStatus::Ok: break;
    case srtp::SrtpStatus::AuthFailed: drops_.add(DropReason::SrtpAuthFailed); return false;
    case srtp::SrtpStatus::ReplayOld:
    case srtp::SrtpStatus::ReplayDuplicate: drops_.add(DropReason::SrtpReplay); return false;
    default: drops_.add(DropReason::SrtpOther); return false;
  }
  if (rtcp) {
    ++stats_.rtcp_packets_in;
    listener_.on_rtcp(*this, std::span<const std::uint8_t>(buffer.data(), size), now);
    return true;
  }
  auto packet = rtp::RtpPacket::parse(buffer.first(size));
  if (!packet) {
    drops_.add(DropReason::RtpMalformed);
    return false;
  }
  ++stats_.rtp_packets_in;
  stats_.rtp_bytes_in += size;
  listener_.on_rtp(*this, *packet, buffer, now);
  return true;
}

bool WebRtcTransport::send_rtp(std::span<std::uint8_t> buffer, std::size_t size) {
  return send_protected(buffer, size, /*rtcp=*/false);
}

bool WebRtcTransport::send_rtcp(std::span<std::uint8_t> buffer, std::size_t size) {
  return send_protected(buffer, size, /*rtcp=*/true);
}

bool WebRtcTransport::send_protected(std::span<std::uint8_t> buffer, std::size_t size, bool rtcp) {
  const ice::IcePath* path = output_path();
  if (!srtp_out_ || path == nullptr || state_ != TransportState::Connected) {
    drops_.add(DropReason::NoSelectedPath);
    return false;
  }
  const auto status =
      rtcp ? srtp_out_->protect_rtcp(buffer, size) : srtp_out_->protect_rtp(buffer, size);
  if (status != srtp::SrtpStatus::Ok) {
    drops_.add(DropReason::ProtectFailed);
    return false;
  }
  if (rtcp) {
    ++stats_.rtcp_packets_out;
  } else {
    ++stats_.rtp_packets_out;
    stats_.rtp_bytes_out += size;
  }
  sink_.send_to_path(*path, std::span<const std::uint8_t>(buffer.data(), size));
  return true;
}

void WebRtcTransport::on_timer(TimeMs now) {
  if (state_ == TransportState::Failed || state_ == TransportState::Closed) return;
  if (ice_.on_timer(now) && ice_.state() == ice::IceState::Failed) {
    fail("ICE consent expired (no connectivity checks for 30 s)");
    return;
  }
  if (const auto at = dtls_.next_timeout(); at && *at <= now) dtls_.handle_timeout(now);
  if (state_ == TransportState::Connecting && created_at_ >= 0 &&
      now - created_at_ > options_.dtls_handshake_timeout_ms) {
    fail("the connection was not established in time");
  }
}

void WebRtcTransport::close() {
  if (state_ == TransportState::Failed || state_ == TransportState::Closed) return;
  if (dtls_.state() == dtls::DtlsState::Connected) dtls_.close();
  state_ = TransportState::Closed;
}

void WebRtcTransport::remove_path(std::uint64_t path_id) {
  ice_.remove_path(path_id);
  if (dtls_path_ && dtls_path_->id == path_id) dtls_path_.reset();
}

const ice::IcePath* WebRtcTransport::output_path() const {
  if (const auto& selected = ice_.selected_path()) return &*selected;
  return dtls_path_ ? &*dtls_path_ : nullptr;
}

void WebRtcTransport::on_dtls_send(std::span<const std::uint8_t> datagram) {
  if (const ice::IcePath* path = output_path()) sink_.send_to_path(*path, datagram);
}

void WebRtcTransport::on_dtls_connected(const dtls::SrtpKeyMaterial& keys) {
  srtp_in_ = srtp::SrtpSession::create(keys.profile, keys.remote_key_salt,
                                       srtp::SrtpSession::Direction::Inbound);
  srtp_out_ = srtp::SrtpSession::create(keys.profile, keys.local_key_salt,
                                        srtp::SrtpSession::Direction::Outbound);
  if (!srtp_in_ || !srtp_out_) {
    fail("SRTP refused the keys from DTLS");
    return;
  }
  state_ = TransportState::Connected;
  spdlog::debug("transport {}: connected ({})", id_, srtp::to_string(keys.profile));
  listener_.on_transport_connected(*this);
}

void WebRtcTransport::on_dtls_failed(std::string_view reason) {
  fail(std::string("DTLS failed: ") + std::string(reason));
}

void WebRtcTransport::on_dtls_closed() {
  if (state_ == TransportState::Failed || state_ == TransportState::Closed) return;
  state_ = TransportState::Closed;
  listener_.on_transport_failed(*this, "the peer closed the connection");
}

void WebRtcTransport::fail(std::string_view reason) {
  if (state_ == TransportState::Failed || state_ == TransportState::Closed) return;
  state_ = TransportState::Failed;
  spdlog::debug("transport {}: failed: {}", id_, reason);
  listener_.on_transport_failed(*this, reason);
}

}  // namespace bailanys::rtc::transport
