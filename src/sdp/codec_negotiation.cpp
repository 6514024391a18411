#include "sdp/codec_negotiation.hpp"

#include <algorithm>
#include <set>

#include "sdp/sdp_text.hpp"

namespace bailanys::sdp {
namespace {

// H.264 packetization-mode 0 (single NAL unit) cannot carry the large frames browsers
// produce without the SFU re-packetizing; only mode 1 (RFC 6184 §8.1) is forwarded.
bool usable(const Codec& codec) {
  if (!detail::iequals(codec.name, "H264")) return true;
  const auto mode = fmtp_parameter(codec, "packetization-mode");
  return mode && *mode == "1";
}

Codec with_policy_feedback(Codec codec, const CodecPolicy& policy) {
  std::vector<std::string> kept;
  for (auto& fb : codec.feedback) {
    const bool allowed = std::any_of(policy.feedback.begin(), policy.feedback.end(),
                                     [&](const std::string& p) { return detail::iequals(p, fb); });
    const bool repeated = std::find(kept.begin(), kept.end(), fb) != kept.end();
    if (allowed && !repeated) kept.push_back(std::move(fb));
  }
  codec.feedback = std::move(kept);
  return codec;
}

std::string mirrored(const std::string& direction) {
  if (direction == "sendonly") return "recvonly";
  if (direction == "recvonly") return "sendonly";
  return direction;
}

}  // namespace

std::vector<Codec> select_codecs(const MediaSection& offered, const CodecPolicy& policy) {
  const std::vector<std::string>* names = nullptr;
  if (offered.kind == MediaKind::Audio) names = &policy.audio;
  if (offered.kind == MediaKind::Video) names = &policy.video;
  if (names == nullptr) return {};

  std::vector<Codec> selected;
  std::set<std::uint8_t> taken;
  for (const auto& name : *names) {
    if (detail::iequals(name, "rtx")) continue;  // RTX follows its primary, never alone
    for (const auto& codec : offered.codecs) {
      if (!detail::iequals(codec.name, name) || !usable(codec)) continue;
      if (!taken.insert(codec.payload_type).second) continue;
      selected.push_back(with_policy_feedback(codec, policy));
      if (!policy.accept_rtx) continue;
      for (const auto& rtx : offered.codecs) {
        if (rtx_apt(rtx) == codec.payload_type && taken.insert(rtx.payload_type).second) {
          selected.push_back(with_policy_feedback(rtx, policy));
          break;  // one RTX stream per primary
        }
      }
    }
  }
  return selected;
}

std::vector<Extmap> select_extmaps(const MediaSection& offered, const CodecPolicy& policy) {
  std::vector<Extmap> selected;
  for (const auto& extmap : offered.extmaps) {
    const bool allowed = std::find(policy.extension_uris.begin(), policy.extension_uris.end(),
                                   extmap.uri) != policy.extension_uris.end();
    if (!allowed) continue;
    Extmap answered = extmap;
    answered.direction = mirrored(extmap.direction);
    selected.push_back(std::move(answered));
  }
  return selected;
}

}  // namespace bailanys::sdp
