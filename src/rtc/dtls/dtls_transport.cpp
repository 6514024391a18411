#include "rtc/dtls/dtls_transport.hpp"

#include "rtc/dtls/dtls_context.hpp"
#include "rtc/dtls/dtls_datagram_bio.hpp"
#include "rtc/dtls/dtls_fingerprint.hpp"
#include "rtc/dtls/dtls_srtp_keys.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <sys/time.h>
#include <algorithm>
#include <string>

namespace bailanys::rtc::dtls {

namespace {

constexpr unsigned int kInitialRetransmitUs = 100'000;
constexpr unsigned int kMaxRetransmitUs = 4'000'000;
constexpr std::size_t kMinMtu = 256;                // OpenSSL's own floor for DTLS
constexpr std::size_t kMaxMtu = 65507;              // largest UDP payload over IPv4
constexpr std::size_t kMaxRecordPlaintext = 16384;  // 2^14, RFC 5246 §6.2.1

// RFC 6347 §4.2.4.1 suggests 1 s; on a path ICE has just proven, a faster first retry
// shortens call set-up when the first flight is lost, and doubling keeps it polite.
unsigned int retransmission_timeout_us(SSL* /*ssl*/, unsigned int previous_us) {
  if (previous_us == 0) return kInitialRetransmitUs;
  return std::min(previous_us, kMaxRetransmitUs / 2) * 2;
}

// Sets the flag for the duration of a public call so a listener calling back in is ignored.
class BusyScope {
 public:
  explicit BusyScope(bool& busy) : busy_(busy) { busy_ = true; }
  ~BusyScope() { busy_ = false; }
  BusyScope(const BusyScope&) = delete;
  BusyScope& operator=(const BusyScope&) = delete;

 private:
  bool& busy_;
};

std::string profile_list(const std::vector<srtp::SrtpProfile>& profiles) {
  std::string list;
  for (const srtp::SrtpProfile profile : profiles) {
    if (!list.empty()) list += ':';
    list += srtp::openssl_profile_name(profile);
  }
  return list;
}

}  // namespace

DtlsTransport::DtlsTransport(std::shared_ptr<const DtlsCertificate> certificate,
                             DtlsListener& listener, DtlsOptions options)
    : certificate_(std::move(certificate)),
      listener_(listener),
      options_(std::move(options)),
      pipe_(std::make_unique<DatagramPipe>()),
      read_buffer_(kMaxRecordPlaintext) {
  setup_error_ = set_up();
  ERR_clear_error();
}

DtlsTransport::~DtlsTransport() = default;

const char* DtlsTransport::set_up() {
  if (!certificate_) return "no local certificate";
  if (options_.profiles.empty()) return "no SRTP profile to offer";
  context_ = make_dtls_context(*certificate_);
  if (!context_) return "could not configure the DTLS context";
  ssl_.reset(SSL_new(context_.get()));
  if (!ssl_) return "could not create the DTLS session";
  BIO* bio = make_datagram_bio(*pipe_);
  if (bio == nullptr) return "could not create the datagram BIO";
  SSL_set_bio(ssl_.get(), bio, bio);  // one reference, owned by ssl_ from here
  // RFC 5764 §4.1.1 use_srtp; note OpenSSL returns 0 on success here.
  if (SSL_set_tlsext_use_srtp(ssl_.get(), profile_list(options_.profiles).c_str()) != 0) {
    return "OpenSSL refused the SRTP profiles";
  }
  const auto mtu = static_cast<long>(std::clamp(options_.mtu, kMinMtu, kMaxMtu));
  if (SSL_ctrl(ssl_.get(), SSL_CTRL_SET_MTU, mtu, nullptr) <= 0) return "OpenSSL refused the MTU";
  DTLS_set_timer_cb(ssl_.get(), retransmission_timeout_us);
  return nullptr;
}

void DtlsTransport::set_remote_fingerprint(std::string algorithm, std::string value) {
  remote_fingerprint_algorithm_ = std::move(algorithm);
  remote_fingerprint_value_ = std::move(value);
}

std::size_t DtlsTransport::max_data_size() const {
  if (state_ != DtlsState::Connected) return 0;
  return DTLS_get_data_mtu(ssl_.get());
}

void DtlsTransport::start(DtlsRole role, TimeMs now) {
  if (busy_ || state_ != DtlsState::New) return;
  BusyScope busy(busy_);
  role_ = role;
  if (setup_error_ != nullptr) {
    fail(setup_error_);
    return;
  }
  state_ = DtlsState::Connecting;
  if (role == DtlsRole::Client) {
    SSL_set_connect_state(ssl_.get());
    drive_handshake();  // writes the ClientHello
  } else {
    SSL_set_accept_state(ssl_.get());
  }
  flush_datagrams();
  update_timeout(now);
}

void DtlsTransport::handle_packet(std::span<const std::uint8_t> datagram, TimeMs now) {
  if (busy_) return;
  if (state_ != DtlsState::Connecting && state_ != DtlsState::Connected) return;
  if (!looks_like_dtls(datagram)) return;
  BusyScope busy(busy_);
  pipe_->set_inbound(datagram);
  if (state_ == DtlsState::Connecting) drive_handshake();
  // Records after the Finished in the same datagram, or a peer's retransmitted last flight
  // that OpenSSL answers from inside SSL_read (RFC 6347 §4.2.4).
  if (state_ == DtlsState::Connected) read_application_data();
  pipe_->clear_inbound();
  flush_datagrams();
  update_timeout(now);
}

void DtlsTransport::handle_timeout(TimeMs now) {
  if (busy_) return;
  if (state_ != DtlsState::Connecting && state_ != DtlsState::Connected) return;
  BusyScope busy(busy_);
  ERR_clear_error();
  // 1: retransmitted; 0: OpenSSL's clock says not yet; -1: retransmissions exhausted.
  const long result = SSL_ctrl(ssl_.get(), DTLS_CTRL_HANDLE_TIMEOUT, 0, nullptr);
  flush_datagrams();
  if (result < 0) {
    fail_from_openssl("handshake timed out");
    return;
  }
  ERR_clear_error();
  update_timeout(now);
}

bool DtlsTransport::send_data(std::span<const std::uint8_t> data) {
  if (busy_ || state_ != DtlsState::Connected || data.empty()) return false;
  if (data.size() > max_data_size()) return false;
  BusyScope busy(busy_);
  ERR_clear_error();
  const int written = SSL_write(ssl_.get(), data.data(), static_cast<int>(data.size()));
  flush_datagrams();
  if (written <= 0) {
    const int error = SSL_get_error(ssl_.get(), written);
    if (error == SSL_ERROR_SSL || error == SSL_ERROR_SYSCALL) {
      fail_from_openssl("write failed");
    } else {
      ERR_clear_error();
    }
    return false;
  }
  return static_cast<std::size_t>(written) == data.size();
}

void DtlsTransport::close() {
  if (busy_) return;
  BusyScope busy(busy_);
  if (state_ == DtlsState::Connected) {
    ERR_clear_error();
    SSL_shutdown(ssl_.get());  // close_notify (RFC 5246 §7.2.1); we do not wait for the reply
    ERR_clear_error();
    flush_datagrams();
  }
  if (state_ != DtlsState::Failed) state_ = DtlsState::Closed;
  next_timeout_.reset();
}

void DtlsTransport::drive_handshake() {
  ERR_clear_error();
  const int result = SSL_do_handshake(ssl_.get());
  if (result == 1) {
    flush_datagrams();  // the server's last flight goes out before the keys are used
    finish_handshake();
    return;
  }
  const int error = SSL_get_error(ssl_.get(), result);
  if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
    ERR_clear_error();
    return;
  }
  flush_datagrams();  // the alert OpenSSL sent for the failure
  fail_from_openssl("handshake failed");
}

void DtlsTransport::finish_handshake() {
  const char* problem = check_remote_certificate();
  std::optional<srtp::SrtpProfile> profile;
  std::optional<SrtpKeyMaterial> keys;
  if (problem == nullptr) {
    const SRTP_PROTECTION_PROFILE* selected = SSL_get_selected_srtp_profile(ssl_.get());
    if (selected != nullptr) {
      profile = srtp::srtp_profile_from_id(static_cast<std::uint16_t>(selected->id));
    }
    // RFC 5764 §4.1.2: no use_srtp in the ServerHello means no common profile.
    if (!profile) problem = "no SRTP profile negotiated";
  }
  if (problem == nullptr) {
    keys = export_srtp_keys(ssl_.get(), *profile, *role_);
    if (!keys) problem = "SRTP key export failed";
  }
  if (problem != nullptr) {
    // The handshake itself succeeded, so a close_notify tells the peer at once instead of
    // leaving it to time out (OpenSSL has no call to send a fatal alert of our choosing).
    SSL_shutdown(ssl_.get());
    ERR_clear_error();
    fail(problem);
    return;
  }
  state_ = DtlsState::Connected;
  profile_ = profile;
  listener_.on_dtls_connected(*keys);
  OPENSSL_cleanse(keys->local_key_salt.data(), keys->local_key_salt.size());
  OPENSSL_cleanse(keys->remote_key_salt.data(), keys->remote_key_salt.size());
}

const char* DtlsTransport::check_remote_certificate() const {
  // RFC 8122 §5 / RFC 8842 §5: the certificate must be the one the signalling announced.
  if (!remote_fingerprint_algorithm_) return "no remote fingerprint was set";
  if (fingerprint_digest(*remote_fingerprint_algorithm_) == nullptr) {
    return "unsupported remote fingerprint algorithm";
  }
  X509* peer = SSL_get0_peer_certificate(ssl_.get());
  const auto actual = certificate_fingerprint(peer, *remote_fingerprint_algorithm_);
  if (!actual) return "the peer sent no certificate";
  if (!fingerprints_equal(*actual, remote_fingerprint_value_)) {
    return "remote certificate fingerprint mismatch";
  }
  return nullptr;
}

void DtlsTransport::read_application_data() {
  for (;;) {
    ERR_clear_error();
    const int read =
        SSL_read(ssl_.get(), read_buffer_.data(), static_cast<int>(read_buffer_.size()));
    if (read > 0) {
      listener_.on_dtls_data(std::span(read_buffer_.data(), static_cast<std::size_t>(read)));
      continue;
    }
    const int error = SSL_get_error(ssl_.get(), read);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      ERR_clear_error();
      return;
    }
    if (error == SSL_ERROR_ZERO_RETURN) {
      // close_notify from the peer: answer with ours (RFC 5246 §7.2.1) and stop.
      SSL_shutdown(ssl_.get());
      ERR_clear_error();
      flush_datagrams();
      state_ = DtlsState::Closed;
      next_timeout_.reset();
      listener_.on_dtls_closed();
      return;
    }
    flush_datagrams();
    fail_from_openssl("connection failed");
    return;
  }
}

void DtlsTransport::flush_datagrams() {
  for (const auto& datagram : pipe_->take_datagrams()) listener_.on_dtls_send(datagram);
}

void DtlsTransport::update_timeout(TimeMs now) {
  timeval left{};
  if ((state_ == DtlsState::Connecting || state_ == DtlsState::Connected) &&
      SSL_ctrl(ssl_.get(), DTLS_CTRL_GET_TIMEOUT, 0, &left) > 0) {
    const TimeMs left_ms =
        static_cast<TimeMs>(left.tv_sec) * 1000 + (static_cast<TimeMs>(left.tv_usec) + 999) / 1000;
    next_timeout_ = now + left_ms;
  } else {
    next_timeout_.reset();
  }
}

void DtlsTransport::fail(std::string_view reason) {
  if (state_ == DtlsState::Failed || state_ == DtlsState::Closed) return;
  state_ = DtlsState::Failed;
  next_timeout_.reset();
  listener_.on_dtls_failed(reason);
}

void DtlsTransport::fail_from_openssl(std::string_view what) {
  // The earliest queued error is the cause; later ones are consequences.
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  if (reason == nullptr) {
    fail(what);
    return;
  }
  fail(std::string(what) + ": " + reason);
}

}  // namespace bailanys::rtc::dtls
