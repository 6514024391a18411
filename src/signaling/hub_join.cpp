// hello → (store lookup on the pool) → welcome: joining, resuming and replacing.
#include "auth/room_code.hpp"
#include "auth/validation.hpp"
#include "common/random.hpp"
#include "signaling/hub.hpp"
#include "views/views.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace bailanys::signaling {

namespace {
constexpr int kHistoryPage = 50;
}

// What one pool round trip finds out for a hello.
struct Hub::JoinLookup {
  bool failed = false;
  std::optional<store::Room> room;
  std::optional<store::User> user;
  std::vector<store::Message> history;
  bool has_more = false;
};

void Hub::handle_hello(ConnId id, Conn& conn, const nlohmann::json& msg) {
  if (conn.state != ConnState::kAwaitHello) {
    return bad_frame(id, conn, "already_joined", "this socket has already sent hello");
  }
  const auto v = msg.find("v");
  if (v != msg.end() && (!v->is_number_integer() || v->get<long long>() < 1)) {
    return fail_and_close(id, "unsupported_version", "v must be a protocol version number");
  }
  const auto room = msg.find("room");
  if (room == msg.end() || !room->is_string()) {
    return bad_frame(id, conn, "invalid_message", "hello needs the room code");
  }
  const auto code = auth::normalize_room_code(room->get<std::string>());
  if (!code) return fail_and_close(id, "room_not_found", "that is not a room code");
  Hello hello;
  hello.code = *code;
  hello.version = v == msg.end() ? 1 : static_cast<int>(std::min<long long>(v->get<long long>(), kProtocolVersion));
  if (const auto name = msg.find("name"); name != msg.end() && name->is_string()) {
    hello.name = name->get<std::string>();
  }
  if (const auto resume = msg.find("resume"); resume != msg.end() && resume->is_string()) {
    hello.resume = resume->get<std::string>();
  }
  // A guest's name is checked now; a signed-in user's name comes from the account.
  if (!conn.session_hash && !auth::clean_display_name(hello.name)) {
    return fail_and_close(id, "invalid_name", "a name of 1-64 characters is needed");
  }
  conn.state = ConnState::kJoining;
  conn.bad_frames = 0;
  std::weak_ptr<Hub*> alive = alive_;
  const auto session_hash = conn.session_hash;
  const auto now = clock_.wall();
  const bool queued = pool_.submit([this, alive, id, hello, session_hash, now,
                                    post = post_](store::Store& s) {
    JoinLookup r;
    try {
      r.room = s.find_room_by_code(hello.code);
      if (session_hash) {
        if (const auto session = s.find_session(*session_hash, now)) {
          r.user = s.find_user_by_id(session->user_id);
        }
      }
      if (r.room) {
        if (r.user) s.record_visit(r.user->id, r.room->id, now);
        r.history = s.messages_before(r.room->id, std::nullopt, kHistoryPage + 1);
        r.has_more = static_cast<int>(r.history.size()) > kHistoryPage;
        if (r.has_more) r.history.erase(r.history.begin());
      }
    } catch (const std::exception& e) {
      spdlog::error("join lookup failed: {}", e.what());
      r.failed = true;
    }
    post([this, alive, id, hello, r = std::move(r)] {
      if (!alive.expired()) finish_join(id, hello, r);
    });
  });
  if (!queued) fail_and_close(id, "internal", "the server is busy, try again");
}

void Hub::finish_join(ConnId id, const Hello& hello, const JoinLookup& lookup) {
  const auto it = conns_.find(id);
  if (it == conns_.end() || it->second.state != ConnState::kJoining) return;  // gone meanwhile
  Conn& conn = it->second;
  if (lookup.failed) return fail_and_close(id, "internal", "the database is unavailable");
  if (!lookup.room) return fail_and_close(id, "room_not_found", "no room with that code");
  const store::Room& room = *lookup.room;
  if (!room.allow_guests && !lookup.user) {
    return fail_and_close(id, "guests_not_allowed", "this room is for signed-in users only");
  }
  std::string name;
  if (lookup.user) {
    name = lookup.user->display_name;
  } else if (auto clean = auth::clean_display_name(hello.name)) {
    name = std::move(*clean);
  } else {
    return fail_and_close(id, "invalid_name", "a name of 1-64 characters is needed");
  }

  // Resume: the same participant continues on this socket.
  Participant* p = nullptr;
  bool was_reconnecting = false;
  if (hello.resume) {
    const auto r = resume_index_.find(*hello.resume);
    if (r != resume_index_.end()) {
      auto& candidate = participants_.at(r->second);
      const bool same_identity = candidate.view.user_id ==
                                 (lookup.user ? std::optional(lookup.user->id) : std::nullopt);
      if (candidate.room_id == room.id && same_identity) p = &candidate;
    }
  }
  if (p != nullptr) {
    if (p->conn) {
      // The old socket is still open (a network switch the server has not noticed yet).
      const ConnId old = *p->conn;
      if (auto oc = conns_.find(old); oc != conns_.end()) {
        oc->second.participant_id.clear();
        oc->second.state = ConnState::kClosing;
        oc->second.ws->close(4001, "replaced");
      }
    }
    was_reconnecting = !p->view.online;
    if (p->protocol >= kMediaProtocolVersion && hello.version < kMediaProtocolVersion) {
      media_leave(*p);  // resumed by a client that no longer speaks media
    }
    p->conn = id;
    p->view.online = true;
    p->view.name = name;
  } else {
    auto& members = rooms_[room.id];
    if (static_cast<int>(members.participant_ids.size()) >= options_.max_room_size) {
      if (members.participant_ids.empty()) rooms_.erase(room.id);
      return fail_and_close(id, "room_full", "the room is full");
    }
    members.room = room;
    Participant fresh;
    fresh.view.id = "p" + random_token(12);
    fresh.view.name = name;
    fresh.view.user_id = lookup.user ? std::optional(lookup.user->id) : std::nullopt;
    fresh.view.is_owner = lookup.user && lookup.user->id == room.owner_id;
    fresh.view.joined_at = clock_.wall();
    fresh.room_id = room.id;
    fresh.resume_token = random_token(24);
    fresh.conn = id;
    resume_index_.emplace(fresh.resume_token, fresh.view.id);
    members.participant_ids.push_back(fresh.view.id);
    p = &participants_.emplace(fresh.view.id, std::move(fresh)).first->second;
  }
  conn.state = ConnState::kJoined;
  conn.participant_id = p->view.id;
  p->protocol = hello.version;

  nlohmann::json history = nlohmann::json::array();
  for (const auto& m : lookup.history) history.push_back(views::message_json(m));
  send(id, event("welcome",
                 {{"v", p->protocol},
                  {"self", participant_json(p->view)},
                  {"room", views::room_json(room, lookup.user ? std::optional(lookup.user->id)
                                                              : std::nullopt)},
                  {"participants", participants_json(room.id)},
                  {"resumeToken", p->resume_token},
                  {"mediaCap", video_cap_name(media_cap_of(room.id))},
                  {"history", {{"messages", history}, {"hasMore", lookup.has_more}}}}));
  if (hello.resume && p->resume_token == *hello.resume) {
    // A receive offer sent while the socket was down is sent again.
    if (p->media_joined && p->pending_offer) send(id, *p->pending_offer);
    // And what it receives now (it may have changed while the socket was down).
    if (p->media_joined && p->receiving) send(id, *p->receiving);
    if (was_reconnecting) {
      broadcast(room.id, event("participant-updated", {{"participant", participant_json(p->view)}}),
                p->view.id);
    }
    return;
  }
  broadcast(room.id, event("participant-joined", {{"participant", participant_json(p->view)}}),
            p->view.id);
}

}  // namespace bailanys::signaling
