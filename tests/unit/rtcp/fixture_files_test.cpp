// The fuzz seeds in tests/data/fuzz/rtcp must parse and survive a round trip.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "rtc/rtcp/rtcp_packets.hpp"

namespace bailanys::rtc::rtcp {
namespace {

std::vector<std::uint8_t> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(FixtureFiles, EverySeedParsesAndRoundTrips) {
  const std::filesystem::path dir = std::filesystem::path(BAILANYS_TEST_DATA) / "fuzz" / "rtcp";
  std::size_t seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".bin") continue;  // libFuzzer may add its own files
    const auto bytes = read_file(entry.path());
    RtcpRejectReason why = RtcpRejectReason::None;
    const auto packets = parse_rtcp(bytes, why);
    ASSERT_TRUE(packets) << entry.path() << ": " << to_string(why);
    EXPECT_EQ(parse_rtcp(serialize_rtcp(*packets)), packets) << entry.path();
    ++seen;
  }
  EXPECT_GE(seen, 5U);
}

}  // namespace
}  // namespace bailanys::rtc::rtcp
