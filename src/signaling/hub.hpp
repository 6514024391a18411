// The live side of rooms: sockets, participants, presence and chat delivery.
// Everything here runs on the control thread; the store pool is reached with
// submit(), and its results come back through the injected `post`.
#pragma once

#include "auth/rate_limiter.hpp"
#include "http/types.hpp"
#include "sfu/media_service.hpp"
#include "signaling/messages.hpp"
#include "store/store_pool.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace bailanys::signaling {

struct HubOptions {
  int max_room_size = 100;
  std::vector<std::string> allowed_origins;
  store::TimeMs reconnect_grace_ms = 20'000;
  store::TimeMs hello_timeout_ms = 10'000;
  int max_bad_frames = 20;
  int max_media_participants = 24;
};

struct HubClock {
  std::function<store::TimeMs()> wall;    // stored timestamps
  std::function<store::TimeMs()> steady;  // timers and rate limits
};

struct HubStats {
  std::size_t connections = 0;
  std::size_t participants = 0;
  std::size_t rooms = 0;
};

class Hub final : public http::WsHandler {
 public:
  using Post = std::function<void(std::function<void()>)>;

  Hub(store::StorePool& pool, Post post_to_control, HubClock clock, HubOptions options);
  ~Hub() override;
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  std::optional<http::HttpResponse> check_upgrade(const http::HttpRequest& request) override;
  std::unique_ptr<http::WsListener> on_open(std::shared_ptr<http::WsConnection> connection,
                                            const http::HttpRequest& request) override;

  // The media plane (nullable: chat only). Its room events must reach on_media_event on the
  // control thread.
  void set_media(sfu::MediaService* media) { media_ = media; }
  void on_media_event(const sfu::RoomEvent& event);

  // Expires silent handshakes and reconnect grace periods. Call about once a second.
  void tick();
  [[nodiscard]] HubStats stats() const;

  // Called by the per-socket listener.
  using ConnId = std::uint64_t;
  void on_text(ConnId id, std::string_view text);
  void on_binary(ConnId id);
  void on_closed(ConnId id, const http::WsCloseInfo& info);

 private:
  enum class ConnState { kAwaitHello, kJoining, kJoined, kClosing };
  struct Conn {
    std::shared_ptr<http::WsConnection> ws;
    std::string remote_address;
    std::optional<std::string> session_hash;
    ConnState state = ConnState::kAwaitHello;
    store::TimeMs opened_at = 0;
    int bad_frames = 0;
    std::string participant_id;
  };
  struct Participant {
    ParticipantView view;
    store::Id room_id = 0;
    std::string resume_token;
    std::optional<ConnId> conn;
    store::TimeMs disconnected_at = 0;
    int protocol = 1;  // the version agreed in welcome
    bool media_joined = false;
    // The latest receive offer, kept until answered so a resumed socket gets it again.
    std::optional<std::string> pending_offer;
    // media.prefs as merged so far (applied again after every media.join).
    sfu::ReceivePrefs prefs;
    // The latest media.receiving frame, sent again to a resumed socket.
    std::optional<std::string> receiving;
  };
  struct RoomState {
    store::Room room;
    std::vector<std::string> participant_ids;  // in join order
    sfu::VideoCap media_cap = sfu::VideoCap::High;  // media.cap; forgotten with the room
  };
  struct Hello {
    std::string code;
    std::string name;
    std::optional<std::string> resume;
    int version = 1;  // min(client's, ours)
  };
  struct JoinLookup;

  void handle_hello(ConnId id, Conn& conn, const nlohmann::json& msg);
  void finish_join(ConnId id, const Hello& hello, const JoinLookup& lookup);
  void handle_chat(ConnId id, Conn& conn, const nlohmann::json& msg);
  void deliver_chat(const std::string& participant_id, store::Id room_id,
                    const store::AppendResult& result);
  void handle_leave(ConnId id, Conn& conn);
  // hub_media.cpp
  void handle_media(ConnId id, Conn& conn, const std::string& type, const nlohmann::json& msg);
  void media_join(ConnId id, Participant& p);
  void media_publish(ConnId id, Participant& p, const nlohmann::json& msg);
  void media_answer(ConnId id, Participant& p, const nlohmann::json& msg);
  void media_state(ConnId id, Participant& p, const nlohmann::json& msg);
  void media_leave(Participant& p);
  // hub_quality.cpp: adaptive quality (media.view, media.prefs, media.cap and their events)
  void media_view(ConnId id, Participant& p, const nlohmann::json& msg);
  void media_prefs(ConnId id, Participant& p, const nlohmann::json& msg);
  void media_cap(ConnId id, Participant& p, const nlohmann::json& msg);
  void apply_quality_settings(Participant& p);  // after media.join: cap and prefs again
  void on_quality_event(const sfu::RoomEvent& event);
  void on_receiving_event(Participant& p, const sfu::RoomEvent& event);
  [[nodiscard]] bool in_room(store::Id room_id, const std::string& participant_id) const;
  [[nodiscard]] sfu::VideoCap media_cap_of(store::Id room_id) const;
  void broadcast_media(store::Id room_id, const std::string& frame);
  [[nodiscard]] int media_participants(store::Id room_id) const;
  void bad_frame(ConnId id, Conn& conn, std::string_view code, std::string_view message);

  void send(ConnId id, const std::string& frame);
  void send_to_participant(const std::string& participant_id, const std::string& frame);
  void broadcast(store::Id room_id, const std::string& frame,
                 const std::string& except_participant = {});
  void fail_and_close(ConnId id, std::string_view code, std::string_view message);
  void remove_participant(const std::string& participant_id, std::string_view reason);
  [[nodiscard]] nlohmann::json participants_json(store::Id room_id) const;

  store::StorePool& pool_;
  sfu::MediaService* media_ = nullptr;
  Post post_;
  HubClock clock_;
  HubOptions options_;
  ConnId next_conn_id_ = 1;
  std::unordered_map<ConnId, Conn> conns_;
  std::unordered_map<std::string, Participant> participants_;
  std::unordered_map<std::string, std::string> resume_index_;  // token -> participant id
  std::unordered_map<store::Id, RoomState> rooms_;
  auth::RateLimiter chat_by_identity_;
  auth::RateLimiter chat_by_address_;
  auth::RateLimiter media_by_participant_;  // renegotiations reach everyone in the room
  // Pool jobs hold a weak copy: results that arrive after the hub is gone are dropped.
  std::shared_ptr<Hub*> alive_;
};

}  // namespace bailanys::signaling
