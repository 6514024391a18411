#include "rtc/ice/ice_replies.hpp"

namespace bailanys::rtc::ice {
namespace {

// Reason phrases suggested by RFC 8489 §14.8 and RFC 8445 §16.2.
std::string_view reason_phrase(int code) {
  switch (code) {
    case kBadRequest:
      return "Bad Request";
    case kUnauthorized:
      return "Unauthorized";
    case kUnknownAttribute:
      return "Unknown Attribute";
    case kRoleConflict:
      return "Role Conflict";
    default:
      return "Error";
  }
}

}  // namespace

std::vector<std::uint8_t> binding_success(const stun::TransactionId& id,
                                          const SocketAddress& mapped, std::string_view local_pwd) {
  return stun::StunBuilder(stun::kBindingMethod, stun::StunClass::SuccessResponse, id)
      .xor_mapped_address(mapped)
      .finish(stun::as_bytes(local_pwd), true);
}

std::vector<std::uint8_t> binding_error(const stun::TransactionId& id, int code,
                                        std::string_view local_pwd,
                                        std::span<const std::uint16_t> unknown) {
  stun::StunBuilder builder(stun::kBindingMethod, stun::StunClass::ErrorResponse, id);
  builder.error_code(code, reason_phrase(code));
  if (code == kUnknownAttribute) builder.unknown_attributes(unknown);
  return builder.finish(stun::as_bytes(local_pwd), true);
}

}  // namespace bailanys::rtc::ice
