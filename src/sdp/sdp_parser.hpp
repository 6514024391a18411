// The SDP line reader's state, shared by parser.cpp (lines, session level) and
// media_attributes.cpp (attributes of an m-section). Internal to src/sdp.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sdp/session_description.hpp"

namespace bailanys::sdp::detail {

using Error = std::optional<std::string>;  // nullopt: the line was accepted

class SdpParser {
 public:
  ParseResult run(std::string_view text);

 private:
  Error line(char type, std::string_view value);
  Error origin(std::string_view value);
  Error media_line(std::string_view value);
  Error attribute(std::string_view raw);
  Error session_attribute(std::string_view name, std::string_view value, std::string_view raw);
  Error media_attribute(MediaSection& m, std::string_view name, std::string_view value,
                        std::string_view raw);
  Error transport_attribute(std::optional<std::string>& ufrag, std::optional<std::string>& pwd,
                            std::optional<Fingerprint>& fingerprint,
                            std::optional<SetupRole>& setup, std::string_view name,
                            std::string_view value, std::string_view raw,
                            std::vector<std::string>& other, bool& handled);
  Error codec_attribute(MediaSection& m, std::string_view name, std::string_view value);
  Error ssrc_attribute(MediaSection& m, std::string_view value);

  SessionDescription session_;
  std::size_t content_lines_ = 0;  // non-empty lines seen, for the v/o/s order check
  bool seen_timing_ = false;
  bool seen_group_ = false;
  bool seen_msid_semantic_ = false;
  // Per media section state, reset at each m= line.
  bool seen_direction_ = false;
  bool seen_mid_ = false;
  std::set<std::uint8_t> rtpmap_seen_, fmtp_seen_;
  std::set<std::string> mids_;
};

}  // namespace bailanys::sdp::detail
