// Choosing codecs, RTCP feedback and header extensions for one answered m-section.
#pragma once

#include <vector>

#include "sdp/answer.hpp"
#include "sdp/session_description.hpp"

namespace bailanys::sdp {

// The offered codecs the policy accepts, in policy preference order (offer order among
// equals), each followed by its RTX codec (RFC 4588 §8.6) when RTX is accepted.
// Payload types and fmtp are the offer's; feedback is filtered by the policy.
// Empty when nothing usable was offered.
std::vector<Codec> select_codecs(const MediaSection& offered, const CodecPolicy& policy);

// The offered extmaps whose URI the policy accepts, keeping the offered ids (RFC 8285 §6);
// a direction is mirrored (their sendonly is our recvonly).
std::vector<Extmap> select_extmaps(const MediaSection& offered, const CodecPolicy& policy);

}  // namespace bailanys::sdp
