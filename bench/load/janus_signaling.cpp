#include <utility>  // before Asio (Boost 1.74 + GCC 12)

#include "janus_signaling.hpp"

#include "common/random.hpp"
#include "json_websocket.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <stdexcept>
#include <vector>

namespace bailanys::load {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
using nlohmann::json;

namespace {

constexpr auto kKeepaliveInterval = std::chrono::seconds(25);  // Janus drops sessions idle for 60 s
constexpr const char* kSubprotocol = "janus-protocol";
constexpr const char* kPlugin = "janus.plugin.videoroom";

std::string new_transaction() { return random_token(12); }

void decorate(websocket::stream<beast::tcp_stream>& ws) {
  ws.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
    req.set(beast::http::field::sec_websocket_protocol, kSubprotocol);
    req.set(beast::http::field::user_agent, "bailanys-load");
  }));
}

// The publish offer leaves the DTLS role open (a=setup:actpass); Janus would then take the
// client role, which our transport does not have. Offering a=setup:active makes Janus the
// DTLS server, as our own server is.
std::string offer_as_dtls_client(std::string sdp) {
  const std::string from = "a=setup:actpass";
  const std::string to = "a=setup:active";
  for (auto at = sdp.find(from); at != std::string::npos; at = sdp.find(from, at + to.size())) {
    sdp.replace(at, from.size(), to);
  }
  return sdp;
}

// "error_code: error" of a VideoRoom answer, or of a Janus core error.
std::string janus_error(const json& msg) {
  if (msg.contains("error")) {
    const auto& e = msg.at("error");
    return std::to_string(e.value("code", 0)) + ": " + e.value("reason", std::string{});
  }
  const auto& data = msg.at("plugindata").at("data");
  return std::to_string(data.value("error_code", 0)) + ": " + data.value("error", std::string{});
}

bool plugin_error(const json& msg) {
  return msg.contains("plugindata") && msg.at("plugindata").at("data").contains("error_code");
}

// One blocking exchange at a time, for prepare() on the main thread.
class BlockingJanus {
 public:
  explicit BlockingJanus(const ServerAddress& server) : ws_(io_) {
    asio::ip::tcp::resolver resolver(io_);
    beast::get_lowest_layer(ws_).connect(resolver.resolve(server.host, std::to_string(server.port)));
    decorate(ws_);
    ws_.handshake(server.host_port(), "/");
  }
  ~BlockingJanus() {
    beast::error_code ignored;
    ws_.close(websocket::close_code::normal, ignored);
  }
  BlockingJanus(const BlockingJanus&) = delete;
  BlockingJanus& operator=(const BlockingJanus&) = delete;

  // Sends `request` with a new transaction and returns the first answer to it that is not an
  // ack (plugin requests may answer "ack" first). Throws on a Janus or VideoRoom error.
  json call(json request) {
    const std::string transaction = new_transaction();
    request["transaction"] = transaction;
    ws_.text(true);
    ws_.write(asio::buffer(request.dump()));
    for (;;) {
      beast::flat_buffer buffer;
      ws_.read(buffer);
      json msg = json::parse(beast::buffers_to_string(buffer.data()));
      if (msg.value("transaction", "") != transaction || msg.value("janus", "") == "ack") continue;
      if (msg.value("janus", "") == "error" || plugin_error(msg)) {
        throw std::runtime_error("Janus refused " + request.value("janus", std::string{}) + ": " +
                                 janus_error(msg));
      }
      return msg;
    }
  }

 private:
  asio::io_context io_;
  websocket::stream<beast::tcp_stream> ws_;
};

class JanusSession final : public SignalingSession {
 public:
  JanusSession(asio::io_context& io, SignalingListener& listener, ServerAddress server,
               std::uint64_t room, std::string name)
      : listener_(listener),
        room_(room),
        name_(std::move(name)),
        ws_(io, std::move(server), {"/", "", kSubprotocol},
            {[this] { on_open(); }, [this](const std::string& text) { on_message(text); },
             [this](const std::string& code, const std::string& message) { fail(code, message); }}),
        keepalive_timer_(io) {}

  void start() override { ws_.connect(); }

  void publish(const std::string& offer_sdp, const std::map<std::string, std::string>& sources) override {
    bool audio = false, video = false;
    for (const auto& [mid, source] : sources) {
      audio = audio || source == "mic";
      video = video || source == "camera";
    }
    const json body = {{"request", "configure"}, {"audio", audio}, {"video", video}};
    json jsep = {{"type", "offer"}, {"sdp", offer_as_dtls_client(offer_sdp)}};
    // Janus reads the a=rid lines highest first unless told otherwise; ours are lowest first.
    if (offer_sdp.find("a=simulcast:") != std::string::npos) jsep["rid_order"] = "lmh";
    plugin_message(publisher_handle_, body, jsep, [this](const json& msg) {
      if (plugin_error(msg)) return fail("configure", "Janus refused our offer: " + janus_error(msg));
      if (!msg.contains("jsep")) return fail("configure", "Janus answered configure without JSEP");
      // After the SDP: Janus has a stream to attach the end of our (empty) candidate list to.
      end_of_candidates(publisher_handle_);
      listener_.on_publish_answer(msg.at("jsep").at("sdp").get<std::string>());
    });
  }

  void answer_subscribe(const std::string& answer_sdp, std::uint64_t /*version*/) override {
    const json jsep = {{"type", "answer"}, {"sdp", answer_sdp}};
    plugin_message(subscriber_handle_, {{"request", "start"}}, jsep, [this](const json& msg) {
      if (plugin_error(msg)) {
        listener_.on_signaling_error("start", "Janus refused our answer: " + janus_error(msg), true);
        return;
      }
      negotiating_ = false;
      subscribe_pending();
    });
    if (!sent_subscriber_candidates_) {
      sent_subscriber_candidates_ = true;
      end_of_candidates(subscriber_handle_);
    }
  }

  void want_video_layer(int layer) override {
    wanted_layer_ = layer;
    if (subscriber_handle_ == 0 || closed_) return;
    for (const auto& mid : video_mids_) configure_substream(mid);
  }

  void close() override {
    if (closed_) return;
    closed_ = true;
    keepalive_timer_.cancel();
    // Janus destroys the sessions of a WebSocket that goes away (hang-up, leaving events).
    ws_.close();
  }

 private:
  using Reply = std::function<void(const json&)>;

  void on_open() {
    listener_.on_signaling_open();
    if (closed_) return;
    core({{"janus", "create"}}, [this](const json& msg) {
      session_id_ = msg.at("data").at("id").get<std::uint64_t>();
      arm_keepalive();
      attach([this](std::uint64_t handle) {
        publisher_handle_ = handle;
        const json join = {{"request", "join"}, {"ptype", "publisher"}, {"room", room_}, {"display", name_}};
        plugin_message(publisher_handle_, join, json(), [this](const json& reply) {
          if (plugin_error(reply)) return fail("join", "Janus refused the join: " + janus_error(reply));
          // The "joined" event itself is handled in on_event (it may list publishers).
        });
      });
    });
  }

  void attach(std::function<void(std::uint64_t)> done) {
    core({{"janus", "attach"}, {"plugin", kPlugin}}, [done = std::move(done)](const json& msg) {
      done(msg.at("data").at("id").get<std::uint64_t>());
    });
  }

  // A Janus core request (create, attach): `reply` gets the success answer.
  void core(json request, Reply reply) {
    const std::string transaction = new_transaction();
    request["transaction"] = transaction;
    if (session_id_ != 0) request["session_id"] = session_id_;
    pending_[transaction] = std::move(reply);
    send(request);
  }

  // A message to the plugin; `reply` gets the event (or error) answering it, after the ack.
  void plugin_message(std::uint64_t handle, const json& body, const json& jsep, Reply reply) {
    const std::string transaction = new_transaction();
    json request = {{"janus", "message"}, {"session_id", session_id_}, {"handle_id", handle},
                    {"transaction", transaction}, {"body", body}};
    if (!jsep.is_null()) request["jsep"] = jsep;
    pending_[transaction] = std::move(reply);
    send(request);
  }

  void end_of_candidates(std::uint64_t handle) {
    send({{"janus", "trickle"}, {"session_id", session_id_}, {"handle_id", handle},
          {"transaction", new_transaction()}, {"candidate", {{"completed", true}}}});
  }

  void on_message(const std::string& text) {
    json msg;
    try {
      msg = json::parse(text);
    } catch (const std::exception&) {
      return;
    }
    const std::string kind = msg.value("janus", "");
    try {
      if (kind == "ack") return;
      if (kind == "error") {
        pending_.erase(msg.value("transaction", ""));
        return fail("janus", "Janus error " + janus_error(msg));
      }
      if (kind == "event") on_event(msg);
      if (kind == "success" || kind == "event") {
        const auto it = pending_.find(msg.value("transaction", ""));
        if (it != pending_.end()) {
          const Reply reply = std::move(it->second);
          pending_.erase(it);
          reply(msg);
        }
        return;
      }
      if (kind == "hangup") {
        listener_.on_signaling_error("hangup", "Janus hung up a PeerConnection: " + msg.value("reason", ""), false);
      } else if (kind == "timeout") {
        fail("timeout", "Janus timed the session out");
      }
      // trickle (Janus's candidates are in its SDP), webrtcup, media, slowlink: nothing to do.
    } catch (const json::exception& e) {
      listener_.on_signaling_error("protocol", kind + " did not have the documented fields: " + e.what(), true);
    }
  }

  // Events of the plugin, whether or not they answer a request of ours.
  void on_event(const json& msg) {
    if (!msg.contains("plugindata")) return;
    const auto& data = msg.at("plugindata").at("data");
    const std::uint64_t sender = msg.value("sender", std::uint64_t{0});
    const std::string what = data.value("videoroom", "");
    if (sender == publisher_handle_) {
      if (what == "joined") {
        own_feed_ = data.at("id");
        listener_.on_joined(own_feed_.dump());
        if (closed_) return;
      }
      if (data.contains("publishers")) {
        for (const auto& p : data.at("publishers")) add_feed(p.at("id"));
      }
    } else if (sender == subscriber_handle_ && sender != 0) {
      if (data.contains("streams")) note_video_mids(data.at("streams"));
      if (msg.contains("jsep") && msg.at("jsep").value("type", "") == "offer") {
        SubscribeOffer offer;
        offer.sdp = msg.at("jsep").at("sdp").get<std::string>();
        offer.version = ++offer_version_;
        listener_.on_subscribe_offer(offer);
      } else if (what == "updated") {
        negotiating_ = false;  // nothing changed: no offer to answer
        subscribe_pending();
      }
    }
  }

  void add_feed(const json& feed) {
    if (feed == own_feed_) return;
    for (const auto& known : feeds_) {
      if (known == feed) return;
    }
    feeds_.push_back(feed);
    to_subscribe_.push_back(feed);
    subscribe_pending();
  }

  // One subscriber handle for every feed, one negotiation at a time.
  void subscribe_pending() {
    if (closed_ || to_subscribe_.empty() || negotiating_ || attaching_) return;
    if (subscriber_handle_ == 0) {
      attaching_ = true;
      attach([this](std::uint64_t handle) {
        attaching_ = false;
        subscriber_handle_ = handle;
        subscribe_pending();
      });
      return;
    }
    json streams = json::array();
    for (const auto& feed : to_subscribe_) {
      json stream = {{"feed", feed}};
      if (wanted_layer_ >= 0) stream["substream"] = wanted_layer_;  // simulcast feeds only
      streams.push_back(std::move(stream));
    }
    to_subscribe_.clear();
    negotiating_ = true;
    json body;
    if (!subscriber_joined_) {
      subscriber_joined_ = true;
      body = {{"request", "join"}, {"ptype", "subscriber"}, {"room", room_}, {"streams", streams}};
    } else {
      body = {{"request", "update"}, {"subscribe", streams}};
    }
    const std::string request = body.at("request").get<std::string>();
    plugin_message(subscriber_handle_, body, json(), [this, request](const json& reply) {
      if (plugin_error(reply)) {
        negotiating_ = false;
        listener_.on_signaling_error("subscribe", "Janus refused " + request + ": " + janus_error(reply), false);
      }
      // The offer itself is handled in on_event.
    });
  }

  void send(const json& msg) { ws_.send(msg); }

  // The subscription's video m-sections, from an attached/updated event's `streams`: a layer
  // change names each of them (`configure` takes one mid).
  void note_video_mids(const json& streams) {
    for (const auto& s : streams) {
      if (s.value("type", "") != "video" || !s.value("active", true)) continue;
      const std::string mid = s.value("mid", "");
      if (!mid.empty() &&
          std::find(video_mids_.begin(), video_mids_.end(), mid) == video_mids_.end()) {
        video_mids_.push_back(mid);
      }
    }
  }

  void configure_substream(const std::string& mid) {
    const json body = {{"request", "configure"}, {"mid", mid}, {"substream", wanted_layer_}};
    plugin_message(subscriber_handle_, body, json(), [this](const json& reply) {
      if (plugin_error(reply)) {
        listener_.on_signaling_error("configure",
                                     "Janus refused a substream: " + janus_error(reply), false);
      }
    });
  }

  void arm_keepalive() {
    keepalive_timer_.expires_after(kKeepaliveInterval);
    keepalive_timer_.async_wait([this](beast::error_code e) {
      if (e || closed_) return;
      send({{"janus", "keepalive"}, {"session_id", session_id_}, {"transaction", new_transaction()}});
      arm_keepalive();
    });
  }

  void fail(const std::string& code, const std::string& message) {
    if (closed_) return;
    listener_.on_signaling_error(code, message, true);
  }

  SignalingListener& listener_;
  std::uint64_t room_;
  std::string name_;
  JsonWebSocket ws_;
  asio::steady_timer keepalive_timer_;
  std::map<std::string, Reply> pending_;  // transaction -> what to do with its answer
  std::uint64_t session_id_ = 0;
  std::uint64_t publisher_handle_ = 0;
  std::uint64_t subscriber_handle_ = 0;
  json own_feed_;                 // our publisher id (a number, or a string with string_ids)
  std::vector<json> feeds_;       // every other publisher seen
  std::vector<json> to_subscribe_;
  std::vector<std::string> video_mids_;  // of the subscriber PeerConnection
  int wanted_layer_ = -1;                // simulcast substream asked for; -1: Janus's default
  std::uint64_t offer_version_ = 0;
  bool attaching_ = false;
  bool subscriber_joined_ = false;
  bool negotiating_ = false;  // a join/update sent, its offer not yet answered and started
  bool sent_subscriber_candidates_ = false;
  bool closed_ = false;
};

}  // namespace

JanusAdapter::JanusAdapter(ServerAddress server, std::string room, int max_publishers)
    : server_(std::move(server)), given_room_(std::move(room)), max_publishers_(max_publishers) {}

void JanusAdapter::prepare(int rooms) {
  std::uint64_t given_id = 0;
  if (!given_room_.empty()) {
    try {
      given_id = std::stoull(given_room_);
    } catch (const std::exception&) {
      throw std::runtime_error("--room must be a numeric VideoRoom id for Janus: " + given_room_);
    }
  }
  try {
    BlockingJanus janus(server_);
    const auto session = janus.call({{"janus", "create"}}).at("data").at("id").get<std::uint64_t>();
    const auto handle = janus.call({{"janus", "attach"}, {"session_id", session}, {"plugin", kPlugin}})
                            .at("data").at("id").get<std::uint64_t>();
    const auto message = [&](const json& body) {
      return janus.call({{"janus", "message"}, {"session_id", session}, {"handle_id", handle}, {"body", body}});
    };
    if (given_id != 0) {
      const auto reply = message({{"request", "exists"}, {"room", given_id}});
      if (!reply.at("plugindata").at("data").value("exists", false)) {
        throw std::runtime_error("VideoRoom " + given_room_ + " is not there");
      }
      rooms_ = {given_room_};
    }
    for (int i = 0; given_id == 0 && i < rooms; ++i) {
      const std::uint64_t room_id = random_below(0x7FFFFFFF) + 1;
      // Sized for the run; no bitrate cap (REMB) and no periodic FIR, as our server.
      message({{"request", "create"},
               {"room", room_id},
               {"description", "bailanys-load-" + std::to_string(i + 1)},
               {"publishers", max_publishers_},
               {"bitrate", 0},
               {"fir_freq", 0},
               {"audiocodec", "opus"},
               {"videocodec", "vp8"},
               {"notify_joining", false},
               {"permanent", false}});
      rooms_.push_back(std::to_string(room_id));
    }
    janus.call({{"janus", "destroy"}, {"session_id", session}});
  } catch (const json::exception& e) {
    throw std::runtime_error(std::string("Janus answered without the documented fields: ") + e.what());
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot talk to Janus at " + server_.host_port() + ": " + e.what());
  }
}

std::unique_ptr<SignalingSession> JanusAdapter::create_session(asio::io_context& io,
                                                               SignalingListener& listener,
                                                               const std::string& display_name,
                                                               std::size_t room) {
  return std::make_unique<JanusSession>(io, listener, server_, std::stoull(rooms_.at(room)),
                                        display_name);
}

}  // namespace bailanys::load
