// One DTLS 1.2 association (RFC 6347) carrying the DTLS-SRTP key exchange (RFC 5764) for a
// WebRTC transport, run by OpenSSL over in-memory datagrams: bytes and time in, datagrams and
// events out, no sockets and no threads (ARCHITECTURE.md, "protocol engines do no I/O").
#pragma once

#include "common/clock.hpp"
#include "rtc/dtls/dtls_certificate.hpp"
#include "rtc/dtls/dtls_demux.hpp"
#include "rtc/dtls/dtls_listener.hpp"
#include "rtc/dtls/dtls_types.hpp"
#include "rtc/dtls/openssl_handles.hpp"
#include "rtc/srtp/srtp_profile.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace bailanys::rtc::dtls {

class DatagramPipe;

struct DtlsOptions {
  // In preference order (a server picks its first one the client offers).
  std::vector<srtp::SrtpProfile> profiles = {srtp::SrtpProfile::AeadAes128Gcm,
                                             srtp::SrtpProfile::Aes128CmSha1_80};
  // Largest datagram we send, DTLS headers included (RFC 6347 §4.1.1.1). At least 256.
  std::size_t mtu = 1200;
};

// Retransmission timer (RFC 6347 §4.2.4): 100 ms at first, doubling up to 4 s; OpenSSL gives up
// at the 13th expiry (about 34 s after the first flight) and the transport fails.
//
// Time, honestly: OpenSSL 3.0 keeps its own DTLS timer on the real clock (gettimeofday) and
// has no way to inject time. `now` is therefore only used to express OpenSSL's remaining time
// on the caller's clock: next_timeout() = now of the last call + what OpenSSL says is left.
// handle_timeout() asks OpenSSL, which retransmits only when its real clock agrees (it counts
// anything under 15 ms as expired); if not, next_timeout() moves to OpenSSL's new answer.
// So callers must pass a clock that advances with real time (steady_now_ms()); with a fake
// clock handle_timeout() may do nothing. `now` is read before a call and OpenSSL arms its timer
// during it, so next_timeout() can be early by the time the call took (a few ms of ECDSA);
// the caller then simply gets one more handle_timeout() that re-arms it.
//
// Not thread-safe: one transport lives on one media worker.
class DtlsTransport {
 public:
  // Never throws for OpenSSL trouble: a transport that could not be set up fails in start().
  DtlsTransport(std::shared_ptr<const DtlsCertificate> certificate, DtlsListener& listener,
                DtlsOptions options = {});
  ~DtlsTransport();
  DtlsTransport(const DtlsTransport&) = delete;
  DtlsTransport& operator=(const DtlsTransport&) = delete;

  // The peer's a=fingerprint (RFC 8122 §5): "sha-256" (also sha-1/sha-384/sha-512) and hex with
  // colons, both case-insensitive. Must be set before the handshake finishes: the peer's
  // certificate is compared with it then, and the transport fails if it is missing or differs.
  void set_remote_fingerprint(std::string algorithm, std::string value);

  // Once. A client sends its ClientHello flight now; a server waits for one. Datagrams that
  // arrive before start() are ignored.
  void start(DtlsRole role, TimeMs now);
  // One UDP datagram of DTLS records (never throws; garbage is dropped or fails the handshake).
  void handle_packet(std::span<const std::uint8_t> datagram, TimeMs now);
  // Absolute time of the next retransmission on the caller's clock; nullopt when none is due.
  [[nodiscard]] std::optional<TimeMs> next_timeout() const { return next_timeout_; }
  void handle_timeout(TimeMs now);
  // Application data in one record, once connected. False when not connected or when the data
  // would not fit one datagram of the MTU (max_data_size()).
  bool send_data(std::span<const std::uint8_t> data);
  // Sends close_notify when connected; the transport is Closed afterwards (no on_dtls_closed).
  void close();

  [[nodiscard]] DtlsState state() const { return state_; }
  [[nodiscard]] std::optional<DtlsRole> role() const { return role_; }
  [[nodiscard]] std::optional<srtp::SrtpProfile> negotiated_profile() const { return profile_; }
  // Largest send_data() payload once connected (MTU minus record overhead); 0 before.
  [[nodiscard]] std::size_t max_data_size() const;

 private:
  const char* set_up();
  void drive_handshake();
  void finish_handshake();
  [[nodiscard]] const char* check_remote_certificate() const;
  void read_application_data();
  void flush_datagrams();
  void update_timeout(TimeMs now);
  void fail(std::string_view reason);
  void fail_from_openssl(std::string_view what);

  std::shared_ptr<const DtlsCertificate> certificate_;
  DtlsListener& listener_;
  DtlsOptions options_;
  std::unique_ptr<DatagramPipe> pipe_;  // before ssl_: the BIO inside ssl_ points to it
  SslContextHandle context_;
  SslHandle ssl_;
  const char* setup_error_ = nullptr;

  DtlsState state_ = DtlsState::New;
  std::optional<DtlsRole> role_;
  std::optional<srtp::SrtpProfile> profile_;
  std::optional<std::string> remote_fingerprint_algorithm_;
  std::string remote_fingerprint_value_;
  std::optional<TimeMs> next_timeout_;
  std::vector<std::uint8_t> read_buffer_;
  bool busy_ = false;  // inside a call: listener re-entry is ignored
};

}  // namespace bailanys::rtc::dtls
