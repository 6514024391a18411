#include "bailanys_signaling.hpp"

#include "common/random.hpp"
#include "http_client.hpp"
#include "json_websocket.hpp"
#include "simulcast_layers.hpp"

#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <stdexcept>

namespace bailanys::load {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

constexpr auto kPingInterval = std::chrono::seconds(20);  // the server drops sockets silent for 60 s

std::string error_text(const HttpResponse& r) {
  try {
    const auto body = json::parse(r.body);
    return body.at("error").at("code").get<std::string>() + ": " +
           body.at("error").at("message").get<std::string>();
  } catch (const std::exception&) {
    return r.body.substr(0, 200);
  }
}

// Errors after which this participant has no media: the run reports them.
bool fatal_error(const std::string& code, const std::string& ref) {
  if (code == "room_not_found" || code == "guests_not_allowed" || code == "invalid_name" ||
      code == "room_full" || code == "unsupported_version" || code == "media_unavailable" ||
      code == "media_full" || code == "media_failed") {
    return true;
  }
  return code == "invalid_sdp" || (code == "invalid_message" && ref.rfind("media.", 0) == 0);
}

class BailanysSession final : public SignalingSession {
 public:
  BailanysSession(asio::io_context& io, SignalingListener& listener, ServerAddress server,
                  std::string room, std::string name)
      : listener_(listener),
        room_(std::move(room)),
        name_(std::move(name)),
        ws_(io, server, {"/ws", server.origin(), ""},
            {[this] { on_open(); }, [this](const std::string& text) { on_message(text); },
             [this](const std::string& code, const std::string& message) { fail(code, message); }}),
        ping_timer_(io) {}

  void start() override { ws_.connect(); }

  void publish(const std::string& offer_sdp, const std::map<std::string, std::string>& sources) override {
    json tracks = json::object();
    bool mic = false, camera = false;
    for (const auto& [mid, source] : sources) {
      tracks[mid] = source;
      mic = mic || source == "mic";
      camera = camera || source == "camera";
    }
    send({{"type", "media.publish"}, {"sdp", offer_sdp}, {"tracks", tracks}});
    send({{"type", "media.state"}, {"mic", mic}, {"camera", camera}, {"screen", false}});
  }

  void answer_subscribe(const std::string& answer_sdp, std::uint64_t version) override {
    send({{"type", "media.subscribeAnswer"}, {"sdp", answer_sdp}, {"version", version}});
  }

  void want_video_layer(int layer) override {
    wanted_layer_ = std::clamp(layer, 0, kTopLayer);
    send_view();
  }

  void close() override {
    if (closed_) return;
    closed_ = true;
    ping_timer_.cancel();
    // A clean close removes the participant at once (docs/PROTOCOL.md, "Leaving").
    ws_.close();
  }

 private:
  void on_open() {
    listener_.on_signaling_open();
    if (closed_) return;
    send({{"type", "hello"}, {"v", 2}, {"room", room_}, {"name", name_}});
    arm_ping();
  }

  void on_message(const std::string& text) {
    json msg;
    try {
      msg = json::parse(text);
    } catch (const std::exception&) {
      return;
    }
    const std::string type = msg.value("type", "");
    try {
      if (type == "welcome") {
        send({{"type", "media.join"}});
        listener_.on_joined(msg.at("self").at("id").get<std::string>());
      } else if (type == "media.subscribeOffer") {
        SubscribeOffer offer;
        offer.sdp = msg.at("sdp").get<std::string>();
        offer.version = msg.at("version").get<std::uint64_t>();
        std::set<std::string> cameras;
        for (const auto& t : msg.value("tracks", json::array())) {
          offer.tracks.push_back({t.value("mid", ""), t.value("participantId", ""),
                                  t.value("source", ""), t.value("kind", "") == "video"});
          if (offer.tracks.back().source == "camera")
            cameras.insert(offer.tracks.back().participant_id);
        }
        listener_.on_subscribe_offer(offer);
        if (cameras != cameras_) {
          cameras_ = std::move(cameras);
          send_view();
        }
      } else if (type == "media.publishAnswer") {
        listener_.on_publish_answer(msg.at("sdp").get<std::string>());
      } else if (type == "error") {
        const std::string code = msg.value("code", "unknown");
        const std::string ref = msg.value("ref", "");
        listener_.on_signaling_error(code, msg.value("message", "") + (ref.empty() ? "" : " (" + ref + ")"),
                                     fatal_error(code, ref));
      }
    } catch (const json::exception& e) {
      listener_.on_signaling_error("protocol", type + " did not have the documented fields: " + e.what(), true);
    }
  }

  void send(const json& msg) { ws_.send(msg); }

  // docs/PROTOCOL.md, "Adaptive quality": every camera in a tile of the wanted layer's height.
  void send_view() {
    if (wanted_layer_ < 0 || closed_ || cameras_.empty()) return;
    json tiles = json::array();
    const auto height = kLayers[static_cast<std::size_t>(wanted_layer_)].tile_height;
    for (const auto& id : cameras_)
      tiles.push_back({{"participantId", id}, {"source", "camera"}, {"height", height}});
    send({{"type", "media.view"}, {"tiles", tiles}});
  }

  void arm_ping() {
    ping_timer_.expires_after(kPingInterval);
    ping_timer_.async_wait([this](boost::system::error_code e) {
      if (e || closed_) return;
      send({{"type", "ping"}});
      arm_ping();
    });
  }

  void fail(const std::string& code, const std::string& message) {
    if (closed_) return;
    listener_.on_signaling_error(code, message, true);
  }

  SignalingListener& listener_;
  std::string room_;
  std::string name_;
  JsonWebSocket ws_;
  asio::steady_timer ping_timer_;
  std::set<std::string> cameras_;  // participants whose camera the latest offer sends us
  int wanted_layer_ = -1;          // -1: no media.view (the server's default thumbnail)
  bool closed_ = false;
};

}  // namespace

BailanysAdapter::BailanysAdapter(ServerAddress server, std::string room)
    : server_(std::move(server)), given_room_(std::move(room)) {}

void BailanysAdapter::prepare(int rooms) {
  if (!given_room_.empty()) {
    const auto r = http_request(server_.host, server_.port, "GET", "/api/rooms/" + given_room_, "", "");
    if (r.status != 200) throw std::runtime_error("room " + given_room_ + " is not there: " + error_text(r));
    rooms_ = {given_room_};
    return;
  }
  // A throwaway owner (docs/API.md): sign up, then create rooms that let guests in.
  const std::string username = "load-" + random_token(9);
  const json signup = {{"username", username},
                       {"displayName", "bailanys-load"},
                       {"password", random_token(18)}};
  auto r = http_request(server_.host, server_.port, "POST", "/api/auth/signup", signup.dump(), "");
  if (r.status != 201) throw std::runtime_error("sign-up refused (" + std::to_string(r.status) + "): " + error_text(r));
  const auto session = r.cookies.find("bailanys_session");
  if (session == r.cookies.end()) throw std::runtime_error("sign-up set no bailanys_session cookie");
  const std::string cookie = "bailanys_session=" + session->second;
  for (int i = 0; i < rooms; ++i) {
    const json room = {{"name", "bailanys-load-" + std::to_string(i + 1)}, {"allowGuests", true}};
    r = http_request(server_.host, server_.port, "POST", "/api/rooms", room.dump(), cookie);
    if (r.status != 201) {
      throw std::runtime_error("creating room " + std::to_string(i + 1) + " failed (" +
                               std::to_string(r.status) + "): " + error_text(r));
    }
    try {
      rooms_.push_back(json::parse(r.body).at("room").at("code").get<std::string>());
    } catch (const std::exception&) {
      throw std::runtime_error("POST /api/rooms answered without room.code: " + r.body.substr(0, 200));
    }
  }
}

std::unique_ptr<SignalingSession> BailanysAdapter::create_session(asio::io_context& io,
                                                                  SignalingListener& listener,
                                                                  const std::string& display_name,
                                                                  std::size_t room) {
  return std::make_unique<BailanysSession>(io, listener, server_, rooms_.at(room), display_name);
}

}  // namespace bailanys::load
