// SrtpSession written from the RFCs on OpenSSL EVP (--srtp-backend openssl, the default):
//   AEAD_AES_128_GCM: RFC 7714 §8 (SRTP: IV from SSRC, ROC and SEQ; the RTP header is the AAD;
//     16-byte tag) and §9 (SRTCP: the first 8 octets and the E flag + index are the AAD; the
//     index follows the tag).
//   AES_CM_128_HMAC_SHA1_80: RFC 3711 §4.1.1 AES-CM, §4.2 HMAC-SHA1 over the packet and the ROC,
//     80-bit tag; SRTCP with E flag and index (§3.4) before the tag.
//   Session keys from RFC 3711 §4.3 (srtp_kdf.hpp); ROC tracking and index estimation of
//   RFC 3711 §3.3.1 / Appendix A per SSRC; replay lists of 1024 SRTP and 128 SRTCP indexes per
//   SSRC (srtp_replay_window.hpp). The outbound side keeps the same per-SSRC state, so a packet
//   may be protected again (retransmission) but not once it has fallen behind the window,
//   exactly like libsrtp with allow_repeat_tx.
// Every EVP context is made and keyed once, at create.
#pragma once

#include "rtc/srtp/openssl_srtp_crypto.hpp"
#include "rtc/srtp/srtp_kdf.hpp"
#include "rtc/srtp/srtp_replay_window.hpp"
#include "rtc/srtp/srtp_session.hpp"

#include <unordered_map>

namespace bailanys::rtc::srtp {

class OpenSslSrtpSession final : public SrtpSession {
 public:
  static constexpr std::size_t kRtpReplayWindow = 1024;
  static constexpr std::size_t kRtcpReplayWindow = 128;

  // Called by SrtpSession::create, which has checked the key length.
  static std::unique_ptr<SrtpSession> create(SrtpProfile profile,
                                             std::span<const std::uint8_t> key_and_salt,
                                             Direction direction);
  // From session keys directly, skipping the key derivation: for the RFC 7714 test vectors,
  // which give session keys.
  static std::unique_ptr<OpenSslSrtpSession> create_from_session_keys(
      SrtpProfile profile, const SrtpSessionKeys& rtp_keys, const SrtpSessionKeys& rtcp_keys,
      Direction direction);

  ~OpenSslSrtpSession() override;
  OpenSslSrtpSession(const OpenSslSrtpSession&) = delete;
  OpenSslSrtpSession& operator=(const OpenSslSrtpSession&) = delete;

  [[nodiscard]] SrtpBackend backend() const override { return SrtpBackend::OpenSsl; }

 private:
  // The cipher state of SRTP or of SRTCP: one of GCM or CTR + HMAC, keyed for this direction.
  struct Keys {
    AesGcm128 gcm;
    AesCtr128 ctr;
    HmacSha1 hmac;
    std::array<std::uint8_t, kSrtpMaxSaltSize> salt{};

    bool init(SrtpProfile profile, const SrtpSessionKeys& keys, bool seal);
  };
  struct RtpStream {
    SrtpReplayWindow<kRtpReplayWindow> window;  // its highest index holds ROC and s_l
  };
  struct RtcpStream {
    std::uint32_t last_index = 0;                // outbound: the SRTCP index last sent
    SrtpReplayWindow<kRtcpReplayWindow> window;  // inbound
  };

  OpenSslSrtpSession(SrtpProfile profile, Direction direction) : SrtpSession(profile, direction) {}

  SrtpStatus run(Operation operation, std::span<std::uint8_t> buffer, std::size_t& size) override;
  SrtpStatus protect_rtp_packet(std::span<std::uint8_t> buffer, std::size_t& size);
  SrtpStatus unprotect_rtp_packet(std::span<std::uint8_t> buffer, std::size_t& size);
  SrtpStatus protect_rtcp_packet(std::span<std::uint8_t> buffer, std::size_t& size);
  SrtpStatus unprotect_rtcp_packet(std::span<std::uint8_t> buffer, std::size_t& size);

  // nullptr when the SSRC has no state yet (and `create` is false).
  RtpStream* rtp_stream(std::uint32_t ssrc, bool create);
  RtcpStream* rtcp_stream(std::uint32_t ssrc, bool create);

  [[nodiscard]] bool gcm() const { return profile() == SrtpProfile::AeadAes128Gcm; }

  Keys rtp_;
  Keys rtcp_;
  // At most this many SSRCs per direction (about 200 bytes each): a peer holding the keys
  // cannot grow the session without bound by inventing SSRCs. A room's receive offer carries at
  // most 63 tracks, each with an RTX stream.
  static constexpr std::size_t kMaxStreams = 1024;
  std::unordered_map<std::uint32_t, RtpStream> rtp_streams_;
  std::unordered_map<std::uint32_t, RtcpStream> rtcp_streams_;
  // The last SSRC looked up (element pointers of an unordered_map survive rehashing).
  std::uint32_t cached_rtp_ssrc_ = 0;
  RtpStream* cached_rtp_stream_ = nullptr;
};

}  // namespace bailanys::rtc::srtp
