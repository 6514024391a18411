#include "rtc/rtp/codecs.hpp"

#include <algorithm>
#include <cctype>

namespace bailanys::rtc::rtp {
namespace {
bool equals_ignore_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}
}  // namespace

std::optional<VideoCodec> video_codec_from_name(std::string_view sdp_name) {
  if (equals_ignore_case(sdp_name, "VP8")) return VideoCodec::Vp8;
  if (equals_ignore_case(sdp_name, "VP9")) return VideoCodec::Vp9;
  if (equals_ignore_case(sdp_name, "H264")) return VideoCodec::H264;
  if (equals_ignore_case(sdp_name, "AV1")) return VideoCodec::Av1;
  return std::nullopt;
}

bool is_keyframe(VideoCodec codec, std::span<const std::uint8_t> payload) {
  switch (codec) {
    case VideoCodec::Vp8: {
      const auto d = parse_vp8(payload);
      return d && d->keyframe;
    }
    case VideoCodec::Vp9: {
      const auto d = parse_vp9(payload);
      return d && d->keyframe;
    }
    case VideoCodec::H264: {
      const auto d = parse_h264(payload);
      return d && d->keyframe;
    }
    case VideoCodec::Av1: {
      const auto d = parse_av1(payload);
      return d && d->keyframe;
    }
  }
  return false;
}

}  // namespace bailanys::rtc::rtp
