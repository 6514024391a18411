// Routes packets arriving on a worker's shared UDP port and TCP connections to transports:
// first by the path they came from (UDP 5-tuple or TCP connection), and for a path not seen
// yet by the local ufrag in a STUN binding request's USERNAME (RFC 8445 §7.3). A new path is
// bound only after the transport's ICE agent accepted the check, so a spoofed source cannot
// steal or inject into a session.
#pragma once

#include "common/clock.hpp"
#include "common/socket_address.hpp"
#include "rtc/transport/drop_reason.hpp"
#include "rtc/transport/webrtc_transport.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>

namespace bailanys::rtc::transport {

class TransportDemux {
 public:
  // Most candidate pairs one transport may hold (a peer with several interfaces, a network
  // change); more are refused.
  static constexpr std::size_t kMaxPathsPerTransport = 16;
  // TCP connection ids share the path-id space with a marker bit.
  static constexpr std::uint64_t kTcpPathBit = 1ULL << 63;

  void add(WebRtcTransport& transport);
  // Forgets the transport and every path bound to it.
  void remove(WebRtcTransport& transport);

  void on_udp(std::span<std::uint8_t> buffer, std::size_t size, const SocketAddress& from, TimeMs now);
  void on_tcp_frame(std::uint64_t connection_id, std::span<std::uint8_t> buffer, std::size_t size,
                    const SocketAddress& from, TimeMs now);
  void on_tcp_closed(std::uint64_t connection_id);

  [[nodiscard]] const DropCounters& drops() const { return drops_; }
  [[nodiscard]] std::size_t transport_count() const { return by_ufrag_.size(); }
  [[nodiscard]] std::size_t path_count() const { return by_path_.size(); }
  // True when the TCP connection carries a known path (idle ones can be closed).
  [[nodiscard]] bool tcp_bound(std::uint64_t connection_id) const;

 private:
  // A packet from a path not bound yet: only a valid ICE check may bind it.
  void route_new(const ice::IcePath& path, std::span<std::uint8_t> buffer, std::size_t size,
                 TimeMs now);

  std::unordered_map<std::string, WebRtcTransport*> by_ufrag_;
  std::unordered_map<std::uint64_t, WebRtcTransport*> by_path_;
  struct UdpPath {
    std::uint64_t id;
    WebRtcTransport* transport;
  };
  // The per-packet lookup for UDP: source address → path and its transport in one step.
  std::unordered_map<SocketAddress, UdpPath, SocketAddressHash> udp_paths_;
  std::unordered_map<WebRtcTransport*, std::size_t> path_counts_;
  std::uint64_t next_udp_path_ = 1;
  DropCounters drops_;
};

}  // namespace bailanys::rtc::transport
