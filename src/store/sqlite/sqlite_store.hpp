// The embedded SQLite backend: one Store = one sqlite3 connection to one file.
#pragma once

#include <string>

#include "store/sqlite/sqlite_db.hpp"
#include "store/store.hpp"

namespace bailanys::store {

class SqliteStore final : public Store {
 public:
  // Throws StoreError when the file cannot be opened or created.
  explicit SqliteStore(const std::string& path);

  [[nodiscard]] std::string backend_name() const override { return "sqlite"; }

  void migrate() override;
  [[nodiscard]] int schema_version() override;

  std::optional<User> create_user(const NewUser& user) override;
  std::optional<User> find_user_by_id(Id id) override;
  std::optional<User> find_user_by_username(std::string_view username) override;
  bool update_user_profile(Id id, const std::string& display_name,
                           const std::string& language) override;

  void create_session(const Session& session) override;
  std::optional<Session> find_session(std::string_view token_hash, TimeMs now) override;
  void delete_session(std::string_view token_hash) override;
  int delete_expired_sessions(TimeMs now) override;

  std::optional<Room> create_room(const NewRoom& room) override;
  std::optional<Room> find_room_by_code(std::string_view code) override;
  bool update_room(Id room_id, const std::string& name, bool allow_guests) override;
  void record_visit(Id user_id, Id room_id, TimeMs now) override;
  std::vector<Room> rooms_owned_by(Id user_id, int limit) override;
  std::vector<RoomVisit> recent_rooms(Id user_id, int limit) override;

  AppendResult append_message(const NewMessage& message) override;
  std::vector<Message> messages_before(Id room_id, std::optional<Id> before_id, int limit) override;

 private:
  std::optional<Room> find_room_by_id(Id room_id);
  std::optional<Message> find_message_by_client_id(Id room_id, std::string_view client_id);

  sqlite::Database db_;
};

}  // namespace bailanys::store
