// The fuzz seeds in tests/data/fuzz/rtp are real packets too: each must parse, and the
// codec seeds must be recognised as keyframes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "rtc/rtp/codecs.hpp"
#include "rtc/rtp/rtp_packet.hpp"

namespace bailanys::rtc::rtp {
namespace {

std::vector<std::uint8_t> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(FixtureFiles, EverySeedParsesAndCodecSeedsAreKeyframes) {
  const std::filesystem::path dir = std::filesystem::path(BAILANYS_TEST_DATA) / "fuzz" / "rtp";
  std::size_t seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".bin") continue;  // libFuzzer may add its own files
    auto bytes = read_file(entry.path());
    const auto packet = RtpPacket::parse(bytes);
    ASSERT_TRUE(packet) << entry.path();
    const std::string name = entry.path().stem().string();
    const auto codec = video_codec_from_name(name.substr(0, name.find('_')));
    if (codec) {
      EXPECT_TRUE(is_keyframe(*codec, packet->payload())) << name;
    }
    ++seen;
  }
  EXPECT_GE(seen, 7U);
}

}  // namespace
}  // namespace bailanys::rtc::rtp
