// The WebRTC subset of an SDP session description (RFC 8866) as plain data, with
// parse/serialize. Attributes we understand become fields; unknown "a=" lines are
// kept verbatim so a parse → serialize round trip loses nothing a browser relies on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bailanys::sdp {

enum class MediaKind : std::uint8_t { Audio, Video, Application, Other };
enum class Direction : std::uint8_t { SendRecv, SendOnly, RecvOnly, Inactive };
enum class SetupRole : std::uint8_t { ActPass, Active, Passive };  // RFC 4145 §4

// One payload type of an RTP m-section: a=rtpmap, a=fmtp and a=rtcp-fb (RFC 4585) joined.
struct Codec {
  std::uint8_t payload_type = 0;
  std::string name;  // as written ("opus", "VP8"); empty when a dynamic type has no rtpmap
  std::uint32_t clock_rate = 0;
  std::uint8_t channels = 1;
  std::string fmtp;                   // the a=fmtp parameters, verbatim
  std::vector<std::string> feedback;  // "nack", "nack pli", "ccm fir", "goog-remb", "transport-cc"
  friend bool operator==(const Codec&, const Codec&) = default;
};
// apt=N of an "rtx" codec (RFC 4588 §8.6); nullopt for other codecs or a missing/bad apt.
std::optional<std::uint8_t> rtx_apt(const Codec& codec);
// The value of `key` in a codec's "k=v;k=v" fmtp (keys compared case-insensitively).
std::optional<std::string> fmtp_parameter(const Codec& codec, std::string_view key);

// a=extmap:<id>[/<direction>] <uri> [<attributes>] (RFC 8285 §7).
struct Extmap {
  std::uint8_t id = 0;  // 1..255
  std::string uri;
  std::string direction;   // "", "sendonly", "recvonly", "sendrecv", "inactive"
  std::string attributes;  // extension attributes after the URI, verbatim
  friend bool operator==(const Extmap&, const Extmap&) = default;
};

// a=fingerprint:<hash function> <hex pairs> (RFC 8122 §5).
struct Fingerprint {
  std::string algorithm;  // lower case, e.g. "sha-256"
  std::string value;      // "AB:CD:..." as written
  friend bool operator==(const Fingerprint&, const Fingerprint&) = default;
};

// a=candidate (RFC 8839 §5.1), with the RFC 6544 tcptype extension broken out.
struct Candidate {
  std::string foundation;
  std::uint32_t component = 1;
  std::string transport;  // lower case: "udp" / "tcp"
  std::uint32_t priority = 0;
  std::string address;  // IP or mDNS host name, as written
  std::uint16_t port = 0;
  std::string type;      // "host", "srflx", "prflx", "relay"
  std::string tcp_type;  // "passive" / "active" / "so" (RFC 6544 §4.5); empty for UDP
  std::string related_address;
  std::optional<std::uint16_t> related_port;
  std::vector<std::pair<std::string, std::string>> extensions;  // e.g. {"generation","0"}
  friend bool operator==(const Candidate&, const Candidate&) = default;
};
std::string serialize_candidate(const Candidate&);                 // "candidate:..." (without "a=")
std::optional<Candidate> parse_candidate(std::string_view value);  // with or without "candidate:"

// a=rid:<id> send|recv [params] (RFC 8851 §10).
struct Rid {
  std::string id;
  bool send = true;
  std::string params;  // "pt=96;max-width=1280", verbatim
  friend bool operator==(const Rid&, const Rid&) = default;
};
// a=simulcast (RFC 8853 §5.1): streams separated by ';', alternatives by ','.
struct SimulcastSpec {
  std::vector<std::vector<std::string>> send;  // a paused stream keeps its "~" prefix
  std::vector<std::vector<std::string>> recv;
  friend bool operator==(const SimulcastSpec&, const SimulcastSpec&) = default;
};

// a=ssrc:<ssrc> <attribute>[:<value>] lines of one SSRC (RFC 5576 §4.1).
struct SsrcInfo {
  std::uint32_t ssrc = 0;
  std::string cname;
  std::string msid;
  std::vector<std::string>
      other;  // other "attr[:value]" of this SSRC (legacy "label:..."), verbatim
  friend bool operator==(const SsrcInfo&, const SsrcInfo&) = default;
};
struct SsrcGroup {
  std::string semantics;  // "FID", "SIM"
  std::vector<std::uint32_t> ssrcs;
  friend bool operator==(const SsrcGroup&, const SsrcGroup&) = default;
};

struct MediaSection {
  MediaKind kind = MediaKind::Other;
  std::string kind_name;  // the m-line media text ("audio", "text", ...)
  std::uint16_t port = 9;
  std::string protocol;                       // "UDP/TLS/RTP/SAVPF", "UDP/DTLS/SCTP"
  std::vector<Codec> codecs;                  // m-line order (RTP sections only)
  std::vector<std::string> formats;           // the m-line formats as text ("webrtc-datachannel")
  std::string connection = "IN IP4 0.0.0.0";  // c= value; empty: no c= line
  std::vector<std::string> bandwidths;        // b= values ("AS:500"), verbatim
  std::string mid;
  Direction direction = Direction::SendRecv;
  std::optional<std::string> ice_ufrag, ice_pwd;
  std::vector<std::string> ice_options;
  std::optional<Fingerprint> fingerprint;  // the first one; more go to other_attributes
  std::optional<SetupRole> setup;
  bool rtcp_mux = false, rtcp_rsize = false;
  std::vector<Extmap> extmaps;
  std::vector<Rid> rids;
  std::optional<SimulcastSpec> simulcast;
  std::string msid;  // a=msid value "<stream id> [<track id>]" (RFC 8830 §2)
  std::vector<SsrcInfo> ssrcs;
  std::vector<SsrcGroup> ssrc_groups;
  std::vector<Candidate> candidates;
  bool end_of_candidates = false;
  std::optional<std::uint16_t> sctp_port;         // RFC 8841 §5
  std::optional<std::uint32_t> max_message_size;  // RFC 8841 §6
  std::vector<std::string> other_attributes;      // unknown "a=" lines, verbatim (without "a=")
  friend bool operator==(const MediaSection&, const MediaSection&) = default;
};

struct SessionDescription {
  std::string origin_username = "-";
  std::uint64_t session_id = 0;
  std::uint64_t session_version = 0;
  std::string origin_address = "IN IP4 127.0.0.1";  // rest of o=: nettype addrtype address
  std::string session_name = "-";
  std::string timing = "0 0";  // t=
  std::string connection;      // session-level c= value; empty: none (each section has its own)
  std::vector<std::string> bundle_mids;  // the first a=group:BUNDLE; further groups are "other"
  bool extmap_allow_mixed = false;       // RFC 8285 §6
  bool ice_lite = false;
  std::vector<std::string> ice_options;
  std::string msid_semantic;  // text after "a=msid-semantic:", e.g. "WMS *"
  // Session-level defaults for the media sections.
  std::optional<std::string> ice_ufrag, ice_pwd;
  std::optional<Fingerprint> fingerprint;
  std::optional<SetupRole> setup;
  std::vector<MediaSection> media;
  std::vector<std::string> other_attributes;  // unknown session "a=" lines, verbatim
  friend bool operator==(const SessionDescription&, const SessionDescription&) = default;
};

// Limits that keep a hostile description cheap to reject.
inline constexpr std::size_t kMaxSdpBytes = std::size_t{64} * 1024;
inline constexpr std::size_t kMaxLineBytes = std::size_t{4} * 1024;
inline constexpr std::size_t kMaxMediaSections = 64;

struct ParseResult {
  std::optional<SessionDescription> description;
  std::string error;           // empty on success
  std::size_t error_line = 0;  // 1-based; 0 when the error concerns the whole text (size)
};
ParseResult parse_sdp(std::string_view text);  // accepts \r\n and \n
// \r\n line ends, attributes in the order Chromium writes them (JSEP, RFC 8829 §5.2).
std::string serialize_sdp(const SessionDescription&);

// The ICE/DTLS parameters that apply to a section (media level overrides session level).
struct TransportParams {
  std::string ice_ufrag, ice_pwd;
  std::optional<Fingerprint> fingerprint;
  std::optional<SetupRole> setup;
  friend bool operator==(const TransportParams&, const TransportParams&) = default;
};
TransportParams transport_params(const SessionDescription&, const MediaSection&);

// Names as written in SDP ("sendrecv", "actpass", ...).
std::string_view to_string(Direction);
std::string_view to_string(SetupRole);
std::string_view to_string(MediaKind);

}  // namespace bailanys::sdp
