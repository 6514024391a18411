#include "rtc/transport/drop_reason.hpp"

namespace bailanys::rtc::transport {

const char* to_string(DropReason reason) {
  switch (reason) {
    case DropReason::UnknownSource: return "unknown_source";
    case DropReason::Unclassified: return "unclassified";
    case DropReason::StunRejected: return "stun_rejected";
    case DropReason::TooManyPaths: return "too_many_paths";
    case DropReason::DtlsFailed: return "dtls_failed";
    case DropReason::SrtpNotReady: return "srtp_not_ready";
    case DropReason::SrtpAuthFailed: return "srtp_auth_failed";
    case DropReason::SrtpReplay: return "srtp_replay";
    case DropReason::SrtpOther: return "srtp_other";
    case DropReason::RtpMalformed: return "rtp_malformed";
    case DropReason::RtcpMalformed: return "rtcp_malformed";
    case DropReason::NoSelectedPath: return "no_selected_path";
    case DropReason::ProtectFailed: return "protect_failed";
    case DropReason::TransportClosed: return "transport_closed";
    case DropReason::Count: break;
  }
  return "unknown";
}

std::uint64_t DropCounters::total() const {
  std::uint64_t sum = 0;
  for (const auto c : counts_) sum += c;
  return sum;
}

std::string DropCounters::summary() const {
  std::string out;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    if (!out.empty()) out += ' ';
    out += to_string(static_cast<DropReason>(i));
    out += '=';
    out += std::to_string(counts_[i]);
  }
  return out.empty() ? "none" : out;
}

void DropCounters::merge(const DropCounters& other) {
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
}

}  // namespace bailanys::rtc::transport
