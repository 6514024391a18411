// RTP header extensions WebRTC negotiates (a=extmap, RFC 8285 §5) and typed
// readers/writers for the ones the SFU routes or measures with.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace bailanys::rtc::rtp {

class RtpPacket;

inline constexpr std::string_view kMidUri = "urn:ietf:params:rtp-hdrext:sdes:mid";
inline constexpr std::string_view kRidUri = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
inline constexpr std::string_view kRepairedRidUri =
    "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
inline constexpr std::string_view kAbsSendTimeUri =
    "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
inline constexpr std::string_view kTransportCcUri =
    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
inline constexpr std::string_view kAudioLevelUri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
inline constexpr std::string_view kVideoOrientationUri = "urn:3gpp:video-orientation";
inline constexpr std::string_view kPlayoutDelayUri =
    "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay";
inline constexpr std::string_view kDependencyDescriptorUri =
    "https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension";

// Extension ids negotiated in the SDP (0 = not negotiated).
struct ExtensionIds {
  std::uint8_t mid = 0, rid = 0, repaired_rid = 0, abs_send_time = 0, transport_cc = 0,
               audio_level = 0, video_orientation = 0, playout_delay = 0,
               dependency_descriptor = 0;

  friend bool operator==(const ExtensionIds&, const ExtensionIds&) = default;
};

// Maps a URI to the right ExtensionIds field; returns false for URIs we do not know
// and for ids outside 1..255.
bool assign_extension_id(ExtensionIds& ids, std::string_view uri, std::uint8_t id);

// SDES items carried as extensions (RFC 8843 §15, RFC 8852 §3): text without a
// terminator; trailing NULs some senders add are cut. nullopt when absent or empty.
// The view points into the packet buffer.
std::optional<std::string_view> read_mid(const RtpPacket& packet, const ExtensionIds& ids);
std::optional<std::string_view> read_rid(const RtpPacket& packet, const ExtensionIds& ids);
std::optional<std::string_view> read_repaired_rid(const RtpPacket& packet,
                                                  const ExtensionIds& ids);

// Send time as 24-bit 6.18 fixed-point seconds (webrtc abs-send-time).
std::optional<std::uint32_t> read_abs_send_time(const RtpPacket& packet, const ExtensionIds& ids);
// Writes a 6.18 value (the low 24 bits) in place; false when the extension is absent.
bool write_abs_send_time(RtpPacket& packet, const ExtensionIds& ids, std::uint32_t value);

// Transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2).
std::optional<std::uint16_t> read_transport_cc(const RtpPacket& packet, const ExtensionIds& ids);
// Rewrites it in place (the SFU numbers what it sends on each transport itself).
bool write_transport_cc(RtpPacket& packet, const ExtensionIds& ids, std::uint16_t seq);

struct AudioLevel {
  bool voice = false;
  std::uint8_t level = 127;  // -dBov, RFC 6464 §3: 0 is loudest, 127 silence
  friend bool operator==(const AudioLevel&, const AudioLevel&) = default;
};
std::optional<AudioLevel> read_audio_level(const RtpPacket& packet, const ExtensionIds& ids);

// Coordination of video orientation (3GPP TS 26.114 §7.4.5): rotation to apply.
struct VideoOrientation {
  bool back_camera = false;
  bool horizontal_flip = false;
  std::uint16_t rotation_degrees = 0;  // 0, 90, 180 or 270, clockwise
  friend bool operator==(const VideoOrientation&, const VideoOrientation&) = default;
};
std::optional<VideoOrientation> read_video_orientation(const RtpPacket& packet,
                                                       const ExtensionIds& ids);

// Playout delay limits in milliseconds (two 12-bit values in 10 ms units).
struct PlayoutDelay {
  std::uint16_t min_ms = 0;
  std::uint16_t max_ms = 0;
  friend bool operator==(const PlayoutDelay&, const PlayoutDelay&) = default;
};
std::optional<PlayoutDelay> read_playout_delay(const RtpPacket& packet, const ExtensionIds& ids);

}  // namespace bailanys::rtc::rtp
