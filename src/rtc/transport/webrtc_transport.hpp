// One WebRTC transport (one BUNDLEd PeerConnection leg): the ICE-lite agent, DTLS and the two
// SRTP sessions, glued together. No sockets here: packets come in through receive() with the
// path they arrived on, and leave through a PacketSink; time is passed in.
//
//   receive() ─┬─ STUN ─▶ IceLiteAgent ─▶ response on the same path
//              ├─ DTLS ─▶ DtlsTransport ─▶ keys ─▶ SrtpSession in/out
//              └─ SRTP ─▶ unprotect ─▶ listener.on_rtp / on_rtcp
#pragma once

#include "common/clock.hpp"
#include "rtc/dtls/dtls_transport.hpp"
#include "rtc/ice/ice_lite_agent.hpp"
#include "rtc/rtp/rtp_packet.hpp"
#include "rtc/srtp/srtp_session.hpp"
#include "rtc/transport/drop_reason.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace bailanys::rtc::transport {

class WebRtcTransport;

// Where outgoing packets go: the media worker's UDP socket or one of its TCP connections.
class PacketSink {
 public:
  virtual ~PacketSink() = default;
  virtual void send_to_path(const ice::IcePath& path, std::span<const std::uint8_t> packet) = 0;
};

// Callbacks happen inside receive() and on_timer() on the worker thread. The listener must not
// destroy the transport from inside a callback (mark it and destroy it afterwards); it may send.
class WebRtcTransportListener {
 public:
  virtual ~WebRtcTransportListener() = default;
  // DTLS finished and SRTP is keyed: media can flow.
  virtual void on_transport_connected(WebRtcTransport& transport) = 0;
  // The transport is dead for good: consent lost (RFC 7675), DTLS failed or the peer closed it.
  virtual void on_transport_failed(WebRtcTransport& transport, std::string_view reason) = 0;
  // A decrypted RTP packet. `buffer` is the whole writable buffer that holds it (with room for
  // SRTP overhead), so the listener may rewrite and re-send it in place. Valid during the call.
  virtual void on_rtp(WebRtcTransport& transport, rtp::RtpPacket& packet,
                      std::span<std::uint8_t> buffer, TimeMs now) = 0;
  // A decrypted compound RTCP packet. Valid during the call.
  virtual void on_rtcp(WebRtcTransport& transport, std::span<const std::uint8_t> compound,
                       TimeMs now) = 0;
};

enum class TransportState : std::uint8_t { New, Connecting, Connected, Failed, Closed };
const char* to_string(TransportState state);

struct TransportStats {
  std::uint64_t rtp_packets_in = 0, rtp_bytes_in = 0, rtcp_packets_in = 0;
  std::uint64_t rtp_packets_out = 0, rtp_bytes_out = 0, rtcp_packets_out = 0;
};

struct RemoteParameters {
  ice::IceCredentials ice;
  std::string fingerprint_algorithm;
  std::string fingerprint_value;
  // Our DTLS role follows the answer's a=setup (RFC 8842 §5): passive = server.
  dtls::DtlsRole dtls_role = dtls::DtlsRole::Server;
};

struct WebRtcTransportOptions {
  ice::IceOptions ice;
  dtls::DtlsOptions dtls;
  TimeMs dtls_handshake_timeout_ms = 30'000;
};

class WebRtcTransport final : private dtls::DtlsListener {
 public:
  WebRtcTransport(std::uint64_t id, std::shared_ptr<const dtls::DtlsCertificate> certificate,
                  PacketSink& sink, WebRtcTransportListener& listener,
                  WebRtcTransportOptions options = {});
  ~WebRtcTransport() override;
  WebRtcTransport(const WebRtcTransport&) = delete;
  WebRtcTransport& operator=(const WebRtcTransport&) = delete;

  // From the peer's SDP. Starts DTLS in the given role (a client waits for ICE first).
  void set_remote_parameters(const RemoteParameters& remote, TimeMs now);

  // One packet from `path`; `buffer` holds it in its first `size` bytes and is writable.
  // Returns false when dropped (the reason is counted in drops()). A true return for a STUN
  // request means the path is now a valid candidate pair of this transport.
  bool receive(std::span<std::uint8_t> buffer, std::size_t size, const ice::IcePath& path,
               TimeMs now);
  // Protects in place and sends on the selected path. `buffer` must have
  // srtp::kSrtpMaxOverhead spare bytes past `size`.
  bool send_rtp(std::span<std::uint8_t> buffer, std::size_t size);
  bool send_rtcp(std::span<std::uint8_t> buffer, std::size_t size);
  // Drives consent (ICE) and DTLS retransmission timers. Call every ~50–100 ms.
  void on_timer(TimeMs now);
  // Sends a DTLS close_notify; the transport stops carrying media.
  void close();
  // The TCP connection or path went away.
  void remove_path(std::uint64_t path_id);

  [[nodiscard]] std::uint64_t id() const { return id_; }
  [[nodiscard]] const ice::IceCredentials& local_ice() const;
  [[nodiscard]] const std::string& local_fingerprint() const;
  [[nodiscard]] TransportState state() const { return state_; }
  // Connected, Disconnected (no consent for 10 s: the browser may be gone), Failed.
  [[nodiscard]] ice::IceState ice_state() const { return ice_.state(); }
  [[nodiscard]] const std::optional<ice::IcePath>& selected_path() const;
  // Where packets go now: the selected pair, or before nomination the path DTLS came from.
  [[nodiscard]] const ice::IcePath* active_path() const { return output_path(); }
  [[nodiscard]] const DropCounters& drops() const { return drops_; }
  [[nodiscard]] const TransportStats& stats() const { return stats_; }
  [[nodiscard]] std::optional<srtp::SrtpProfile> srtp_profile() const;

 private:
  // dtls::DtlsListener
  void on_dtls_send(std::span<const std::uint8_t> datagram) override;
  void on_dtls_connected(const dtls::SrtpKeyMaterial& keys) override;
  void on_dtls_failed(std::string_view reason) override;
  void on_dtls_closed() override;

  bool receive_stun(std::span<const std::uint8_t> packet, const ice::IcePath& path, TimeMs now);
  bool receive_srtp(std::span<std::uint8_t> buffer, std::size_t size, TimeMs now);
  bool send_protected(std::span<std::uint8_t> buffer, std::size_t size, bool rtcp);
  void fail(std::string_view reason);
  [[nodiscard]] const ice::IcePath* output_path() const;

  std::uint64_t id_;
  std::shared_ptr<const dtls::DtlsCertificate> certificate_;
  PacketSink& sink_;
  WebRtcTransportListener& listener_;
  WebRtcTransportOptions options_;
  ice::IceLiteAgent ice_;
  dtls::DtlsTransport dtls_;
  std::unique_ptr<srtp::SrtpSession> srtp_in_;
  std::unique_ptr<srtp::SrtpSession> srtp_out_;
  std::optional<dtls::DtlsRole> dtls_role_;
  bool dtls_started_ = false;
  std::optional<ice::IcePath> dtls_path_;  // where DTLS last came from, until ICE selects a pair
  TimeMs created_at_ = -1;
  TransportState state_ = TransportState::New;
  DropCounters drops_;
  TransportStats stats_;
};

}  // namespace bailanys::rtc::transport
