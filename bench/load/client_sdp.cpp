#include "client_sdp.hpp"

#include "rtc/rtp/header_extensions.hpp"

#include <algorithm>

namespace bailanys::load {

namespace {

constexpr const char* kProtocol = "UDP/TLS/RTP/SAVPF";

sdp::MediaSection base_section(sdp::MediaKind kind, std::string mid, const LocalSdp& local) {
  sdp::MediaSection m;
  m.kind = kind;
  m.kind_name = std::string(sdp::to_string(kind));
  m.port = 9;  // RFC 8840 §4.1.1: no candidate of ours in the SDP; ICE finds the path
  m.protocol = kProtocol;
  m.connection = "IN IP4 0.0.0.0";
  m.mid = std::move(mid);
  m.ice_ufrag = local.ice.ufrag;
  m.ice_pwd = local.ice.pwd;
  m.fingerprint = sdp::Fingerprint{"sha-256", local.fingerprint_sha256};
  m.rtcp_mux = true;
  m.rtcp_rsize = true;
  return m;
}

sdp::Codec codec(std::uint8_t pt, const char* name, std::uint32_t rate, std::uint8_t channels,
                 std::string fmtp, std::vector<std::string> feedback) {
  return sdp::Codec{pt, name, rate, channels, std::move(fmtp), std::move(feedback)};
}

sdp::Extmap extmap(std::uint8_t id, std::string_view uri) {
  sdp::Extmap e;
  e.id = id;
  e.uri = std::string(uri);
  return e;
}

void add_ssrc(sdp::MediaSection& m, std::uint32_t ssrc, const std::string& cname,
              const std::string& track_id) {
  m.msid = cname + " " + track_id;
  m.ssrcs.push_back(sdp::SsrcInfo{ssrc, cname, m.msid, {}});
}

}  // namespace

PublishOffer make_publish_offer(const LocalSdp& local, const PublishStreams& streams,
                                std::uint64_t session_id) {
  sdp::SessionDescription d;
  d.session_id = session_id;
  d.session_version = 2;
  d.extmap_allow_mixed = true;
  d.msid_semantic = "WMS " + streams.cname;
  PublishOffer offer;
  if (streams.audio_ssrc != 0) {
    auto m = base_section(sdp::MediaKind::Audio, kAudioMid, local);
    m.setup = sdp::SetupRole::ActPass;  // RFC 8842 §5.2: the offerer leaves the role open
    m.direction = sdp::Direction::SendOnly;
    m.codecs = {codec(kOpusPt, "opus", 48000, 2, "minptime=10;useinbandfec=1", {"transport-cc"})};
    m.extmaps = {extmap(kAudioLevelId, rtc::rtp::kAudioLevelUri), extmap(kMidId, rtc::rtp::kMidUri)};
    add_ssrc(m, streams.audio_ssrc, streams.cname, streams.cname + "-mic");
    d.bundle_mids.push_back(m.mid);
    d.media.push_back(std::move(m));
    offer.sources[kAudioMid] = "mic";
  }
  if (streams.video_ssrc != 0) {
    auto m = base_section(sdp::MediaKind::Video, kVideoMid, local);
    m.setup = sdp::SetupRole::ActPass;
    m.direction = sdp::Direction::SendOnly;
    // No RTX: the server does not NACK publishers (it answers subscribers from its own buffer).
    m.codecs = {codec(kVp8Pt, "VP8", 90000, 1, "", {"ccm fir", "nack", "nack pli"})};
    m.extmaps = {extmap(kMidId, rtc::rtp::kMidUri)};
    if (streams.video_rids.empty()) {
      add_ssrc(m, streams.video_ssrc, streams.cname, streams.cname + "-camera");
    } else {
      m.extmaps.push_back(extmap(kRidId, rtc::rtp::kRidUri));
      m.msid = streams.cname + " " + streams.cname + "-camera";
      sdp::SimulcastSpec spec;
      for (const auto& rid : streams.video_rids) {
        m.rids.push_back(sdp::Rid{rid, true, {}});
        spec.send.push_back({rid});
      }
      m.simulcast = std::move(spec);
    }
    d.bundle_mids.push_back(m.mid);
    d.media.push_back(std::move(m));
    offer.sources[kVideoMid] = "camera";
  }
  offer.sdp = sdp::serialize_sdp(d);
  return offer;
}

std::optional<PublishNegotiated> read_publish_answer(const sdp::SessionDescription& answer,
                                                     const PublishStreams& streams,
                                                     std::string& error) {
  PublishNegotiated n;
  for (const auto& m : answer.media) {
    const bool receives = m.port != 0 && (m.direction == sdp::Direction::RecvOnly ||
                                          m.direction == sdp::Direction::SendRecv);
    const auto has_pt = [&](std::uint8_t pt) {
      return std::any_of(m.codecs.begin(), m.codecs.end(),
                         [&](const sdp::Codec& c) { return c.payload_type == pt; });
    };
    if (m.mid == kAudioMid) n.audio = receives && has_pt(kOpusPt);
    if (m.mid == kVideoMid) n.video = receives && has_pt(kVp8Pt);
    for (const auto& e : m.extmaps) {
      if (e.uri == rtc::rtp::kAudioLevelUri) n.audio_level_id = e.id;
      if (e.uri == rtc::rtp::kMidUri) n.mid_id = e.id;
      if (e.uri == rtc::rtp::kRidUri) n.rid_id = e.id;
    }
  }
  if ((streams.audio_ssrc != 0 && !n.audio) || (streams.video_ssrc != 0 && !n.video)) {
    error = std::string("the server's answer does not receive our ") +
            (streams.audio_ssrc != 0 && !n.audio ? "Opus/111 audio" : "VP8/96 video");
    return std::nullopt;
  }
  if (!streams.video_rids.empty() && n.rid_id == 0) {
    error = "the server's answer does not accept the RID header extension: no simulcast";
    return std::nullopt;
  }
  return n;
}

std::optional<RemoteTransport> read_remote_transport(const sdp::SessionDescription& description,
                                                     sdp::SetupRole expect_setup, std::string& error) {
  if (description.media.empty()) {
    error = "the server's SDP has no m-section";
    return std::nullopt;
  }
  const auto& first = description.media.front();  // the BUNDLE tag carries the transport
  const auto params = sdp::transport_params(description, first);
  if (params.ice_ufrag.empty() || params.ice_pwd.empty() || !params.fingerprint) {
    error = "the server's SDP lacks ICE credentials or a fingerprint";
    return std::nullopt;
  }
  if (params.setup != expect_setup) {
    error = std::string("the server's SDP says a=setup:") +
            (params.setup ? std::string(sdp::to_string(*params.setup)) : "(none)") + ", expected " +
            std::string(sdp::to_string(expect_setup));
    return std::nullopt;
  }
  RemoteTransport remote;
  remote.ice = {params.ice_ufrag, params.ice_pwd};
  remote.fingerprint_algorithm = params.fingerprint->algorithm;
  remote.fingerprint_value = params.fingerprint->value;
  for (const auto& c : first.candidates) {
    if (c.transport != "udp" || c.component != 1) continue;
    if (const auto address = SocketAddress::parse(c.address, c.port)) {
      remote.address = *address;
      return remote;
    }
  }
  error = "the server's SDP has no UDP candidate with a numeric address";
  return std::nullopt;
}

ReceiveLayout read_receive_layout(const sdp::SessionDescription& offer) {
  ReceiveLayout layout;
  for (const auto& m : offer.media) {
    for (const auto& c : m.codecs) {
      if (const auto apt = sdp::rtx_apt(c)) layout.rtx_apt[c.payload_type] = *apt;
    }
    for (const auto& e : m.extmaps) {
      if (e.uri == rtc::rtp::kTransportCcUri) layout.transport_cc_id = static_cast<std::uint8_t>(e.id);
    }
    if (m.direction != sdp::Direction::SendOnly || m.ssrcs.empty()) continue;
    ReceiveTrack t;
    t.mid = m.mid;
    t.video = m.kind == sdp::MediaKind::Video;
    t.ssrc = m.ssrcs.front().ssrc;
    for (const auto& g : m.ssrc_groups) {
      if (g.semantics == "FID" && g.ssrcs.size() == 2) {
        t.ssrc = g.ssrcs[0];
        t.rtx_ssrc = g.ssrcs[1];
      }
    }
    layout.tracks.push_back(std::move(t));
  }
  return layout;
}

std::string make_subscribe_answer(const sdp::SessionDescription& offer, const LocalSdp& local,
                                  std::uint64_t session_id, std::uint64_t version) {
  sdp::SessionDescription d;
  d.session_id = session_id;
  d.session_version = version;
  d.bundle_mids = offer.bundle_mids;
  d.extmap_allow_mixed = offer.extmap_allow_mixed;
  d.msid_semantic = "WMS";
  for (const auto& offered : offer.media) {
    auto m = base_section(offered.kind, offered.mid, local);
    m.kind_name = offered.kind_name;
    m.setup = sdp::SetupRole::Active;  // RFC 8842 §5.3: we are the DTLS client
    m.direction = offered.direction == sdp::Direction::SendOnly ||
                          offered.direction == sdp::Direction::SendRecv
                      ? sdp::Direction::RecvOnly
                      : sdp::Direction::Inactive;
    m.codecs = offered.codecs;  // everything offered, RTX included (a browser accepts RTX too)
    m.extmaps = offered.extmaps;
    d.media.push_back(std::move(m));
  }
  return sdp::serialize_sdp(d);
}

}  // namespace bailanys::load
