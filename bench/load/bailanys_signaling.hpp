// The Bailanys signaling adapter: docs/API.md to get a room (sign up a throwaway account and
// create a room that allows guests, unless --room names one), then per participant a WebSocket
// at /ws speaking docs/PROTOCOL.md version 2 as a guest: hello, media.join after welcome,
// media.publish / media.publishAnswer, media.subscribeOffer / media.subscribeAnswer,
// media.state, and a ping every 20 s. Boost.Beast stays in bailanys_signaling.cpp.
#pragma once

#include "load_options.hpp"
#include "signaling.hpp"

#include <string>

namespace bailanys::load {

class BailanysAdapter final : public SignalingAdapter {
 public:
  BailanysAdapter(ServerAddress server, std::string room);

  void prepare() override;
  [[nodiscard]] std::string server_name() const override { return "bailanys"; }
  [[nodiscard]] std::string room() const override { return room_; }
  std::unique_ptr<SignalingSession> create_session(boost::asio::io_context& io,
                                                   SignalingListener& listener,
                                                   const std::string& display_name) override;

 private:
  ServerAddress server_;
  std::string room_;
};

}  // namespace bailanys::load
