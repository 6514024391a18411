// A validated, non-owning view over one RTP packet (RFC 3550 §5.1) with its header
// extensions (RFC 8285). Parsing and rewriting never allocate: the SFU parses every
// packet it forwards and rewrites SSRC/sequence/timestamp in the caller's buffer.
//
// Including this header also brings in the demux helpers, the negotiated header
// extension helpers and the packet builder, so one include gives the whole RTP API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "rtc/rtp/demux.hpp"
#include "rtc/rtp/header_extensions.hpp"
#include "rtc/rtp/rtp_packet_builder.hpp"

namespace bailanys::rtc::rtp {

// Why RtpPacket::parse dropped a packet; one counter per value in the caller.
enum class RtpRejectReason : std::uint8_t {
  None,
  TooShort,                // shorter than the 12-byte fixed header
  BadVersion,              // version field is not 2
  CsrcOverrun,             // CSRC list runs past the end
  ExtensionHeaderOverrun,  // X bit set but no room for the 4-byte extension header
  ExtensionOverrun,        // extension length runs past the end
  BadExtensionElement,     // an RFC 8285 element runs past the extension block
  BadPadding,              // P bit set with a zero count or a count larger than the body
};
std::string_view to_string(RtpRejectReason reason);

// How the header extension block is encoded (RFC 8285 §4.2, §4.3).
enum class ExtensionForm : std::uint8_t { None, OneByte, TwoByte, Other };

// One element of the extension block, as seen by RtpPacket::next_extension.
struct ExtensionElement {
  std::uint8_t id = 0;
  std::span<const std::uint8_t> value;
};

class RtpPacket {
 public:
  // nullopt on malformed packets (version != 2, overruns, bad padding, bad extensions).
  static std::optional<RtpPacket> parse(std::span<std::uint8_t> packet);
  static std::optional<RtpPacket> parse(std::span<std::uint8_t> packet, RtpRejectReason& reason);

  [[nodiscard]] std::uint8_t payload_type() const { return data_[1] & 0x7F; }
  [[nodiscard]] bool marker() const { return (data_[1] & 0x80) != 0; }
  [[nodiscard]] std::uint16_t sequence() const;
  [[nodiscard]] std::uint32_t timestamp() const;
  [[nodiscard]] std::uint32_t ssrc() const;
  [[nodiscard]] std::size_t csrc_count() const { return data_[0] & 0x0F; }
  // CSRC number `index` (< csrc_count()).
  [[nodiscard]] std::uint32_t csrc(std::size_t index) const;
  // Fixed header + CSRCs + extension block: where the payload starts.
  [[nodiscard]] std::size_t header_size() const { return header_size_; }
  [[nodiscard]] std::size_t padding_size() const { return padding_size_; }
  [[nodiscard]] std::size_t size() const { return data_.size(); }

  // The payload without padding.
  [[nodiscard]] std::span<const std::uint8_t> payload() const;
  [[nodiscard]] std::span<std::uint8_t> mutable_payload() const;

  [[nodiscard]] ExtensionForm extension_form() const { return form_; }
  // The first element with this id; empty when absent (two-byte form may also carry
  // present-but-empty values: use has_extension to tell them apart).
  [[nodiscard]] std::span<const std::uint8_t> extension(std::uint8_t id) const;
  [[nodiscard]] bool has_extension(std::uint8_t id) const;
  // Walks the extension elements in wire order, skipping padding. Start with
  // cursor = 0; returns false after the last element.
  bool next_extension(std::size_t& cursor, ExtensionElement& element) const;

  void set_payload_type(std::uint8_t payload_type);
  void set_marker(bool marker);
  void set_sequence(std::uint16_t sequence);
  void set_timestamp(std::uint32_t timestamp);
  void set_ssrc(std::uint32_t ssrc);
  // Overwrites an extension value in place; false when absent or of a different size.
  bool set_extension(std::uint8_t id, std::span<const std::uint8_t> value);

  // The whole packet.
  [[nodiscard]] std::span<std::uint8_t> data() const { return data_; }

 private:
  RtpPacket() = default;
  // The first element with this id, or nullopt.
  [[nodiscard]] std::optional<ExtensionElement> find_extension(std::uint8_t id) const;

  std::span<std::uint8_t> data_;
  std::size_t header_size_ = 0;
  std::size_t padding_size_ = 0;
  // Extension elements (after the 4-byte profile/length word) as [offset, offset+size).
  std::size_t extension_offset_ = 0;
  std::size_t extension_size_ = 0;
  ExtensionForm form_ = ExtensionForm::None;
};

}  // namespace bailanys::rtc::rtp
