// Small accessors over the parsed description: codec parameters, names, and the
// session/media fallback for ICE and DTLS parameters.
#include "sdp/session_description.hpp"

#include "sdp/sdp_text.hpp"

namespace bailanys::sdp {

std::optional<std::string> fmtp_parameter(const Codec& codec, std::string_view key) {
  for (const auto pair : detail::split(codec.fmtp, ';')) {
    const auto [name, value] = detail::split_once(pair, '=');
    if (detail::iequals(detail::trim_spaces(name), key)) {
      return std::string(detail::trim_spaces(value));
    }
  }
  return std::nullopt;
}

std::optional<std::uint8_t> rtx_apt(const Codec& codec) {
  if (!detail::iequals(codec.name, "rtx")) return std::nullopt;
  const auto apt = fmtp_parameter(codec, "apt");
  if (!apt) return std::nullopt;
  const auto pt = detail::parse_decimal(*apt, 127);
  if (!pt) return std::nullopt;
  return static_cast<std::uint8_t>(*pt);
}

TransportParams transport_params(const SessionDescription& session, const MediaSection& media) {
  // RFC 8839 §5.4 and RFC 8842 §5: a media-level value overrides the session-level one.
  TransportParams params;
  params.ice_ufrag = media.ice_ufrag.value_or(session.ice_ufrag.value_or(""));
  params.ice_pwd = media.ice_pwd.value_or(session.ice_pwd.value_or(""));
  params.fingerprint = media.fingerprint ? media.fingerprint : session.fingerprint;
  params.setup = media.setup ? media.setup : session.setup;
  return params;
}

std::string_view to_string(Direction direction) {
  switch (direction) {
    case Direction::SendRecv:
      return "sendrecv";
    case Direction::SendOnly:
      return "sendonly";
    case Direction::RecvOnly:
      return "recvonly";
    case Direction::Inactive:
      return "inactive";
  }
  return "sendrecv";
}

std::string_view to_string(SetupRole role) {
  switch (role) {
    case SetupRole::ActPass:
      return "actpass";
    case SetupRole::Active:
      return "active";
    case SetupRole::Passive:
      return "passive";
  }
  return "actpass";
}

std::string_view to_string(MediaKind kind) {
  switch (kind) {
    case MediaKind::Audio:
      return "audio";
    case MediaKind::Video:
      return "video";
    case MediaKind::Application:
      return "application";
    case MediaKind::Other:
      return "other";
  }
  return "other";
}

}  // namespace bailanys::sdp
