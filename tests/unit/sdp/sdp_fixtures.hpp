// Reading the Chromium SDP fixtures (tests/data/sdp) and pulling values out of their
// text, so tests keep passing when tests/tools/capture-sdp.mjs regenerates them.
#pragma once

#include <array>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "sdp/answer.hpp"
#include "sdp/session_description.hpp"

namespace bailanys::sdp {
// gtest prints a description as its SDP text instead of raw bytes.
inline void PrintTo(const SessionDescription& d, std::ostream* os) {
  *os << "\n" << serialize_sdp(d);
}
}  // namespace bailanys::sdp

namespace bailanys::sdp::testing {

// The server side of the tests' negotiations: fixed ICE credentials, a made-up fingerprint
// and one UDP + one passive TCP candidate on 127.0.0.1:40000.
inline LocalTransport test_local_transport() {
  LocalTransport t;
  t.ice_ufrag = "srvU";
  t.ice_pwd = "serverpasswordserverpw";
  t.fingerprint = {"sha-256",
                   "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:"
                   "00:11:22:33:44:55:66:77:88:99"};
  t.candidates.push_back(*parse_candidate("candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host"));
  t.candidates.push_back(
      *parse_candidate("candidate:2 1 tcp 1518280447 127.0.0.1 40000 typ host tcptype passive"));
  return t;
}


inline constexpr std::array<const char*, 6> kFixtures = {
    "chromium-offer-audio-video.sdp",
    "chromium-offer-simulcast.sdp",
    "chromium-offer-recvonly.sdp",
    "chromium-offer-datachannel.sdp",
    "chromium-answer.sdp",
    "chromium-offer-with-candidates.sdp",
};

inline std::string read_fixture(std::string_view name) {
  std::ifstream in(std::string(BAILANYS_TEST_DATA) + "/sdp/" + std::string(name), std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The lines of an SDP text without their line ends.
inline std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

// What follows `prefix` on the first line that starts with it ("" when none does).
inline std::string first_value(std::string_view text, std::string_view prefix) {
  for (const auto& line : lines_of(text)) {
    if (line.starts_with(prefix)) return line.substr(prefix.size());
  }
  return {};
}

inline std::size_t count_lines(std::string_view text, std::string_view prefix) {
  std::size_t n = 0;
  for (const auto& line : lines_of(text)) n += line.starts_with(prefix) ? 1 : 0;
  return n;
}

// The lines of the m-section number `index` (its m= line first).
inline std::vector<std::string> section_lines(std::string_view text, std::size_t index) {
  std::vector<std::string> out;
  std::size_t seen = 0;
  for (const auto& line : lines_of(text)) {
    if (line.starts_with("m=")) ++seen;
    if (seen == index + 1) out.push_back(line);
  }
  return out;
}

}  // namespace bailanys::sdp::testing
