#include "rtc/srtp/openssl_srtp_session.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <new>

namespace bailanys::rtc::srtp {

namespace {

constexpr std::size_t kGcmTagSize = AesGcm128::kTagSize;  // RFC 7714 §14.2
constexpr std::size_t kCmTagSize = 10;                    // HMAC-SHA1-80, RFC 3711 §4.2
constexpr std::size_t kRtpFixedHeader = 12;
constexpr std::size_t kRtcpFixedHeader = 8;  // first word + sender SSRC: never encrypted
constexpr std::size_t kSrtcpIndexSize = 4;   // E flag + 31-bit SRTCP index (RFC 3711 §3.4)
constexpr std::uint32_t kEFlag = 0x80000000U;
constexpr std::uint32_t kMaxSrtcpIndex = 0x7fffffffU;
constexpr std::uint64_t kMaxRoc = 0xffffffffU;
constexpr std::uint64_t kNoIndex = ~std::uint64_t{0};

std::uint16_t read_be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
std::uint32_t read_be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}
void write_be32(std::uint8_t* p, std::uint32_t value) {
  p[0] = static_cast<std::uint8_t>(value >> 24);
  p[1] = static_cast<std::uint8_t>(value >> 16);
  p[2] = static_cast<std::uint8_t>(value >> 8);
  p[3] = static_cast<std::uint8_t>(value);
}

// The RTP header SRTP leaves in the clear (RFC 3711 §3.1): the fixed part, the CSRCs and the
// header extension. 0 when it does not fit in `packet`.
std::size_t rtp_header_size(std::span<const std::uint8_t> packet) {
  std::size_t header = kRtpFixedHeader + 4 * std::size_t{packet[0] & 0x0fU};
  if ((packet[0] & 0x10U) != 0) {
    if (header + 4 > packet.size()) return 0;
    header += 4 + 4 * std::size_t{read_be16(&packet[header + 2])};
  }
  return header <= packet.size() ? header : 0;
}

// RFC 3711 §3.3.1 and Appendix A: the 48-bit index of `seq` next to the highest index seen,
// ROC * 2^16 + SEQ with the ROC guessed from the distance to s_l. Like libsrtp, the ROC never
// goes below 0: while it is 0 a far-behind SEQ counts as ROC 0. kNoIndex past ROC 2^32 - 1
// (the keys are used up).
std::uint64_t estimate_rtp_index(bool started, std::uint64_t highest, std::uint16_t seq) {
  if (!started) return seq;
  const std::uint64_t roc = highest >> 16;
  const std::uint64_t s_l = highest & 0xffffU;
  std::uint64_t v = roc;
  if (s_l < 32768) {
    if (seq > s_l + 32768 && roc > 0) v = roc - 1;
  } else if (s_l - 32768 > seq) {
    v = roc + 1;
  }
  if (v > kMaxRoc) return kNoIndex;
  return (v << 16) | seq;
}

// RFC 7714 §8.1: (00 00 || SSRC || ROC || SEQ) XOR salt.
AesGcm128::Iv gcm_rtp_iv(std::span<const std::uint8_t> salt, std::uint32_t ssrc,
                         std::uint64_t index) {
  AesGcm128::Iv iv{};
  write_be32(&iv[2], ssrc);
  write_be32(&iv[6], static_cast<std::uint32_t>(index >> 16));
  iv[10] = static_cast<std::uint8_t>(index >> 8);
  iv[11] = static_cast<std::uint8_t>(index);
  for (std::size_t i = 0; i < iv.size(); ++i) iv[i] ^= salt[i];
  return iv;
}

// RFC 7714 §9.1: (00 00 || SSRC || 00 00 || 0 || SRTCP index) XOR salt.
AesGcm128::Iv gcm_rtcp_iv(std::span<const std::uint8_t> salt, std::uint32_t ssrc,
                          std::uint32_t index) {
  AesGcm128::Iv iv{};
  write_be32(&iv[2], ssrc);
  write_be32(&iv[8], index);
  for (std::size_t i = 0; i < iv.size(); ++i) iv[i] ^= salt[i];
  return iv;
}

// RFC 3711 §4.1.1: (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16), index 48 bits (SRTP) or
// the 31-bit SRTCP index.
AesCtr128::Iv cm_iv(std::span<const std::uint8_t> salt, std::uint32_t ssrc, std::uint64_t index) {
  AesCtr128::Iv iv{};
  for (std::size_t i = 0; i < kSrtpMaxSaltSize; ++i) iv[i] = salt[i];
  for (std::size_t i = 0; i < 4; ++i) {
    iv[4 + i] ^= static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
  }
  for (std::size_t i = 0; i < 6; ++i) {
    iv[8 + i] ^= static_cast<std::uint8_t>(index >> (40 - 8 * i));
  }
  return iv;
}

// HMAC-SHA1 of `data` || `suffix` against the 80-bit tag at `tag`, in constant time.
bool tag_matches(HmacSha1& hmac, std::span<const std::uint8_t> data,
                 std::span<const std::uint8_t> suffix, const std::uint8_t* tag) {
  HmacSha1::Digest digest{};
  return hmac.compute(data, suffix, digest) && CRYPTO_memcmp(digest.data(), tag, kCmTagSize) == 0;
}

}  // namespace

bool OpenSslSrtpSession::Keys::init(SrtpProfile profile, const SrtpSessionKeys& keys, bool seal) {
  salt = keys.salt;
  if (profile == SrtpProfile::AeadAes128Gcm) return gcm.init(keys.cipher_key, seal);
  return ctr.init(keys.cipher_key) && hmac.init(keys.auth_key);
}

std::unique_ptr<SrtpSession> OpenSslSrtpSession::create(SrtpProfile profile,
                                                        std::span<const std::uint8_t> key_and_salt,
                                                        Direction direction) {
  const std::size_t key_size = srtp_key_length(profile);
  if (key_and_salt.size() != key_size + srtp_salt_length(profile)) return nullptr;
  const auto master_key = key_and_salt.first(key_size);
  const auto master_salt = key_and_salt.subspan(key_size);
  SrtpSessionKeys rtp_keys;
  SrtpSessionKeys rtcp_keys;
  if (!derive_srtp_session_keys(profile, master_key, master_salt, false, rtp_keys) ||
      !derive_srtp_session_keys(profile, master_key, master_salt, true, rtcp_keys)) {
    return nullptr;
  }
  return create_from_session_keys(profile, rtp_keys, rtcp_keys, direction);
}

std::unique_ptr<OpenSslSrtpSession> OpenSslSrtpSession::create_from_session_keys(
    SrtpProfile profile, const SrtpSessionKeys& rtp_keys, const SrtpSessionKeys& rtcp_keys,
    Direction direction) {
  std::unique_ptr<OpenSslSrtpSession> session(new (std::nothrow)
                                                  OpenSslSrtpSession(profile, direction));
  const bool seal = direction == Direction::Outbound;
  if (!session || !session->rtp_.init(profile, rtp_keys, seal) ||
      !session->rtcp_.init(profile, rtcp_keys, seal)) {
    return nullptr;
  }
  return session;
}

OpenSslSrtpSession::~OpenSslSrtpSession() {
  // The EVP contexts wipe their key schedules when freed; the salts are ours to wipe.
  OPENSSL_cleanse(rtp_.salt.data(), rtp_.salt.size());
  OPENSSL_cleanse(rtcp_.salt.data(), rtcp_.salt.size());
}

OpenSslSrtpSession::RtpStream* OpenSslSrtpSession::rtp_stream(std::uint32_t ssrc, bool create) {
  if (cached_rtp_stream_ != nullptr && cached_rtp_ssrc_ == ssrc) return cached_rtp_stream_;
  auto it = rtp_streams_.find(ssrc);
  if (it == rtp_streams_.end()) {
    if (!create || rtp_streams_.size() >= kMaxStreams) return nullptr;
    try {
      it = rtp_streams_.try_emplace(ssrc).first;
    } catch (const std::bad_alloc&) {
      return nullptr;
    }
  }
  cached_rtp_ssrc_ = ssrc;
  cached_rtp_stream_ = &it->second;
  return cached_rtp_stream_;
}

OpenSslSrtpSession::RtcpStream* OpenSslSrtpSession::rtcp_stream(std::uint32_t ssrc, bool create) {
  auto it = rtcp_streams_.find(ssrc);
  if (it == rtcp_streams_.end()) {
    if (!create || rtcp_streams_.size() >= kMaxStreams) return nullptr;
    try {
      it = rtcp_streams_.try_emplace(ssrc).first;
    } catch (const std::bad_alloc&) {
      return nullptr;
    }
  }
  return &it->second;
}

SrtpStatus OpenSslSrtpSession::run(Operation operation, std::span<std::uint8_t> buffer,
                                   std::size_t& size) {
  // SrtpSession::check_and_run has checked the direction, the fixed header, the size against
  // the buffer (at most 65536) and the room for the trailer.
  switch (operation) {
    case Operation::ProtectRtp:
      return protect_rtp_packet(buffer, size);
    case Operation::UnprotectRtp:
      return unprotect_rtp_packet(buffer, size);
    case Operation::ProtectRtcp:
      return protect_rtcp_packet(buffer, size);
    case Operation::UnprotectRtcp:
      return unprotect_rtcp_packet(buffer, size);
  }
  return SrtpStatus::Failed;
}

SrtpStatus OpenSslSrtpSession::protect_rtp_packet(std::span<std::uint8_t> buffer,
                                                  std::size_t& size) {
  const std::size_t header = rtp_header_size(buffer.first(size));
  if (header == 0) return SrtpStatus::BadPacket;
  const std::uint16_t seq = read_be16(&buffer[2]);
  const std::uint32_t ssrc = read_be32(&buffer[8]);
  RtpStream* stream = rtp_stream(ssrc, true);
  if (stream == nullptr) return SrtpStatus::Failed;
  const std::uint64_t index =
      estimate_rtp_index(stream->window.started(), stream->window.highest(), seq);
  if (index == kNoIndex) return SrtpStatus::Failed;
  // An index already used may be used again (the same packet resent for a NACK); one behind
  // the window may not.
  if (stream->window.check(index) == SrtpStatus::ReplayOld) return SrtpStatus::ReplayOld;

  const auto payload = buffer.subspan(header, size - header);
  if (gcm()) {
    const auto tag = buffer.subspan(size).first<kGcmTagSize>();
    if (!rtp_.gcm.seal(gcm_rtp_iv(rtp_.salt, ssrc, index), buffer.first(header), {}, payload,
                       tag)) {
      return SrtpStatus::Failed;
    }
    size += kGcmTagSize;
  } else {
    if (!rtp_.ctr.apply(cm_iv(rtp_.salt, ssrc, index), payload)) return SrtpStatus::Failed;
    // RFC 3711 §4.2: the tag covers the packet and then the ROC, which is not sent.
    std::array<std::uint8_t, 4> roc{};
    write_be32(roc.data(), static_cast<std::uint32_t>(index >> 16));
    HmacSha1::Digest digest{};
    if (!rtp_.hmac.compute(buffer.first(size), roc, digest)) return SrtpStatus::Failed;
    std::copy_n(digest.begin(), kCmTagSize, buffer.begin() + static_cast<std::ptrdiff_t>(size));
    size += kCmTagSize;
  }
  stream->window.accept(index);
  return SrtpStatus::Ok;
}

SrtpStatus OpenSslSrtpSession::unprotect_rtp_packet(std::span<std::uint8_t> buffer,
                                                    std::size_t& size) {
  const std::size_t tag_size = gcm() ? kGcmTagSize : kCmTagSize;
  if (size < kRtpFixedHeader + tag_size) return SrtpStatus::BadPacket;
  const std::size_t body = size - tag_size;  // header + payload
  const std::size_t header = rtp_header_size(buffer.first(body));
  if (header == 0) return SrtpStatus::BadPacket;
  const std::uint16_t seq = read_be16(&buffer[2]);
  const std::uint32_t ssrc = read_be32(&buffer[8]);
  // A stream is only made for an SSRC once one of its packets has been authenticated.
  RtpStream* stream = rtp_stream(ssrc, false);
  const std::uint64_t index = stream == nullptr ? estimate_rtp_index(false, 0, seq)
                                                : estimate_rtp_index(stream->window.started(),
                                                                     stream->window.highest(), seq);
  if (index == kNoIndex) return SrtpStatus::Failed;
  if (stream != nullptr) {
    if (const SrtpStatus replay = stream->window.check(index); replay != SrtpStatus::Ok) {
      return replay;
    }
  }

  const auto payload = buffer.subspan(header, body - header);
  if (gcm()) {
    const auto tag = std::span<const std::uint8_t>(buffer).subspan(body).first<kGcmTagSize>();
    if (!rtp_.gcm.open(gcm_rtp_iv(rtp_.salt, ssrc, index), buffer.first(header), {}, payload,
                       tag)) {
      return SrtpStatus::AuthFailed;
    }
  } else {
    std::array<std::uint8_t, 4> roc{};
    write_be32(roc.data(), static_cast<std::uint32_t>(index >> 16));
    if (!tag_matches(rtp_.hmac, buffer.first(body), roc, &buffer[body])) {
      return SrtpStatus::AuthFailed;
    }
    if (!rtp_.ctr.apply(cm_iv(rtp_.salt, ssrc, index), payload)) return SrtpStatus::Failed;
  }
  if (stream == nullptr) stream = rtp_stream(ssrc, true);
  if (stream == nullptr) return SrtpStatus::Failed;
  stream->window.accept(index);
  size = body;
  return SrtpStatus::Ok;
}

SrtpStatus OpenSslSrtpSession::protect_rtcp_packet(std::span<std::uint8_t> buffer,
                                                   std::size_t& size) {
  const std::uint32_t ssrc = read_be32(&buffer[4]);
  RtcpStream* stream = rtcp_stream(ssrc, true);
  if (stream == nullptr) return SrtpStatus::Failed;
  if (stream->last_index >= kMaxSrtcpIndex) return SrtpStatus::Failed;  // keys used up
  const std::uint32_t index = stream->last_index + 1;  // the first SRTCP index is 1, as libsrtp
  std::array<std::uint8_t, kSrtcpIndexSize> e_and_index{};
  write_be32(e_and_index.data(), kEFlag | index);

  const auto body = buffer.subspan(kRtcpFixedHeader, size - kRtcpFixedHeader);
  if (gcm()) {
    // RFC 7714 §9: header | ciphertext | tag | E + index, the index also in the AAD.
    const auto tag = buffer.subspan(size).first<kGcmTagSize>();
    if (!rtcp_.gcm.seal(gcm_rtcp_iv(rtcp_.salt, ssrc, index), buffer.first(kRtcpFixedHeader),
                        e_and_index, body, tag)) {
      return SrtpStatus::Failed;
    }
    std::copy(e_and_index.begin(), e_and_index.end(),
              buffer.begin() + static_cast<std::ptrdiff_t>(size + kGcmTagSize));
    size += kGcmTagSize + kSrtcpIndexSize;
  } else {
    // RFC 3711 §3.4: header | ciphertext | E + index | tag over all that came before.
    if (!rtcp_.ctr.apply(cm_iv(rtcp_.salt, ssrc, index), body)) return SrtpStatus::Failed;
    std::copy(e_and_index.begin(), e_and_index.end(),
              buffer.begin() + static_cast<std::ptrdiff_t>(size));
    size += kSrtcpIndexSize;
    HmacSha1::Digest digest{};
    if (!rtcp_.hmac.compute(buffer.first(size), {}, digest)) return SrtpStatus::Failed;
    std::copy_n(digest.begin(), kCmTagSize, buffer.begin() + static_cast<std::ptrdiff_t>(size));
    size += kCmTagSize;
  }
  stream->last_index = index;
  return SrtpStatus::Ok;
}

SrtpStatus OpenSslSrtpSession::unprotect_rtcp_packet(std::span<std::uint8_t> buffer,
                                                     std::size_t& size) {
  const std::size_t tag_size = gcm() ? kGcmTagSize : kCmTagSize;
  if (size < kRtcpFixedHeader + kSrtcpIndexSize + tag_size) return SrtpStatus::BadPacket;
  const std::size_t body_end = size - kSrtcpIndexSize - tag_size;
  // GCM: ... | tag | E+index. AES-CM: ... | E+index | tag.
  const std::size_t index_at = gcm() ? size - kSrtcpIndexSize : body_end;
  const std::size_t tag_at = gcm() ? body_end : size - kCmTagSize;
  const std::uint32_t e_and_index = read_be32(&buffer[index_at]);
  const std::uint32_t index = e_and_index & kMaxSrtcpIndex;
  const bool encrypted = (e_and_index & kEFlag) != 0;
  const std::uint32_t ssrc = read_be32(&buffer[4]);
  RtcpStream* stream = rtcp_stream(ssrc, false);
  if (stream != nullptr) {
    if (const SrtpStatus replay = stream->window.check(index); replay != SrtpStatus::Ok) {
      return replay;
    }
  }

  const auto body = buffer.subspan(kRtcpFixedHeader, body_end - kRtcpFixedHeader);
  const auto index_bytes = std::span<const std::uint8_t>(buffer).subspan(index_at, 4);
  if (gcm()) {
    const auto tag = std::span<const std::uint8_t>(buffer).subspan(tag_at).first<kGcmTagSize>();
    const auto iv = gcm_rtcp_iv(rtcp_.salt, ssrc, index);
    // Unencrypted SRTCP (E = 0, RFC 7714 §9.2): everything before the tag is AAD.
    const bool ok = encrypted
                        ? rtcp_.gcm.open(iv, buffer.first(kRtcpFixedHeader), index_bytes, body, tag)
                        : rtcp_.gcm.open(iv, buffer.first(body_end), index_bytes, {}, tag);
    if (!ok) return SrtpStatus::AuthFailed;
  } else {
    if (!tag_matches(rtcp_.hmac, buffer.first(tag_at), {}, &buffer[tag_at])) {
      return SrtpStatus::AuthFailed;
    }
    if (encrypted && !rtcp_.ctr.apply(cm_iv(rtcp_.salt, ssrc, index), body)) {
      return SrtpStatus::Failed;
    }
  }
  if (stream == nullptr) stream = rtcp_stream(ssrc, true);
  if (stream == nullptr) return SrtpStatus::Failed;
  stream->window.accept(index);
  size = body_end;
  return SrtpStatus::Ok;
}

}  // namespace bailanys::rtc::srtp
