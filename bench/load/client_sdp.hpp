// The SDP a synthetic participant writes and reads, with src/sdp's parser and serializer:
// - the publish offer (sendonly Opus/111 + VP8/96, a=ssrc, mids "0" and "1", BUNDLE,
//   a=setup:actpass, our ICE credentials and certificate fingerprint), like a browser's;
// - the answer to a subscribe offer (recvonly where the server sends, inactive elsewhere, same
//   mids and BUNDLE group, codecs and header extensions as offered, a=setup:active: we are
//   the DTLS client);
// - what we need from the server's SDP: its ICE credentials, fingerprint and UDP candidate, the
//   SSRCs (and RTX SSRCs) of each track it offers.
#pragma once

#include "client_transport.hpp"
#include "sdp/session_description.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bailanys::load {

struct LocalSdp {
  rtc::ice::IceCredentials ice;
  std::string fingerprint_sha256;
};

// Header extension ids we offer when publishing (Chromium's numbers).
inline constexpr std::uint8_t kAudioLevelId = 1;
inline constexpr std::uint8_t kMidId = 4;
inline constexpr std::uint8_t kRidId = 10;  // simulcast only
inline constexpr std::uint8_t kOpusPt = 111;
inline constexpr std::uint8_t kVp8Pt = 96;
inline constexpr const char* kAudioMid = "0";
inline constexpr const char* kVideoMid = "1";

struct PublishStreams {
  std::uint32_t audio_ssrc = 0;  // 0: no audio track
  std::uint32_t video_ssrc = 0;  // 0: no video track
  std::string cname;
  // Simulcast (RFC 8853): the video m-section sends these rids, lowest first, with
  // `a=simulcast:send q;h;f`, the RID header extension and no a=ssrc (as Chromium does).
  std::vector<std::string> video_rids;
};

struct PublishOffer {
  std::string sdp;
  std::map<std::string, std::string> sources;  // mid -> "mic" / "camera" (media.publish tracks)
};

PublishOffer make_publish_offer(const LocalSdp& local, const PublishStreams& streams,
                                std::uint64_t session_id);

// What the server accepted of our publish offer.
struct PublishNegotiated {
  bool audio = false, video = false;
  std::uint8_t audio_level_id = 0;  // 0: not accepted
  std::uint8_t mid_id = 0;
  std::uint8_t rid_id = 0;  // simulcast: the RID header extension, 0 = not accepted
};
std::optional<PublishNegotiated> read_publish_answer(const sdp::SessionDescription& answer,
                                                     const PublishStreams& streams, std::string& error);

// The server's ICE/DTLS parameters and its UDP candidate (the first one we can reach).
// `expect_setup` is the a=setup the server must have written (passive in an answer to us,
// actpass in its own offer), so that we are the DTLS client.
std::optional<RemoteTransport> read_remote_transport(const sdp::SessionDescription& description,
                                                     sdp::SetupRole expect_setup, std::string& error);

// One track the server sends us, from its subscribe offer.
struct ReceiveTrack {
  std::string mid;
  bool video = false;
  std::uint32_t ssrc = 0;
  std::optional<std::uint32_t> rtx_ssrc;  // FID group (RFC 4588 §8.7)
};
struct ReceiveLayout {
  std::vector<ReceiveTrack> tracks;        // active m-sections only
  std::map<std::uint8_t, std::uint8_t> rtx_apt;  // RTX payload type -> its primary's
  std::uint8_t transport_cc_id = 0;  // transport-wide sequence numbers (we answer with feedback)
};
ReceiveLayout read_receive_layout(const sdp::SessionDescription& offer);

std::string make_subscribe_answer(const sdp::SessionDescription& offer, const LocalSdp& local,
                                  std::uint64_t session_id, std::uint64_t version);

}  // namespace bailanys::load
