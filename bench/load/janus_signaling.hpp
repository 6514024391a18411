// The Janus VideoRoom signaling adapter (issue 6: the same synthetic participants against a
// reference SFU). The Janus API over its WebSocket transport (subprotocol "janus-protocol"):
// prepare() creates a session, attaches janus.plugin.videoroom and creates --rooms rooms sized
// for the run (or checks that --room names one). Per participant: a session, a publisher handle
// (join, then configure with our offer, whose JSEP answer is the publish answer) and, once another
// publisher is known, one multistream subscriber handle (Janus >= 1.0): join with `streams`
// for every feed, `update` with `subscribe` for feeds that appear later; each offer Janus sends
// is answered with `start`. Keepalive every 25 s; trickle is end-of-candidates only (our SDP
// carries no candidate: Janus learns our address from our checks). Boost.Beast stays in
// janus_signaling.cpp.
//
// Janus must run with `ice_lite = true` (nat section of janus.jcfg): as a full agent it is the
// controlling one on the subscriber PeerConnection (it offers), and the client transport only
// knows the controlling role. See README.md.
#pragma once

#include "load_options.hpp"
#include "signaling.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace bailanys::load {

class JanusAdapter final : public SignalingAdapter {
 public:
  // `max_publishers`: the room's publisher limit when the adapter creates it.
  JanusAdapter(ServerAddress server, std::string room, int max_publishers);

  void prepare(int rooms) override;
  [[nodiscard]] std::string server_name() const override { return "janus"; }
  [[nodiscard]] const std::vector<std::string>& rooms() const override { return rooms_; }
  std::unique_ptr<SignalingSession> create_session(boost::asio::io_context& io,
                                                   SignalingListener& listener,
                                                   const std::string& display_name,
                                                   std::size_t room) override;

 private:
  ServerAddress server_;
  std::string given_room_;
  std::vector<std::string> rooms_;  // numeric VideoRoom ids, as text
  int max_publishers_;
};

}  // namespace bailanys::load
