#include "signaling/hub.hpp"

#include "auth/session_token.hpp"
#include "auth/validation.hpp"
#include "http/cookies.hpp"
#include "http/origin.hpp"
#include "views/views.hpp"

#include <spdlog/spdlog.h>

namespace bailanys::signaling {
namespace {

// Forwards one socket's frames to the hub under its connection id.
class HubListener final : public http::WsListener {
 public:
  HubListener(Hub& hub, Hub::ConnId id) : hub_(hub), id_(id) {}
  void on_text(std::string_view text) override { hub_.on_text(id_, text); }
  void on_binary() override { hub_.on_binary(id_); }
  void on_closed(const http::WsCloseInfo& info) override { hub_.on_closed(id_, info); }

 private:
  Hub& hub_;
  Hub::ConnId id_;
};

http::HttpResponse refusal(int status, std::string_view code, std::string_view message) {
  http::HttpResponse r;
  r.status = status;
  r.content_type = "application/json; charset=utf-8";
  r.body = views::error_json(code, message).dump();
  return r;
}

}  // namespace

Hub::Hub(store::StorePool& pool, Post post_to_control, HubClock clock, HubOptions options)
    : pool_(pool),
      post_(std::move(post_to_control)),
      clock_(std::move(clock)),
      options_(std::move(options)),
      chat_by_identity_({10, 5, 100000}),
      // Generous: a whole classroom may share one NAT address.
      chat_by_address_({60, 30, 100000}),
      // A join, a publish and a few answers per second is normal; a loop is not.
      media_by_participant_({40, 10, 100000}),
      alive_(std::make_shared<Hub*>(this)) {}

Hub::~Hub() = default;

std::optional<http::HttpResponse> Hub::check_upgrade(const http::HttpRequest& request) {
  if (request.path != "/ws") return refusal(404, "not_found", "the WebSocket lives at /ws");
  if (!http::origin_allowed(request, options_.allowed_origins)) {
    spdlog::warn("refused WebSocket from {} with origin '{}'", request.remote_address,
                 request.header("origin") ? *request.header("origin") : "");
    return refusal(403, "bad_origin", "WebSocket connections from that origin are refused");
  }
  return std::nullopt;
}

std::unique_ptr<http::WsListener> Hub::on_open(std::shared_ptr<http::WsConnection> connection,
                                               const http::HttpRequest& request) {
  const ConnId id = next_conn_id_++;
  Conn conn;
  conn.ws = std::move(connection);
  conn.remote_address = request.remote_address;
  conn.opened_at = clock_.steady();
  if (const auto token = http::cookie_value(request, "bailanys_session");
      token && !token->empty() && token->size() <= 128) {
    conn.session_hash = auth::hash_session_token(*token);
  }
  conns_.emplace(id, std::move(conn));
  return std::make_unique<HubListener>(*this, id);
}

void Hub::on_text(ConnId id, std::string_view text) {
  auto it = conns_.find(id);
  if (it == conns_.end() || it->second.state == ConnState::kClosing) return;
  Conn& conn = it->second;
  const auto msg = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (msg.is_discarded()) return bad_frame(id, conn, "invalid_json", "the frame is not JSON");
  if (!msg.is_object() || !msg.contains("type") || !msg["type"].is_string()) {
    return bad_frame(id, conn, "invalid_message", "a message needs a string \"type\"");
  }
  const std::string& type = msg["type"].get_ref<const std::string&>();
  if (type == "hello") return handle_hello(id, conn, msg);
  if (type == "ping") {
    conn.bad_frames = 0;
    return send(id, event("pong", nlohmann::json::object()));
  }
  if (type.starts_with("media.") && type.size() < 32) {
    if (conn.state != ConnState::kJoined) {
      return bad_frame(id, conn, "not_joined", "send hello and wait for welcome first");
    }
    return handle_media(id, conn, type, msg);
  }
  if (type == "chat" || type == "leave") {
    if (conn.state != ConnState::kJoined) {
      return bad_frame(id, conn, "not_joined", "send hello and wait for welcome first");
    }
    conn.bad_frames = 0;
    return type == "chat" ? handle_chat(id, conn, msg) : handle_leave(id, conn);
  }
  bad_frame(id, conn, "unknown_type", "unknown message type");
}

void Hub::on_binary(ConnId id) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  bad_frame(id, it->second, "invalid_message", "binary frames are not part of the protocol");
}

void Hub::bad_frame(ConnId id, Conn& conn, std::string_view code, std::string_view message) {
  send(id, error_event(code, message));
  if (++conn.bad_frames > options_.max_bad_frames) {
    spdlog::warn("closing socket from {}: too many bad frames", conn.remote_address);
    conn.state = ConnState::kClosing;
    conn.ws->close(1008, "too many bad frames");
  }
}

void Hub::on_closed(ConnId id, const http::WsCloseInfo& info) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  const std::string pid = it->second.participant_id;
  conns_.erase(it);
  const auto p = participants_.find(pid);
  if (pid.empty() || p == participants_.end() || p->second.conn != id) return;
  // 1000 normal, 1001 going away (a closed tab), 1005/0 no status: the client said goodbye,
  // so no grace period. Other codes (a client abandoning a stale socket) keep it resumable.
  const bool goodbye =
      info.clean && (info.code == 1000 || info.code == 1001 || info.code == 1005 || info.code == 0);
  if (goodbye) {
    remove_participant(pid, "left");
    return;
  }
  p->second.conn.reset();
  p->second.view.online = false;
  p->second.disconnected_at = clock_.steady();
  broadcast(p->second.room_id,
            event("participant-updated", {{"participant", participant_json(p->second.view)}}), pid);
}

void Hub::handle_chat(ConnId id, Conn& conn, const nlohmann::json& msg) {
  const auto cid = msg.find("clientId");
  const auto text = msg.find("text");
  if (cid == msg.end() || !cid->is_string() || !auth::valid_client_id(cid->get<std::string>())) {
    return send(id, error_event("invalid_message", "chat needs a clientId of 1-64 characters"));
  }
  const std::string client_id = cid->get<std::string>();
  if (text == msg.end() || !text->is_string()) {
    return send(id, error_event("invalid_message", "chat needs a text string", client_id));
  }
  auto clean = auth::clean_chat_text(text->get<std::string>());
  switch (clean.error) {
    case auth::ChatTextError::kEmpty:
      return send(id, error_event("empty_message", "the message is empty", client_id));
    case auth::ChatTextError::kTooLong:
      return send(id, error_event("message_too_long", "messages hold at most 2000 characters",
                                  client_id));
    case auth::ChatTextError::kInvalid:
      return send(id, error_event("invalid_message", "the text has control characters",
                                  client_id));
    case auth::ChatTextError::kNone:
      break;
  }
  const Participant& p = participants_.at(conn.participant_id);
  const std::string identity =
      p.view.user_id ? "u:" + std::to_string(*p.view.user_id) : "p:" + p.view.id;
  const auto now = clock_.steady();
  for (auto* limiter : {&chat_by_identity_, &chat_by_address_}) {
    const auto d = limiter->take(limiter == &chat_by_identity_ ? identity : conn.remote_address, now);
    if (!d.allowed) return send(id, rate_limited_event((d.retry_after_ms + 999) / 1000, client_id));
  }
  store::NewMessage m{p.room_id, p.view.user_id, p.view.name, std::move(clean.text), client_id,
                      clock_.wall()};
  const std::string pid = p.view.id;
  const store::Id room_id = p.room_id;
  std::weak_ptr<Hub*> alive = alive_;
  const bool queued = pool_.submit_ordered(
      static_cast<std::uint64_t>(room_id), [this, m = std::move(m), pid, room_id, alive,
                                            post = post_](store::Store& s) {
        std::optional<store::AppendResult> result;
        try {
          result = s.append_message(m);
        } catch (const std::exception& e) {
          spdlog::error("storing a chat message failed: {}", e.what());
        }
        post([this, alive, result, pid, room_id, client_id = m.client_id] {
          if (alive.expired()) return;
          if (!result) {
            return send_to_participant(
                pid, error_event("internal", "the message could not be stored", client_id));
          }
          deliver_chat(pid, room_id, *result);
        });
      });
  if (!queued) send(id, error_event("internal", "the server is busy, try again", client_id));
}

void Hub::deliver_chat(const std::string& participant_id, store::Id room_id,
                       const store::AppendResult& result) {
  const std::string frame = event("chat", {{"message", views::message_json(result.message)}});
  if (result.duplicate) {
    // Already delivered to the room once: only confirm it to its sender.
    return send_to_participant(participant_id, frame);
  }
  broadcast(room_id, frame);
}

void Hub::handle_leave(ConnId /*id*/, Conn& conn) {
  const std::string pid = conn.participant_id;
  conn.state = ConnState::kClosing;
  conn.participant_id.clear();
  remove_participant(pid, "left");
  conn.ws->close(1000, "left");
}

void Hub::remove_participant(const std::string& participant_id, std::string_view reason) {
  const auto it = participants_.find(participant_id);
  if (it == participants_.end()) return;
  const store::Id room_id = it->second.room_id;
  media_leave(it->second);
  resume_index_.erase(it->second.resume_token);
  participants_.erase(it);
  auto room = rooms_.find(room_id);
  if (room != rooms_.end()) {
    std::erase(room->second.participant_ids, participant_id);
    if (room->second.participant_ids.empty()) rooms_.erase(room);
  }
  broadcast(room_id,
            event("participant-left", {{"participantId", participant_id}, {"reason", reason}}));
}

void Hub::tick() {
  const auto now = clock_.steady();
  std::vector<ConnId> silent;
  for (auto& [id, conn] : conns_) {
    if (conn.state == ConnState::kAwaitHello && now - conn.opened_at > options_.hello_timeout_ms) {
      silent.push_back(id);
    }
  }
  for (const ConnId id : silent) fail_and_close(id, "invalid_message", "no hello within 10 s");
  std::vector<std::string> expired;
  for (const auto& [pid, p] : participants_) {
    if (!p.conn && now - p.disconnected_at > options_.reconnect_grace_ms) expired.push_back(pid);
  }
  for (const auto& pid : expired) remove_participant(pid, "timeout");
}

HubStats Hub::stats() const { return {conns_.size(), participants_.size(), rooms_.size()}; }

void Hub::send(ConnId id, const std::string& frame) {
  const auto it = conns_.find(id);
  if (it != conns_.end()) it->second.ws->send_text(frame);
}

void Hub::send_to_participant(const std::string& participant_id, const std::string& frame) {
  const auto it = participants_.find(participant_id);
  if (it != participants_.end() && it->second.conn) send(*it->second.conn, frame);
}

void Hub::broadcast(store::Id room_id, const std::string& frame,
                    const std::string& except_participant) {
  const auto room = rooms_.find(room_id);
  if (room == rooms_.end()) return;
  for (const auto& pid : room->second.participant_ids) {
    if (pid != except_participant) send_to_participant(pid, frame);
  }
}

void Hub::fail_and_close(ConnId id, std::string_view code, std::string_view message) {
  const auto it = conns_.find(id);
  if (it == conns_.end()) return;
  it->second.ws->send_text(error_event(code, message));
  it->second.state = ConnState::kClosing;
  it->second.ws->close(4000, std::string(code));
}

nlohmann::json Hub::participants_json(store::Id room_id) const {
  nlohmann::json list = nlohmann::json::array();
  const auto room = rooms_.find(room_id);
  if (room == rooms_.end()) return list;
  for (const auto& pid : room->second.participant_ids) {
    list.push_back(participant_json(participants_.at(pid).view));
  }
  return list;
}

}  // namespace bailanys::signaling
