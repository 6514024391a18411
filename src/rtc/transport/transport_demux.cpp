#include "rtc/transport/transport_demux.hpp"

#include "rtc/ice/ice_lite_agent.hpp"
#include "rtc/stun/stun_message.hpp"

#include <vector>

namespace bailanys::rtc::transport {

void TransportDemux::add(WebRtcTransport& transport) {
  by_ufrag_[transport.local_ice().ufrag] = &transport;
}

void TransportDemux::remove(WebRtcTransport& transport) {
  by_ufrag_.erase(transport.local_ice().ufrag);
  path_counts_.erase(&transport);
  std::vector<std::uint64_t> gone;
  for (const auto& [path, t] : by_path_) {
    if (t == &transport) gone.push_back(path);
  }
  for (const auto path : gone) by_path_.erase(path);
  std::erase_if(udp_paths_, [&](const auto& entry) { return entry.second.transport == &transport; });
}

void TransportDemux::on_udp(std::span<std::uint8_t> buffer, std::size_t size,
                            const SocketAddress& from, TimeMs now) {
  const auto it = udp_paths_.find(from);
  if (it != udp_paths_.end()) {
    it->second.transport->receive(buffer, size, {it->second.id, from, false}, now);
    return;
  }
  route_new({next_udp_path_, from, false}, buffer, size, now);
}

void TransportDemux::on_tcp_frame(std::uint64_t connection_id, std::span<std::uint8_t> buffer,
                                  std::size_t size, const SocketAddress& from, TimeMs now) {
  const std::uint64_t path_id = connection_id | kTcpPathBit;
  if (const auto it = by_path_.find(path_id); it != by_path_.end()) {
    it->second->receive(buffer, size, {path_id, from, true}, now);
    return;
  }
  route_new({path_id, from, true}, buffer, size, now);
}

void TransportDemux::on_tcp_closed(std::uint64_t connection_id) {
  const std::uint64_t path_id = connection_id | kTcpPathBit;
  const auto it = by_path_.find(path_id);
  if (it == by_path_.end()) return;
  it->second->remove_path(path_id);
  if (auto count = path_counts_.find(it->second); count != path_counts_.end() && count->second > 0) {
    --count->second;
  }
  by_path_.erase(it);
}

bool TransportDemux::tcp_bound(std::uint64_t connection_id) const {
  return by_path_.count(connection_id | kTcpPathBit) != 0;
}

void TransportDemux::route_new(const ice::IcePath& path, std::span<std::uint8_t> buffer,
                               std::size_t size, TimeMs now) {
  // Only an ICE check may open a new path (RFC 8445 §7.3: peer-reflexive from a valid request).
  const auto packet = std::span<const std::uint8_t>(buffer.data(), size);
  const auto ufrag = stun::looks_like_stun(packet) ? ice::local_ufrag_of(packet) : std::nullopt;
  if (!ufrag) {
    drops_.add(DropReason::UnknownSource);
    return;
  }
  const auto owner = by_ufrag_.find(*ufrag);
  if (owner == by_ufrag_.end()) {
    drops_.add(DropReason::UnknownSource);
    return;
  }
  WebRtcTransport* transport = owner->second;
  std::size_t& count = path_counts_[transport];
  if (count >= kMaxPathsPerTransport) {
    drops_.add(DropReason::TooManyPaths);
    return;
  }
  if (!transport->receive(buffer, size, path, now)) return;
  ++count;
  by_path_[path.id] = transport;
  if (!path.tcp) {
    udp_paths_[path.remote] = {path.id, transport};
    ++next_udp_path_;
  }
}

}  // namespace bailanys::rtc::transport
