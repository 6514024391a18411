// The persistence interface. One Store object is one database connection and
// is used by one thread at a time (the store pool gives each worker thread its
// own). Backends: SQLite (embedded default) and PostgreSQL.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bailanys::store {

using Id = std::int64_t;
using TimeMs = std::int64_t;  // milliseconds since the Unix epoch

struct User {
  Id id = 0;
  std::string username;  // stored ASCII-lower-cased; unique case-insensitively
  std::string display_name;
  std::string password_hash;  // libsodium argon2id string
  std::string language;       // "en", "kk", "ru", "uk"
  TimeMs created_at = 0;
};

struct NewUser {
  std::string username;
  std::string display_name;
  std::string password_hash;
  std::string language;
  TimeMs now = 0;
};

struct Session {
  std::string token_hash;  // hex SHA-256 of the cookie token; the token itself is never stored
  Id user_id = 0;
  TimeMs created_at = 0;
  TimeMs expires_at = 0;
};

struct Room {
  Id id = 0;
  std::string code;  // e.g. "kqz-mbvt-rax"
  std::string name;
  Id owner_id = 0;
  std::string owner_name;  // owner's display name (joined on read)
  bool allow_guests = true;
  TimeMs created_at = 0;
};

struct NewRoom {
  std::string code;
  std::string name;
  Id owner_id = 0;
  bool allow_guests = true;
  TimeMs now = 0;
};

struct RoomVisit {
  Room room;
  TimeMs last_joined_at = 0;
};

struct Message {
  Id id = 0;
  Id room_id = 0;
  std::optional<Id> author_user_id;  // empty for guests
  std::string author_name;
  std::string body;
  std::string client_id;  // client-chosen idempotency key, unique per room
  TimeMs created_at = 0;
};

struct NewMessage {
  Id room_id = 0;
  std::optional<Id> author_user_id;
  std::string author_name;
  std::string body;
  std::string client_id;
  TimeMs now = 0;
};

struct AppendResult {
  Message message;         // the stored message (the earlier one when duplicate)
  bool duplicate = false;  // true when (room_id, client_id) already existed
};

// Thrown for database failures (connection lost, disk full, corrupt file).
// "Expected" outcomes such as a taken username are return values, not throws.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Store {
 public:
  virtual ~Store() = default;
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  [[nodiscard]] virtual std::string backend_name() const = 0;  // "sqlite" or "postgresql"

  // Applies pending versioned migrations; safe to call from several processes.
  virtual void migrate() = 0;
  [[nodiscard]] virtual int schema_version() = 0;

  // Users. Usernames compare case-insensitively (ASCII).
  // Returns nullopt when the username is taken.
  virtual std::optional<User> create_user(const NewUser& user) = 0;
  virtual std::optional<User> find_user_by_id(Id id) = 0;
  virtual std::optional<User> find_user_by_username(std::string_view username) = 0;
  // Returns false when no such user.
  virtual bool update_user_profile(Id id, const std::string& display_name,
                                   const std::string& language) = 0;

  // Sessions.
  virtual void create_session(const Session& session) = 0;
  // Returns the session only when it exists and expires_at > now.
  virtual std::optional<Session> find_session(std::string_view token_hash, TimeMs now) = 0;
  virtual void delete_session(std::string_view token_hash) = 0;
  virtual int delete_expired_sessions(TimeMs now) = 0;

  // Rooms. create_room returns nullopt when the code is already taken.
  virtual std::optional<Room> create_room(const NewRoom& room) = 0;
  virtual std::optional<Room> find_room_by_code(std::string_view code) = 0;
  virtual bool update_room(Id room_id, const std::string& name, bool allow_guests) = 0;
  // Remembers that a signed-in user entered a room (for "my rooms").
  virtual void record_visit(Id user_id, Id room_id, TimeMs now) = 0;
  // Newest first.
  virtual std::vector<Room> rooms_owned_by(Id user_id, int limit) = 0;
  virtual std::vector<RoomVisit> recent_rooms(Id user_id, int limit) = 0;

  // Messages. append_message is idempotent on (room_id, client_id).
  virtual AppendResult append_message(const NewMessage& message) = 0;
  // Up to `limit` messages with id < before_id (or the newest when before_id is
  // empty), returned oldest first.
  virtual std::vector<Message> messages_before(Id room_id, std::optional<Id> before_id,
                                               int limit) = 0;
};

// Opens one connection. `url` is "postgresql://..." / "postgres://..." for
// PostgreSQL, otherwise "sqlite:PATH" or a plain file path for SQLite.
// Throws StoreError with a readable message when the database cannot be opened.
std::unique_ptr<Store> open_store(const std::string& url);

}  // namespace bailanys::store
