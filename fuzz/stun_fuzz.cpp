// libFuzzer target for rtc/stun and rtc/ice: parse arbitrary bytes, rebuild what was parsed
// with StunBuilder, and trap when the round trip disagrees; then feed the bytes to an ICE-lite
// agent (which must never crash whatever it gets).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "rtc/ice/ice_lite_agent.hpp"
#include "rtc/stun/stun_message.hpp"

namespace {

using bailanys::rtc::stun::StunBuilder;
using bailanys::rtc::stun::StunMessage;
namespace stun = bailanys::rtc::stun;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

constexpr std::uint8_t kKey[] = {'f', 'u', 'z', 'z'};

std::vector<std::uint8_t> rebuild(const StunMessage& m) {
  StunBuilder b(m.method, m.message_class, m.transaction_id);
  if (m.username) b.username(*m.username);
  if (m.priority) b.priority(*m.priority);
  if (m.use_candidate) b.use_candidate();
  if (m.ice_controlling) b.ice_controlling(*m.ice_controlling);
  if (m.ice_controlled) b.ice_controlled(*m.ice_controlled);
  if (m.xor_mapped_address) b.xor_mapped_address(*m.xor_mapped_address);
  if (m.mapped_address) b.mapped_address(*m.mapped_address);
  if (m.error_code) b.error_code(m.error_code->code, m.error_code->reason);
  if (m.software) b.software(*m.software);
  if (m.realm) b.realm(*m.realm);
  if (m.nonce) b.nonce(*m.nonce);
  if (!m.unknown_attributes.empty()) b.unknown_attributes(m.unknown_attributes);
  for (const std::uint16_t type : m.unknown_required) b.attribute(type, {});
  return b.finish(
      m.integrity_offset ? std::span<const std::uint8_t>(kKey) : std::span<const std::uint8_t>(),
      m.fingerprint_offset.has_value());
}

bool same_fields(const StunMessage& a, const StunMessage& b) {
  return a.method == b.method && a.message_class == b.message_class &&
         a.transaction_id == b.transaction_id && a.username == b.username &&
         a.priority == b.priority && a.use_candidate == b.use_candidate &&
         a.ice_controlling == b.ice_controlling && a.ice_controlled == b.ice_controlled &&
         a.xor_mapped_address == b.xor_mapped_address && a.mapped_address == b.mapped_address &&
         a.error_code == b.error_code && a.software == b.software && a.realm == b.realm &&
         a.nonce == b.nonce && a.unknown_required == b.unknown_required &&
         a.unknown_attributes == b.unknown_attributes &&
         a.integrity_offset.has_value() == b.integrity_offset.has_value() &&
         a.fingerprint_offset.has_value() == b.fingerprint_offset.has_value();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const std::uint8_t> packet(data, size);
  const auto parsed = stun::parse_stun(packet);
  if (parsed) {
    check(stun::looks_like_stun(packet));
    // The checks must be callable on anything the parser accepted.
    (void)stun::check_integrity(packet, *parsed, kKey);
    (void)stun::check_fingerprint(packet, *parsed);

    const auto built = rebuild(*parsed);
    const auto reparsed = stun::parse_stun(built);
    check(reparsed.has_value());
    check(same_fields(*parsed, *reparsed));
    if (reparsed->integrity_offset) check(stun::check_integrity(built, *reparsed, kKey));
    if (reparsed->fingerprint_offset) check(stun::check_fingerprint(built, *reparsed));
    // Building is deterministic: a second generation is byte-identical.
    check(rebuild(*reparsed) == built);
  }

  bailanys::rtc::ice::IceLiteAgent agent({"abcd", "0123456789abcdefghijkl"});
  const bailanys::rtc::ice::IcePath path{1, bailanys::SocketAddress::v4(0x7f000001, 5000), false};
  const auto outcome = agent.handle_stun(packet, path, 1000);
  if (!outcome.response.empty()) check(stun::parse_stun(outcome.response).has_value());
  (void)bailanys::rtc::ice::local_ufrag_of(packet);
  return 0;
}
