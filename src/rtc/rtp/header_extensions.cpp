#include "rtc/rtp/header_extensions.hpp"

#include <algorithm>
#include <array>

#include "common/bytes.hpp"
#include "rtc/rtp/rtp_packet.hpp"

namespace bailanys::rtc::rtp {
namespace {

std::span<const std::uint8_t> value_of(const RtpPacket& packet, std::uint8_t id) {
  return id == 0 ? std::span<const std::uint8_t>{} : packet.extension(id);
}

std::optional<std::string_view> read_sdes_text(const RtpPacket& packet, std::uint8_t id) {
  const auto value = value_of(packet, id);
  const auto end = std::find(value.begin(), value.end(), std::uint8_t{0});
  const auto length = static_cast<std::size_t>(end - value.begin());
  if (length == 0) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(value.data()), length);
}

}  // namespace

bool assign_extension_id(ExtensionIds& ids, std::string_view uri, std::uint8_t id) {
  if (id == 0) return false;
  const std::array<std::pair<std::string_view, std::uint8_t ExtensionIds::*>, 9> table{{
      {kMidUri, &ExtensionIds::mid},
      {kRidUri, &ExtensionIds::rid},
      {kRepairedRidUri, &ExtensionIds::repaired_rid},
      {kAbsSendTimeUri, &ExtensionIds::abs_send_time},
      {kTransportCcUri, &ExtensionIds::transport_cc},
      {kAudioLevelUri, &ExtensionIds::audio_level},
      {kVideoOrientationUri, &ExtensionIds::video_orientation},
      {kPlayoutDelayUri, &ExtensionIds::playout_delay},
      {kDependencyDescriptorUri, &ExtensionIds::dependency_descriptor},
  }};
  for (const auto& [known, field] : table) {
    if (known == uri) {
      ids.*field = id;
      return true;
    }
  }
  return false;
}

std::optional<std::string_view> read_mid(const RtpPacket& packet, const ExtensionIds& ids) {
  return read_sdes_text(packet, ids.mid);
}
std::optional<std::string_view> read_rid(const RtpPacket& packet, const ExtensionIds& ids) {
  return read_sdes_text(packet, ids.rid);
}
std::optional<std::string_view> read_repaired_rid(const RtpPacket& packet,
                                                  const ExtensionIds& ids) {
  return read_sdes_text(packet, ids.repaired_rid);
}

std::optional<std::uint32_t> read_abs_send_time(const RtpPacket& packet,
                                                const ExtensionIds& ids) {
  const auto value = value_of(packet, ids.abs_send_time);
  if (value.size() != 3) return std::nullopt;
  return load_be24(value.data());
}

bool write_abs_send_time(RtpPacket& packet, const ExtensionIds& ids, std::uint32_t value) {
  if (ids.abs_send_time == 0) return false;
  std::array<std::uint8_t, 3> bytes{};
  store_be24(bytes.data(), value & 0xFFFFFF);
  return packet.set_extension(ids.abs_send_time, bytes);
}

std::optional<std::uint16_t> read_transport_cc(const RtpPacket& packet,
                                               const ExtensionIds& ids) {
  const auto value = value_of(packet, ids.transport_cc);
  if (value.size() != 2) return std::nullopt;
  return load_be16(value.data());
}

bool write_transport_cc(RtpPacket& packet, const ExtensionIds& ids, std::uint16_t seq) {
  if (ids.transport_cc == 0) return false;
  std::array<std::uint8_t, 2> bytes{};
  store_be16(bytes.data(), seq);
  return packet.set_extension(ids.transport_cc, bytes);
}

std::optional<AudioLevel> read_audio_level(const RtpPacket& packet, const ExtensionIds& ids) {
  // RFC 6464 §3: V bit, then the level in -dBov. Some senders pad the value, so only
  // the first byte counts.
  const auto value = value_of(packet, ids.audio_level);
  if (value.empty()) return std::nullopt;
  return AudioLevel{(value[0] & 0x80) != 0, static_cast<std::uint8_t>(value[0] & 0x7F)};
}

std::optional<VideoOrientation> read_video_orientation(const RtpPacket& packet,
                                                       const ExtensionIds& ids) {
  // TS 26.114 §7.4.5: bits 0 0 0 0 C F R1 R0.
  const auto value = value_of(packet, ids.video_orientation);
  if (value.size() != 1) return std::nullopt;
  return VideoOrientation{(value[0] & 0x08) != 0, (value[0] & 0x04) != 0,
                          static_cast<std::uint16_t>((value[0] & 0x03) * 90)};
}

std::optional<PlayoutDelay> read_playout_delay(const RtpPacket& packet,
                                               const ExtensionIds& ids) {
  const auto value = value_of(packet, ids.playout_delay);
  if (value.size() != 3) return std::nullopt;
  const std::uint32_t both = load_be24(value.data());
  return PlayoutDelay{static_cast<std::uint16_t>((both >> 12) * 10),
                      static_cast<std::uint16_t>((both & 0xFFF) * 10)};
}

}  // namespace bailanys::rtc::rtp
