#include "sdp/static_payload_types.hpp"

#include <array>

namespace bailanys::sdp {
namespace {

struct StaticType {
  std::uint8_t payload_type;
  const char* name;
  std::uint32_t clock_rate;
  std::uint8_t channels;
};

// RFC 3551 §6, Tables 4 and 5 (the entries still seen in practice).
constexpr std::array<StaticType, 12> kStaticTypes{{
    {0, "PCMU", 8000, 1},
    {3, "GSM", 8000, 1},
    {4, "G723", 8000, 1},
    {8, "PCMA", 8000, 1},
    {9, "G722", 8000, 1},
    {10, "L16", 44100, 2},
    {11, "L16", 44100, 1},
    {13, "CN", 8000, 1},
    {18, "G729", 8000, 1},
    {26, "JPEG", 90000, 1},
    {31, "H261", 90000, 1},
    {34, "H263", 90000, 1},
}};

}  // namespace

Codec static_codec(std::uint8_t payload_type) {
  Codec codec;
  codec.payload_type = payload_type;
  for (const auto& entry : kStaticTypes) {
    if (entry.payload_type == payload_type) {
      codec.name = entry.name;
      codec.clock_rate = entry.clock_rate;
      codec.channels = entry.channels;
    }
  }
  return codec;
}

}  // namespace bailanys::sdp
