#include "rtc/rtp/rtp_packet.hpp"

#include <algorithm>

#include "common/bytes.hpp"

namespace bailanys::rtc::rtp {
namespace {

constexpr std::size_t kFixedHeaderSize = 12;
constexpr std::uint16_t kOneByteProfile = 0xBEDE;
// RFC 8285 §4.3: 0x100 followed by 4 "appbits" the receiver ignores.
constexpr std::uint16_t kTwoByteProfileMask = 0xFFF0;
constexpr std::uint16_t kTwoByteProfile = 0x1000;
// RFC 8285 §4.2: id 15 in the one-byte form ends processing of the block.
constexpr std::uint8_t kOneByteStopId = 15;

ExtensionForm form_of(std::uint16_t profile) {
  if (profile == kOneByteProfile) return ExtensionForm::OneByte;
  if ((profile & kTwoByteProfileMask) == kTwoByteProfile) return ExtensionForm::TwoByte;
  return ExtensionForm::Other;
}

// Reads the element at `pos` of an extension block and moves `pos` past it.
enum class Step : std::uint8_t { Element, End, Overrun };
Step read_element(std::span<const std::uint8_t> block, ExtensionForm form, std::size_t& pos,
                  ExtensionElement& element) {
  // Padding (RFC 8285 §4.1): id 0. In the one-byte form its length nibble is ignored,
  // so one odd padding byte cannot hide the elements after it.
  const std::uint8_t padding_mask = form == ExtensionForm::OneByte ? 0xF0 : 0xFF;
  while (pos < block.size() && (block[pos] & padding_mask) == 0) ++pos;
  if (pos >= block.size()) return Step::End;
  if (form == ExtensionForm::OneByte) {
    const std::uint8_t id = block[pos] >> 4;
    if (id == kOneByteStopId) return Step::End;
    const std::size_t length = (block[pos] & 0x0F) + 1U;
    if (length > block.size() - pos - 1) return Step::Overrun;
    element = {id, block.subspan(pos + 1, length)};
    pos += 1 + length;
    return Step::Element;
  }
  if (block.size() - pos < 2) return Step::Overrun;
  const std::size_t length = block[pos + 1];
  if (length > block.size() - pos - 2) return Step::Overrun;
  element = {block[pos], block.subspan(pos + 2, length)};
  pos += 2 + length;
  return Step::Element;
}

}  // namespace

std::string_view to_string(RtpRejectReason reason) {
  switch (reason) {
    case RtpRejectReason::None: return "none";
    case RtpRejectReason::TooShort: return "rtp_too_short";
    case RtpRejectReason::BadVersion: return "rtp_bad_version";
    case RtpRejectReason::CsrcOverrun: return "rtp_csrc_overrun";
    case RtpRejectReason::ExtensionHeaderOverrun: return "rtp_extension_header_overrun";
    case RtpRejectReason::ExtensionOverrun: return "rtp_extension_overrun";
    case RtpRejectReason::BadExtensionElement: return "rtp_bad_extension_element";
    case RtpRejectReason::BadPadding: return "rtp_bad_padding";
  }
  return "unknown";
}

std::optional<RtpPacket> RtpPacket::parse(std::span<std::uint8_t> packet) {
  RtpRejectReason ignored = RtpRejectReason::None;
  return parse(packet, ignored);
}

std::optional<RtpPacket> RtpPacket::parse(std::span<std::uint8_t> packet,
                                          RtpRejectReason& reason) {
  const auto reject = [&reason](RtpRejectReason why) {
    reason = why;
    return std::nullopt;
  };
  if (packet.size() < kFixedHeaderSize) return reject(RtpRejectReason::TooShort);
  if ((packet[0] >> 6) != 2) return reject(RtpRejectReason::BadVersion);

  RtpPacket out;
  out.data_ = packet;
  std::size_t header = kFixedHeaderSize + 4 * static_cast<std::size_t>(packet[0] & 0x0F);
  if (header > packet.size()) return reject(RtpRejectReason::CsrcOverrun);

  if ((packet[0] & 0x10) != 0) {  // X bit: RFC 3550 §5.3.1
    if (packet.size() - header < 4) return reject(RtpRejectReason::ExtensionHeaderOverrun);
    const std::uint16_t profile = load_be16(&packet[header]);
    const std::size_t length = 4 * static_cast<std::size_t>(load_be16(&packet[header + 2]));
    if (length > packet.size() - header - 4) return reject(RtpRejectReason::ExtensionOverrun);
    out.form_ = form_of(profile);
    out.extension_offset_ = header + 4;
    out.extension_size_ = length;
    header += 4 + length;
    // Validate every element once so lookups later can trust the bounds.
    if (out.form_ != ExtensionForm::Other) {
      const auto block = packet.subspan(out.extension_offset_, length);
      std::size_t pos = 0;
      ExtensionElement element;
      Step step = Step::Element;
      while ((step = read_element(block, out.form_, pos, element)) == Step::Element) {
      }
      if (step == Step::Overrun) return reject(RtpRejectReason::BadExtensionElement);
    }
  }
  out.header_size_ = header;

  if ((packet[0] & 0x20) != 0) {  // P bit: RFC 3550 §5.1, the last octet counts itself
    const std::size_t padding = packet.back();
    if (padding == 0 || padding > packet.size() - header) {
      return reject(RtpRejectReason::BadPadding);
    }
    out.padding_size_ = padding;
  }
  reason = RtpRejectReason::None;
  return out;
}

std::uint16_t RtpPacket::sequence() const { return load_be16(&data_[2]); }
std::uint32_t RtpPacket::timestamp() const { return load_be32(&data_[4]); }
std::uint32_t RtpPacket::ssrc() const { return load_be32(&data_[8]); }
std::uint32_t RtpPacket::csrc(std::size_t index) const {
  return index < csrc_count() ? load_be32(&data_[kFixedHeaderSize + 4 * index]) : 0;
}

std::span<const std::uint8_t> RtpPacket::payload() const { return mutable_payload(); }

std::span<std::uint8_t> RtpPacket::mutable_payload() const {
  return data_.subspan(header_size_, data_.size() - header_size_ - padding_size_);
}

bool RtpPacket::next_extension(std::size_t& cursor, ExtensionElement& element) const {
  if (form_ == ExtensionForm::None || form_ == ExtensionForm::Other) return false;
  const auto block = data_.subspan(extension_offset_, extension_size_);
  return read_element(block, form_, cursor, element) == Step::Element;
}

std::optional<ExtensionElement> RtpPacket::find_extension(std::uint8_t id) const {
  if (id == 0) return std::nullopt;
  std::size_t cursor = 0;
  ExtensionElement element;
  while (next_extension(cursor, element)) {
    if (element.id == id) return element;
  }
  return std::nullopt;
}

std::span<const std::uint8_t> RtpPacket::extension(std::uint8_t id) const {
  const auto element = find_extension(id);
  return element ? element->value : std::span<const std::uint8_t>{};
}

bool RtpPacket::has_extension(std::uint8_t id) const { return find_extension(id).has_value(); }

void RtpPacket::set_payload_type(std::uint8_t payload_type) {
  data_[1] = static_cast<std::uint8_t>((data_[1] & 0x80) | (payload_type & 0x7F));
}
void RtpPacket::set_marker(bool marker) {
  data_[1] = static_cast<std::uint8_t>((data_[1] & 0x7F) | (marker ? 0x80 : 0));
}
void RtpPacket::set_sequence(std::uint16_t sequence) { store_be16(&data_[2], sequence); }
void RtpPacket::set_timestamp(std::uint32_t timestamp) { store_be32(&data_[4], timestamp); }
void RtpPacket::set_ssrc(std::uint32_t ssrc) { store_be32(&data_[8], ssrc); }

bool RtpPacket::set_extension(std::uint8_t id, std::span<const std::uint8_t> value) {
  const auto element = find_extension(id);
  if (!element || element->value.size() != value.size()) return false;
  const auto offset = static_cast<std::size_t>(element->value.data() - data_.data());
  std::copy(value.begin(), value.end(), data_.begin() + static_cast<std::ptrdiff_t>(offset));
  return true;
}

}  // namespace bailanys::rtc::rtp
