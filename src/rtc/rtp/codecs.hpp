// Video payload descriptors: just enough of each RTP payload format for an SFU to
// find keyframes, layers and picture ids without decoding media. Views only, no
// allocation; every parser returns nullopt on truncated or inconsistent input.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace bailanys::rtc::rtp {

enum class VideoCodec : std::uint8_t { Vp8, Vp9, H264, Av1 };

// "VP8", "VP9", "H264", "AV1" (SDP a=rtpmap encoding names), case-insensitive.
std::optional<VideoCodec> video_codec_from_name(std::string_view sdp_name);

// True when this RTP payload starts a keyframe (what an SFU needs to switch layers or
// satisfy a PLI). False for anything it cannot parse.
bool is_keyframe(VideoCodec codec, std::span<const std::uint8_t> payload);

// ---- VP8, RFC 7741 §4.2 -------------------------------------------------------------
struct Vp8Descriptor {
  bool start_of_partition = false;
  std::uint8_t partition_id = 0;
  std::optional<std::uint16_t> picture_id;
  bool picture_id_15bit = false;
  std::optional<std::uint8_t> tl0_pic_idx;
  std::optional<std::uint8_t> temporal_id;
  bool layer_sync = false;
  std::optional<std::uint8_t> key_idx;
  std::size_t header_size = 0;  // descriptor bytes before the VP8 payload
  bool keyframe = false;        // first packet of a key frame (RFC 7741 §4.3 P bit = 0)
  bool non_reference = false;   // N bit: droppable frame
};
// nullopt when truncated or when no VP8 payload byte follows the descriptor.
std::optional<Vp8Descriptor> parse_vp8(std::span<const std::uint8_t> payload);
// Rewrite in place for simulcast switching; false when the field is absent. The
// picture id keeps the width it was sent with (7 or 15 bits, value masked to fit).
bool rewrite_vp8_picture_id(std::span<std::uint8_t> payload, std::uint16_t picture_id);
bool rewrite_vp8_tl0_pic_idx(std::span<std::uint8_t> payload, std::uint8_t tl0_pic_idx);

// ---- VP9, RFC 9628 §4.2 -------------------------------------------------------------
struct Vp9Descriptor {
  bool inter_picture_predicted = false;  // P
  bool flexible = false;                 // F
  bool start_of_frame = false;           // B
  bool end_of_frame = false;             // E
  bool not_upper_spatial_reference = false;  // Z
  std::optional<std::uint16_t> picture_id;
  bool picture_id_15bit = false;
  // Layer indices (L bit).
  std::optional<std::uint8_t> temporal_id;
  std::optional<std::uint8_t> spatial_id;
  bool switching_up_point = false;      // U
  bool inter_layer_dependency = false;  // D
  std::optional<std::uint8_t> tl0_pic_idx;  // non-flexible mode with L
  // Reference picture differences (flexible mode with P), up to three.
  std::array<std::uint8_t, 3> p_diffs{};
  std::size_t p_diff_count = 0;
  // Scalability structure (V bit), §4.2.1.
  bool has_scalability_structure = false;
  std::uint8_t spatial_layers = 0;  // N_S + 1
  std::array<std::uint16_t, 8> widths{};
  std::array<std::uint16_t, 8> heights{};
  bool has_resolutions = false;  // Y
  std::size_t header_size = 0;
  bool keyframe = false;  // P == 0 && B && (no L or spatial id 0)
};
std::optional<Vp9Descriptor> parse_vp9(std::span<const std::uint8_t> payload);

// ---- H.264, RFC 6184 §5 ------------------------------------------------------------
enum class H264Packetization : std::uint8_t { SingleNal, StapA, FuA };
struct H264Descriptor {
  H264Packetization packetization = H264Packetization::SingleNal;
  std::uint8_t nal_type = 0;   // the (first) carried NAL unit's type; FU-A: the fragment's
  bool start_of_nal = true;    // FU-A S bit (true for complete NAL units)
  bool end_of_nal = true;      // FU-A E bit
  bool has_sps = false;        // type 7
  bool has_pps = false;        // type 8
  bool has_idr = false;        // type 5 (in every FU-A fragment of an IDR)
  std::size_t nal_count = 1;   // units aggregated in a STAP-A
  bool keyframe = false;       // an IDR or SPS starts here
};
// nullopt for malformed packets and for the interleaved modes (STAP-B, MTAP, FU-B),
// which WebRTC never negotiates.
std::optional<H264Descriptor> parse_h264(std::span<const std::uint8_t> payload);

// ---- AV1, AV1 RTP specification v1.0 §4.4 ----------------------------------------
struct Av1Descriptor {
  bool continues_previous = false;        // Z: first OBU element is a continuation
  bool continues_in_next = false;         // Y: last OBU element continues
  std::uint8_t obu_count = 0;             // W: 0 means every element has a length
  bool new_coded_video_sequence = false;  // N
  std::size_t element_count = 0;
  // Header of the first OBU that starts in this packet (absent when Z is set and the
  // packet holds only the continuation).
  std::optional<std::uint8_t> first_obu_type;
  std::optional<std::uint8_t> temporal_id;  // from the first OBU's extension header
  std::optional<std::uint8_t> spatial_id;
  bool keyframe = false;  // N set (§4.4: the packet starts a coded video sequence)
};
std::optional<Av1Descriptor> parse_av1(std::span<const std::uint8_t> payload);

}  // namespace bailanys::rtc::rtp
