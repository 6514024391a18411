// libFuzzer target for the SDP parser, serializer and answer generation.
// Invariants (a violation traps): whatever parses serializes to text that parses back to
// the same structure and serializes identically; a candidate line round-trips; an
// answer built from any parsed offer serializes to text that parses back to itself.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sdp/answer.hpp"
#include "sdp/attributes.hpp"
#include "sdp/session_description.hpp"

namespace {

using namespace bailanys::sdp;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

void check_round_trip(const SessionDescription& description) {
  const std::string text = serialize_sdp(description);
  const auto again = parse_sdp(text);
  check(again.description.has_value());
  check(*again.description == description);
  check(serialize_sdp(*again.description) == text);
}

void check_answer(const SessionDescription& offer) {
  AnswerOptions options;
  options.transport.ice_ufrag = "fuzz";
  options.transport.ice_pwd = "fuzzfuzzfuzzfuzzfuzzfu";
  options.transport.fingerprint = {"sha-256", "AA:BB:CC"};
  options.transport.candidates.push_back(
      *parse_candidate("candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host"));
  options.accept_data_channel = offer.session_id % 2 == 0;
  options.direction = [](const MediaSection& m) {
    return m.mid.size() % 2 == 0 ? Direction::SendRecv : Direction::RecvOnly;
  };
  for (const auto& m : offer.media) options.send_streams[m.mid] = {1, 2, "cname", "s", "t"};
  const auto result = create_answer(offer, options);
  check(result.answer.has_value() != !result.error.empty());
  if (!result.answer) return;
  check(result.answer->description.media.size() == offer.media.size());
  check_round_trip(result.answer->description);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = parse_sdp(text);
  check(parsed.description.has_value() == parsed.error.empty());
  if (parsed.description) {
    check_round_trip(*parsed.description);
    check_answer(*parsed.description);
  } else {
    check(parsed.error_line >= 1 || size > kMaxSdpBytes);
  }
  // The candidate and simulcast grammars on their own, with the whole input as the value.
  if (size <= kMaxLineBytes) {
    if (const auto candidate = parse_candidate(text)) {
      const auto again = parse_candidate(serialize_candidate(*candidate));
      check(again.has_value() && *again == *candidate);
    }
    if (const auto simulcast = parse_simulcast(text)) {
      const auto again = parse_simulcast(serialize_simulcast(*simulcast));
      check(again.has_value() && *again == *simulcast);
    }
  }
  return 0;
}
