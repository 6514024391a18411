// libFuzzer target for rtc/rtcp: the header walker, parse_rtcp, and a serialize ->
// parse round trip that must give back the same packets and the same bytes.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "rtc/rtcp/rtcp_header.hpp"
#include "rtc/rtcp/rtcp_packets.hpp"

namespace {

using namespace bailanys::rtc::rtcp;

void check(bool invariant) {
  if (!invariant) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);

  // The walker covers the input exactly when it reports no error.
  RtcpCompoundReader reader(input);
  std::size_t covered = 0;
  std::size_t count = 0;
  while (const auto header = reader.next()) {
    check(header->offset == covered && header->size >= 4 && header->size % 4 == 0);
    check(header->body.size() + 4 <= header->size);
    covered += header->size;
    ++count;
  }
  const bool framing_ok = reader.error() == RtcpRejectReason::None;
  check(!framing_ok || covered == size);

  RtcpRejectReason why = RtcpRejectReason::None;
  const auto parsed = parse_rtcp(input, why);
  check(parsed.has_value() == (why == RtcpRejectReason::None));
  if (!parsed) return 0;
  check(framing_ok && parsed->size() == count && count > 0);

  // Everything parse produces can be written, and writing is a fixed point.
  const auto bytes = serialize_rtcp(*parsed);
  check(!bytes.empty());
  const auto again = parse_rtcp(bytes);
  check(again.has_value() && *again == *parsed);
  check(serialize_rtcp(*again) == bytes);
  return 0;
}
