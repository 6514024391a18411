// What a DtlsTransport tells its owner (the WebRTC transport).
#pragma once

#include "rtc/dtls/dtls_types.hpp"

#include <cstdint>
#include <span>
#include <string_view>

namespace bailanys::rtc::dtls {

// All callbacks happen inside DtlsTransport::start/handle_packet/handle_timeout/send_data/close,
// on the caller's thread. They must not call back into the same DtlsTransport (such calls are
// ignored) and must not destroy it. Spans and string_views are valid only during the call.
class DtlsListener {
 public:
  virtual ~DtlsListener() = default;
  // One UDP datagram of DTLS records to send on the selected path (already sized to the MTU).
  virtual void on_dtls_send(std::span<const std::uint8_t> datagram) = 0;
  // The handshake finished, the peer's fingerprint matched and an SRTP profile was agreed.
  virtual void on_dtls_connected(const SrtpKeyMaterial& keys) = 0;
  // Handshake error or fatal alert, fingerprint mismatch, no SRTP profile, retransmissions
  // exhausted. At most once per transport; the transport is dead afterwards.
  virtual void on_dtls_failed(std::string_view reason) = 0;
  // The peer sent close_notify (we answered with ours).
  virtual void on_dtls_closed() = 0;
  // Application data after the handshake (SCTP for data channels, RFC 8261).
  virtual void on_dtls_data(std::span<const std::uint8_t> /*data*/) {}
};

}  // namespace bailanys::rtc::dtls
