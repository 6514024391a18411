#include "client_transport.hpp"

#include "common/random.hpp"
#include "rtc/dtls/dtls_demux.hpp"
#include "rtc/rtp/demux.hpp"

#include <cstring>

namespace bailanys::load {

namespace stun = rtc::stun;

namespace {

constexpr TimeUs kFirstCheckRetryUs = 50'000;  // the nominating check, until answered
constexpr TimeUs kConsentIntervalUs = 2'500'000;  // well inside the server's 10 s (RFC 7675 §5.1)
constexpr TimeUs kIceGiveUpUs = 10'000'000;
constexpr std::uint32_t kPriority = 1845501695;  // a host candidate's priority (RFC 8445 §5.1.2)

SocketAddress loopback_like(const SocketAddress& server) {
  auto any = server.is_v6() ? SocketAddress::parse("::1", 0) : SocketAddress::parse("127.0.0.1", 0);
  return any ? *any : SocketAddress{};
}

}  // namespace

ClientTransport::ClientTransport(net::MediaLoop& loop,
                                 std::shared_ptr<const rtc::dtls::DtlsCertificate> certificate,
                                 rtc::dtls::DtlsOptions dtls_options, ClientTransportListener& listener,
                                 std::string name)
    : certificate_(std::move(certificate)),
      listener_(listener),
      name_(std::move(name)),
      local_ice_(rtc::ice::generate_ice_credentials()),
      dtls_(certificate_, *this, std::move(dtls_options)),
      tie_breaker_((std::uint64_t{random_below(0xFFFFFFFFU)} << 32) | random_below(0xFFFFFFFFU)) {
  // Bound to loopback now (the server's address family is known only later; loopback IPv4 is
  // what a load run uses, and connect() rebinds for an IPv6 server).
  socket_ = std::make_unique<net::UdpSocket>(
      loop, *SocketAddress::parse("127.0.0.1", 0),
      [this](std::span<std::uint8_t> buffer, std::size_t size, const SocketAddress& from) {
        on_datagram(buffer, size, from);
      });
  loop_ = &loop;
}

ClientTransport::~ClientTransport() { close(); }

void ClientTransport::connect(const RemoteTransport& remote, TimeUs now) {
  if (remote_ || closed_) return;
  remote_ = remote;
  if (remote.address.is_v6()) {
    socket_ = std::make_unique<net::UdpSocket>(
        *loop_, loopback_like(remote.address),
        [this](std::span<std::uint8_t> buffer, std::size_t size, const SocketAddress& from) {
          on_datagram(buffer, size, from);
        });
  }
  socket_->start();
  dtls_.set_remote_fingerprint(remote.fingerprint_algorithm, remote.fingerprint_value);
  connect_started_ = now;
  send_check(true, now);
}

void ClientTransport::send_check(bool nominate, TimeUs now) {
  stun::TransactionId id{};
  for (auto& b : id) b = static_cast<std::uint8_t>(random_below(256));
  stun::StunBuilder builder(stun::kBindingMethod, stun::StunClass::Request, id);
  builder.username(remote_->ice.ufrag + ":" + local_ice_.ufrag)
      .priority(kPriority)
      .ice_controlling(tie_breaker_);
  if (nominate) builder.use_candidate();
  const auto message = builder.finish(stun::as_bytes(remote_->ice.pwd), true);
  pending_check_ = id;
  ++counters_.stun_sent;
  send_raw(message);
  next_check_at_ = now + (ice_connected_ ? kConsentIntervalUs * (8 + random_below(5)) / 10
                                         : kFirstCheckRetryUs);
}

void ClientTransport::on_tick(TimeUs now) {
  if (!remote_ || closed_ || failed_) return;
  now_ = now;
  if (!ice_connected_ && now - connect_started_ > kIceGiveUpUs) {
    failed_ = true;
    listener_.on_transport_failed(*this, "no answer to ICE connectivity checks within 10 s");
    return;
  }
  if (now >= next_check_at_) send_check(!ice_connected_, now);
  if (const auto at = dtls_.next_timeout(); at && *at <= to_ms(now)) dtls_.handle_timeout(to_ms(now));
}

void ClientTransport::on_datagram(std::span<std::uint8_t> buffer, std::size_t size, const SocketAddress& from) {
  if (closed_) return;
  const TimeUs now = now_us();
  now_ = now;
  counters_.bytes_in += size;
  const std::span<std::uint8_t> packet = buffer.first(size);
  if (stun::looks_like_stun(packet)) return on_stun(packet, from, now);
  if (rtc::dtls::looks_like_dtls(packet)) return dtls_.handle_packet(packet, to_ms(now));
  if (!rtc::rtp::looks_like_rtp_or_rtcp(packet) || !srtp_in_) {
    ++counters_.malformed;
    return;
  }
  std::size_t plain = size;
  const bool rtcp = rtc::rtp::is_rtcp(packet);
  if (!rtcp && loss_ > 0 && std::uniform_real_distribution<double>(0.0, 1.0)(loss_random_) < loss_) {
    ++counters_.dropped_on_purpose;
    return;
  }
  if (rtcp) {
    if (srtp_in_->unprotect_rtcp(buffer, plain) != rtc::srtp::SrtpStatus::Ok) {
      ++counters_.srtp_errors;
      return;
    }
    ++counters_.rtcp_in;
    listener_.on_rtcp(*this, buffer.first(plain), now);
    return;
  }
  const auto status = srtp_in_->unprotect_rtp(buffer, plain);
  if (status == rtc::srtp::SrtpStatus::ReplayDuplicate || status == rtc::srtp::SrtpStatus::ReplayOld) {
    ++counters_.srtp_replays;  // a packet resent without RTX after a NACK we repeated
    return;
  }
  if (status != rtc::srtp::SrtpStatus::Ok) {
    ++counters_.srtp_errors;
    return;
  }
  auto rtp = rtc::rtp::RtpPacket::parse(buffer.first(plain));
  if (!rtp) {
    ++counters_.malformed;
    return;
  }
  ++counters_.rtp_in;
  listener_.on_rtp(*this, *rtp, now);
}

void ClientTransport::on_stun(std::span<const std::uint8_t> packet, const SocketAddress& from, TimeUs now) {
  const auto message = stun::parse_stun(packet);
  if (message && message->method == stun::kBindingMethod && message->message_class == stun::StunClass::Request) {
    return answer_check(packet, *message, from);
  }
  if (!message || message->method != stun::kBindingMethod || !pending_check_ ||
      message->transaction_id != *pending_check_) {
    ++counters_.malformed;
    return;
  }
  if (message->message_class != stun::StunClass::SuccessResponse ||
      !stun::check_integrity(packet, *message, stun::as_bytes(remote_->ice.pwd))) {
    ++counters_.malformed;  // an error response: the next check retries
    return;
  }
  pending_check_.reset();
  ++counters_.stun_responses;
  if (ice_connected_) return;
  ice_connected_ = true;
  next_check_at_ = now + kConsentIntervalUs;
  listener_.on_ice_connected(*this, now);
  if (closed_) return;
  // RFC 8842 §4: the DTLS client starts once ICE has a pair.
  dtls_.start(rtc::dtls::DtlsRole::Client, to_ms(now));
}

// A full ICE agent (Janus's libnice, even in its lite mode) takes a pair only once its own
// (triggered) check on it succeeds: answer Binding requests for our credentials (RFC 8445
// §7.3). The role stays ours (controlling); the pair is the one we already use.
void ClientTransport::answer_check(std::span<const std::uint8_t> packet, const stun::StunMessage& request,
                                   const SocketAddress& from) {
  if (!remote_ || !request.username || request.username->rfind(local_ice_.ufrag + ":", 0) != 0 ||
      !stun::check_integrity(packet, request, stun::as_bytes(local_ice_.pwd))) {
    ++counters_.malformed;
    return;
  }
  const auto response = stun::StunBuilder(stun::kBindingMethod, stun::StunClass::SuccessResponse,
                                          request.transaction_id)
                            .xor_mapped_address(from)
                            .finish(stun::as_bytes(local_ice_.pwd), true);
  send_raw(response);
}

bool ClientTransport::send_rtp(std::span<std::uint8_t> buffer, std::size_t size) {
  if (!srtp_out_ || closed_) return false;
  if (srtp_out_->protect_rtp(buffer, size) != rtc::srtp::SrtpStatus::Ok) {
    ++counters_.send_failures;
    return false;
  }
  ++counters_.rtp_out;
  send_raw(buffer.first(size));
  return true;
}

bool ClientTransport::send_rtcp(std::span<const std::uint8_t> compound) {
  if (!srtp_out_ || closed_ || compound.size() + rtc::srtp::kSrtpMaxOverhead > rtcp_scratch_.size()) {
    return false;
  }
  std::memcpy(rtcp_scratch_.data(), compound.data(), compound.size());
  std::size_t size = compound.size();
  if (srtp_out_->protect_rtcp(rtcp_scratch_, size) != rtc::srtp::SrtpStatus::Ok) {
    ++counters_.send_failures;
    return false;
  }
  ++counters_.rtcp_out;
  send_raw(std::span(rtcp_scratch_).first(size));
  return true;
}

void ClientTransport::send_raw(std::span<const std::uint8_t> datagram) {
  if (!remote_ || closed_) return;
  counters_.bytes_out += datagram.size();
  socket_->send(datagram, remote_->address);
}

void ClientTransport::set_receive_loss(double share, std::uint32_t seed) {
  loss_ = share;
  loss_random_.seed(seed);
}

void ClientTransport::close() {
  if (closed_) return;
  if (dtls_.state() == rtc::dtls::DtlsState::Connected) dtls_.close();  // close_notify
  closed_ = true;
  if (socket_) socket_->close();
}

void ClientTransport::on_dtls_send(std::span<const std::uint8_t> datagram) {
  // close() sends close_notify after closed_ is decided; let that one through.
  if (!remote_ || !socket_) return;
  counters_.bytes_out += datagram.size();
  socket_->send(datagram, remote_->address);
}

void ClientTransport::on_dtls_connected(const rtc::dtls::SrtpKeyMaterial& keys) {
  srtp_out_ = rtc::srtp::SrtpSession::create(keys.profile, keys.local_key_salt,
                                             rtc::srtp::SrtpSession::Direction::Outbound);
  srtp_in_ = rtc::srtp::SrtpSession::create(keys.profile, keys.remote_key_salt,
                                            rtc::srtp::SrtpSession::Direction::Inbound);
  if (!srtp_out_ || !srtp_in_) {
    srtp_out_.reset();
    srtp_in_.reset();
    failed_ = true;
    listener_.on_transport_failed(*this, "libsrtp refused the keys DTLS exported");
    return;
  }
  listener_.on_dtls_connected(*this, now_);
}

void ClientTransport::on_dtls_failed(std::string_view reason) {
  failed_ = true;
  listener_.on_transport_failed(*this, std::string("DTLS failed: ") + std::string(reason));
}

void ClientTransport::on_dtls_closed() {
  if (closed_) return;
  failed_ = true;
  listener_.on_transport_failed(*this, "the server closed DTLS (close_notify)");
}

}  // namespace bailanys::load
