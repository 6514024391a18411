#include "rtc/srtp/srtp_profile.hpp"

namespace bailanys::rtc::srtp {

namespace {
// RFC 5764 §4.1.2 and RFC 7714 §14.2.
constexpr std::uint16_t kAes128CmSha1_80Id = 0x0001;
constexpr std::uint16_t kAeadAes128GcmId = 0x0007;
}  // namespace

std::size_t srtp_key_length(SrtpProfile /*profile*/) { return 16; }

std::size_t srtp_salt_length(SrtpProfile profile) {
  return profile == SrtpProfile::AeadAes128Gcm ? 12 : 14;
}

const char* openssl_profile_name(SrtpProfile profile) {
  switch (profile) {
    case SrtpProfile::AeadAes128Gcm:
      return "SRTP_AEAD_AES_128_GCM";
    case SrtpProfile::Aes128CmSha1_80:
      return "SRTP_AES128_CM_SHA1_80";
  }
  return "";
}

const char* to_string(SrtpProfile profile) {
  switch (profile) {
    case SrtpProfile::AeadAes128Gcm:
      return "AEAD_AES_128_GCM";
    case SrtpProfile::Aes128CmSha1_80:
      return "AES_CM_128_HMAC_SHA1_80";
  }
  return "unknown";
}

std::uint16_t dtls_srtp_profile_id(SrtpProfile profile) {
  return profile == SrtpProfile::AeadAes128Gcm ? kAeadAes128GcmId : kAes128CmSha1_80Id;
}

std::optional<SrtpProfile> srtp_profile_from_id(std::uint16_t id) {
  switch (id) {
    case kAeadAes128GcmId:
      return SrtpProfile::AeadAes128Gcm;
    case kAes128CmSha1_80Id:
      return SrtpProfile::Aes128CmSha1_80;
    default:
      return std::nullopt;
  }
}

}  // namespace bailanys::rtc::srtp
