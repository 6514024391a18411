// The Bailanys signaling adapter: docs/API.md to get a room (sign up a throwaway account and
// create --rooms rooms that allow guests, unless --room names one), then per participant a
// WebSocket at /ws speaking docs/PROTOCOL.md version 2 as a guest: hello, media.join after welcome,
// media.publish / media.publishAnswer, media.subscribeOffer / media.subscribeAnswer,
// media.state, and a ping every 20 s. Boost.Beast stays in bailanys_signaling.cpp.
#pragma once

#include "load_options.hpp"
#include "signaling.hpp"

#include <string>
#include <vector>

namespace bailanys::load {

class BailanysAdapter final : public SignalingAdapter {
 public:
  BailanysAdapter(ServerAddress server, std::string room);

  void prepare(int rooms) override;
  [[nodiscard]] std::string server_name() const override { return "bailanys"; }
  [[nodiscard]] const std::vector<std::string>& rooms() const override { return rooms_; }
  std::unique_ptr<SignalingSession> create_session(boost::asio::io_context& io,
                                                   SignalingListener& listener,
                                                   const std::string& display_name,
                                                   std::size_t room) override;

 private:
  ServerAddress server_;
  std::string given_room_;
  std::vector<std::string> rooms_;
};

}  // namespace bailanys::load
