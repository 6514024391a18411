// The browser's ICE and DTLS parameters from its SDP, as a WebRtcTransport takes them. Our DTLS
// role follows the browser's a=setup (RFC 8842 §5): passive makes us the client, anything else
// (active, as browsers answer) the server.
#pragma once

#include "rtc/transport/webrtc_transport.hpp"
#include "sdp/session_description.hpp"

namespace bailanys::sfu {

inline rtc::transport::RemoteParameters remote_parameters(const sdp::TransportParams& remote) {
  rtc::transport::RemoteParameters out;
  out.ice = {remote.ice_ufrag, remote.ice_pwd};
  if (remote.fingerprint) {
    out.fingerprint_algorithm = remote.fingerprint->algorithm;
    out.fingerprint_value = remote.fingerprint->value;
  }
  out.dtls_role = remote.setup == sdp::SetupRole::Passive ? rtc::dtls::DtlsRole::Client
                                                          : rtc::dtls::DtlsRole::Server;
  return out;
}

}  // namespace bailanys::sfu
