// Small text helpers shared by the SDP parser, serializer and negotiation.
// Internal to src/sdp; everything here is total (never throws, never reads out of range).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bailanys::sdp::detail {

// Splits on `separator`, dropping empty pieces ("a  b" → {"a","b"}).
std::vector<std::string_view> split(std::string_view text, char separator);
// Splits once at the first `separator`: {"key", "rest"}; rest empty when absent.
std::pair<std::string_view, std::string_view> split_once(std::string_view text, char separator);
std::string_view trim_spaces(std::string_view text);  // ASCII space and tab only

// Decimal without sign or spaces that fits `max`; leading zeros allowed.
std::optional<std::uint64_t> parse_decimal(std::string_view text, std::uint64_t max);

// Joins the space-separated words of `text` with single spaces ("a  b " → "a b").
std::string join_words(std::string_view text);
// True for RTP transport protocols ("UDP/TLS/RTP/SAVPF", "RTP/AVP"): one part is "RTP".
bool is_rtp_protocol(std::string_view protocol);

bool iequals(std::string_view a, std::string_view b);  // ASCII case-insensitive
// RFC 8866 §9 token-char: printable ASCII except space and a few separators.
bool is_token(std::string_view text);
// RFC 8839 §5.1 ice-char: ALPHA / DIGIT / "+" / "/".
bool is_ice_chars(std::string_view text);
// RFC 8851 §10 rid-id: ALPHA / DIGIT / "-" / "_".
bool is_rid_id(std::string_view text);

}  // namespace bailanys::sdp::detail
