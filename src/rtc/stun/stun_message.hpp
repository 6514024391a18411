// STUN messages (RFC 8489): classify, parse, authenticate and build. No I/O; the packet
// path never throws: parse_stun() returns nullopt for anything malformed.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/socket_address.hpp"

namespace bailanys::rtc::stun {

using TransactionId = std::array<std::uint8_t, 12>;
enum class StunClass : std::uint8_t { Request, Indication, SuccessResponse, ErrorResponse };
constexpr std::uint16_t kBindingMethod = 0x001;

// RFC 7983 demux: first byte 0..3, length >= 20, magic cookie 0x2112A442 in bytes 4..7.
// (So methods from 0x100 up, none of them registered, are not STUN to us either.)
bool looks_like_stun(std::span<const std::uint8_t> packet);

struct StunErrorCode {
  int code = 0;  // 300..699 (§14.8)
  std::string reason;
  friend bool operator==(const StunErrorCode&, const StunErrorCode&) = default;
};

// The attributes we understand, first occurrence of each (§14: later duplicates are ignored).
// Attributes after MESSAGE-INTEGRITY other than FINGERPRINT are ignored (§14.5).
struct StunMessage {
  std::uint16_t method = 0;
  StunClass message_class = StunClass::Request;
  TransactionId transaction_id{};
  std::optional<std::string> username;
  std::optional<std::uint32_t> priority;
  bool use_candidate = false;
  std::optional<std::uint64_t> ice_controlling;
  std::optional<std::uint64_t> ice_controlled;
  std::optional<SocketAddress> xor_mapped_address;
  std::optional<SocketAddress> mapped_address;
  std::optional<StunErrorCode> error_code;
  std::optional<std::string> software, realm, nonce;
  // Comprehension-required attributes we do not know (RFC 8489 §15), without duplicates.
  std::vector<std::uint16_t> unknown_required;
  // The UNKNOWN-ATTRIBUTES attribute of a 420 response (§14.9).
  std::vector<std::uint16_t> unknown_attributes;
  std::optional<std::size_t> integrity_offset;  // offset of the MESSAGE-INTEGRITY attribute header
  std::optional<std::size_t> fingerprint_offset;  // offset of the FINGERPRINT attribute header
};

// nullopt on anything malformed (bad length, attribute overruns, attributes after FINGERPRINT,
// ...).
std::optional<StunMessage> parse_stun(std::span<const std::uint8_t> packet);

// HMAC-SHA1 per RFC 8489 §14.5 (length field adjusted to end at MESSAGE-INTEGRITY).
// Key: short-term = the password bytes. False when the message has no MESSAGE-INTEGRITY.
bool check_integrity(std::span<const std::uint8_t> packet, const StunMessage& msg,
                     std::span<const std::uint8_t> key);
// CRC-32 XOR 0x5354554e, §14.7. False when the message has no FINGERPRINT.
bool check_fingerprint(std::span<const std::uint8_t> packet, const StunMessage& msg);
// Long-term credential key MD5(username ":" realm ":" password) (§9.2.2; input already SASLprep'd).
std::vector<std::uint8_t> long_term_key(std::string_view username, std::string_view realm,
                                        std::string_view password);

// Convenience: a string's bytes as a key or attribute value.
inline std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Writes attributes in call order, each padded with zeros to four bytes (§14). An attribute
// that would push the message past 64 KiB (leaving room for MESSAGE-INTEGRITY and
// FINGERPRINT) is left out rather than producing a corrupt length field.
class StunBuilder {
 public:
  StunBuilder(std::uint16_t method, StunClass cls, const TransactionId& id);

  StunBuilder& username(std::string_view);
  StunBuilder& priority(std::uint32_t);
  StunBuilder& use_candidate();
  StunBuilder& ice_controlling(std::uint64_t);
  StunBuilder& ice_controlled(std::uint64_t);
  StunBuilder& xor_mapped_address(const SocketAddress&);
  StunBuilder& mapped_address(const SocketAddress&);
  StunBuilder& error_code(int code, std::string_view reason);
  StunBuilder& software(std::string_view);
  StunBuilder& realm(std::string_view);
  StunBuilder& nonce(std::string_view);
  StunBuilder& unknown_attributes(std::span<const std::uint16_t>);
  StunBuilder& attribute(std::uint16_t type,
                         std::span<const std::uint8_t> value);  // raw, padded to 4

  // Appends MESSAGE-INTEGRITY when key is non-empty, then FINGERPRINT when asked; returns the
  // message. The builder is left as it was, so it may be finished again (e.g. with another key).
  [[nodiscard]] std::vector<std::uint8_t> finish(std::span<const std::uint8_t> integrity_key,
                                                 bool fingerprint) const;

 private:
  std::vector<std::uint8_t> buffer_;
  TransactionId transaction_id_;
};

}  // namespace bailanys::rtc::stun
