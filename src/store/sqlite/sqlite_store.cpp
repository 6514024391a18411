#include "store/sqlite/sqlite_store.hpp"

#include <algorithm>
#include <string>

#include "store/migrations.hpp"
#include "store/username_key.hpp"

namespace bailanys::store {
namespace {

using sqlite::Statement;

// Column order shared by every users SELECT below.
User read_user(const Statement& row) {
  User user;
  user.id = row.column_int64(0);
  user.username = row.column_text(1);
  user.display_name = row.column_text(2);
  user.password_hash = row.column_text(3);
  user.language = row.column_text(4);
  user.created_at = row.column_int64(5);
  return user;
}

// Column order shared by every rooms SELECT below, starting at `first`.
Room read_room(const Statement& row, int first = 0) {
  Room room;
  room.id = row.column_int64(first);
  room.code = row.column_text(first + 1);
  room.name = row.column_text(first + 2);
  room.owner_id = row.column_int64(first + 3);
  room.owner_name = row.column_text(first + 4);
  room.allow_guests = row.column_int64(first + 5) != 0;
  room.created_at = row.column_int64(first + 6);
  return room;
}

Message read_message(const Statement& row) {
  Message message;
  message.id = row.column_int64(0);
  message.room_id = row.column_int64(1);
  if (!row.column_is_null(2)) message.author_user_id = row.column_int64(2);
  message.author_name = row.column_text(3);
  message.body = row.column_text(4);
  message.client_id = row.column_text(5);  // NULL reads back as ""
  message.created_at = row.column_int64(6);
  return message;
}

// SQLite treats a negative LIMIT as "no limit"; callers mean "nothing".
std::int64_t clamp_limit(int limit) { return std::max(limit, 0); }

}  // namespace

SqliteStore::SqliteStore(const std::string& path) : db_(path) {}

void SqliteStore::migrate() {
  sqlite::ImmediateTransaction transaction(db_);
  db_.execute(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
  const int current = schema_version();
  if (current > latest_schema_version()) {
    throw StoreError("SQLite database schema version " + std::to_string(current) +
                     " is newer than this build understands (" +
                     std::to_string(latest_schema_version()) + ")");
  }
  for (const Migration& migration : sqlite_migrations()) {
    if (migration.version <= current) continue;
    db_.execute(migration.sql);
    auto insert = db_.statement(
        "INSERT INTO schema_migrations (version, name, applied_at)"
        " VALUES (?1, ?2, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))");
    insert->bind_int64(1, migration.version);
    insert->bind_text(2, migration.name);
    insert->step();
  }
  transaction.commit();
}

int SqliteStore::schema_version() {
  {
    auto exists = db_.statement(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
    exists->step();
    if (exists->column_int64(0) == 0) return 0;
  }
  auto version = db_.statement("SELECT coalesce(max(version), 0) FROM schema_migrations");
  version->step();
  return static_cast<int>(version->column_int64(0));
}

std::optional<User> SqliteStore::create_user(const NewUser& user) {
  const std::string username = username_key(user.username);
  auto insert = db_.statement(
      "INSERT INTO users (username, display_name, password_hash, language, created_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (username) DO NOTHING RETURNING id");
  insert->bind_text(1, username);
  insert->bind_text(2, user.display_name);
  insert->bind_text(3, user.password_hash);
  insert->bind_text(4, user.language);
  insert->bind_int64(5, user.now);
  if (!insert->step()) return std::nullopt;  // the username is taken
  User created;
  created.id = insert->column_int64(0);
  // Run the statement to completion so the insert is committed before we return.
  while (insert->step()) {
  }
  created.username = username;
  created.display_name = user.display_name;
  created.password_hash = user.password_hash;
  created.language = user.language;
  created.created_at = user.now;
  return created;
}

std::optional<User> SqliteStore::find_user_by_id(Id id) {
  auto select = db_.statement(
      "SELECT id, username, display_name, password_hash, language, created_at"
      " FROM users WHERE id = ?1");
  select->bind_int64(1, id);
  if (!select->step()) return std::nullopt;
  return read_user(*select);
}

std::optional<User> SqliteStore::find_user_by_username(std::string_view username) {
  auto select = db_.statement(
      "SELECT id, username, display_name, password_hash, language, created_at"
      " FROM users WHERE username = ?1");
  select->bind_text(1, username_key(username));
  if (!select->step()) return std::nullopt;
  return read_user(*select);
}

bool SqliteStore::update_user_profile(Id id, const std::string& display_name,
                                      const std::string& language) {
  auto update = db_.statement("UPDATE users SET display_name = ?1, language = ?2 WHERE id = ?3");
  update->bind_text(1, display_name);
  update->bind_text(2, language);
  update->bind_int64(3, id);
  update->step();
  return db_.changes() > 0;
}

void SqliteStore::create_session(const Session& session) {
  auto insert = db_.statement(
      "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)");
  insert->bind_text(1, session.token_hash);
  insert->bind_int64(2, session.user_id);
  insert->bind_int64(3, session.created_at);
  insert->bind_int64(4, session.expires_at);
  insert->step();
}

std::optional<Session> SqliteStore::find_session(std::string_view token_hash, TimeMs now) {
  auto select = db_.statement(
      "SELECT token_hash, user_id, created_at, expires_at FROM sessions"
      " WHERE token_hash = ?1 AND expires_at > ?2");
  select->bind_text(1, token_hash);
  select->bind_int64(2, now);
  if (!select->step()) return std::nullopt;
  Session session;
  session.token_hash = select->column_text(0);
  session.user_id = select->column_int64(1);
  session.created_at = select->column_int64(2);
  session.expires_at = select->column_int64(3);
  return session;
}

void SqliteStore::delete_session(std::string_view token_hash) {
  auto remove = db_.statement("DELETE FROM sessions WHERE token_hash = ?1");
  remove->bind_text(1, token_hash);
  remove->step();
}

int SqliteStore::delete_expired_sessions(TimeMs now) {
  auto remove = db_.statement("DELETE FROM sessions WHERE expires_at <= ?1");
  remove->bind_int64(1, now);
  remove->step();
  return db_.changes();
}

std::optional<Room> SqliteStore::create_room(const NewRoom& room) {
  Id id = 0;
  {
    auto insert = db_.statement(
        "INSERT INTO rooms (code, name, owner_id, allow_guests, created_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (code) DO NOTHING RETURNING id");
    insert->bind_text(1, room.code);
    insert->bind_text(2, room.name);
    insert->bind_int64(3, room.owner_id);
    insert->bind_int64(4, room.allow_guests ? 1 : 0);
    insert->bind_int64(5, room.now);
    if (!insert->step()) return std::nullopt;  // the code is taken
    id = insert->column_int64(0);
    while (insert->step()) {
    }
  }
  // Read back through the join so owner_name is filled like on every other read.
  auto created = find_room_by_id(id);
  if (!created) throw StoreError("SQLite: room vanished right after insert");
  return created;
}

std::optional<Room> SqliteStore::find_room_by_id(Id room_id) {
  auto select = db_.statement(
      "SELECT r.id, r.code, r.name, r.owner_id, u.display_name, r.allow_guests, r.created_at"
      " FROM rooms r JOIN users u ON u.id = r.owner_id WHERE r.id = ?1");
  select->bind_int64(1, room_id);
  if (!select->step()) return std::nullopt;
  return read_room(*select);
}

std::optional<Room> SqliteStore::find_room_by_code(std::string_view code) {
  auto select = db_.statement(
      "SELECT r.id, r.code, r.name, r.owner_id, u.display_name, r.allow_guests, r.created_at"
      " FROM rooms r JOIN users u ON u.id = r.owner_id WHERE r.code = ?1");
  select->bind_text(1, code);
  if (!select->step()) return std::nullopt;
  return read_room(*select);
}

bool SqliteStore::update_room(Id room_id, const std::string& name, bool allow_guests) {
  auto update = db_.statement("UPDATE rooms SET name = ?1, allow_guests = ?2 WHERE id = ?3");
  update->bind_text(1, name);
  update->bind_int64(2, allow_guests ? 1 : 0);
  update->bind_int64(3, room_id);
  update->step();
  return db_.changes() > 0;
}

void SqliteStore::record_visit(Id user_id, Id room_id, TimeMs now) {
  auto upsert = db_.statement(
      "INSERT INTO room_visits (user_id, room_id, last_joined_at) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (user_id, room_id) DO UPDATE SET last_joined_at = excluded.last_joined_at");
  upsert->bind_int64(1, user_id);
  upsert->bind_int64(2, room_id);
  upsert->bind_int64(3, now);
  upsert->step();
}

std::vector<Room> SqliteStore::rooms_owned_by(Id user_id, int limit) {
  auto select = db_.statement(
      "SELECT r.id, r.code, r.name, r.owner_id, u.display_name, r.allow_guests, r.created_at"
      " FROM rooms r JOIN users u ON u.id = r.owner_id WHERE r.owner_id = ?1"
      " ORDER BY r.created_at DESC, r.id DESC LIMIT ?2");
  select->bind_int64(1, user_id);
  select->bind_int64(2, clamp_limit(limit));
  std::vector<Room> rooms;
  while (select->step()) rooms.push_back(read_room(*select));
  return rooms;
}

std::vector<RoomVisit> SqliteStore::recent_rooms(Id user_id, int limit) {
  auto select = db_.statement(
      "SELECT v.last_joined_at,"
      " r.id, r.code, r.name, r.owner_id, u.display_name, r.allow_guests, r.created_at"
      " FROM room_visits v JOIN rooms r ON r.id = v.room_id JOIN users u ON u.id = r.owner_id"
      " WHERE v.user_id = ?1 ORDER BY v.last_joined_at DESC, v.room_id DESC LIMIT ?2");
  select->bind_int64(1, user_id);
  select->bind_int64(2, clamp_limit(limit));
  std::vector<RoomVisit> visits;
  while (select->step()) {
    RoomVisit visit;
    visit.last_joined_at = select->column_int64(0);
    visit.room = read_room(*select, 1);
    visits.push_back(std::move(visit));
  }
  return visits;
}

AppendResult SqliteStore::append_message(const NewMessage& message) {
  // Insert-or-nothing first, then read the earlier row: no window in which two
  // connections can both insert the same (room_id, client_id).
  {
    auto insert = db_.statement(
        "INSERT INTO messages (room_id, author_user_id, author_name, body, client_id, created_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
        " ON CONFLICT (room_id, client_id) DO NOTHING RETURNING id");
    insert->bind_int64(1, message.room_id);
    insert->bind_optional_int64(2, message.author_user_id);
    insert->bind_text(3, message.author_name);
    insert->bind_text(4, message.body);
    // No client_id means no idempotency key: NULLs never conflict.
    if (message.client_id.empty()) {
      insert->bind_null(5);
    } else {
      insert->bind_text(5, message.client_id);
    }
    insert->bind_int64(6, message.now);
    if (insert->step()) {
      AppendResult result;
      result.message.id = insert->column_int64(0);
      while (insert->step()) {
      }
      result.message.room_id = message.room_id;
      result.message.author_user_id = message.author_user_id;
      result.message.author_name = message.author_name;
      result.message.body = message.body;
      result.message.client_id = message.client_id;
      result.message.created_at = message.now;
      return result;
    }
  }
  auto earlier = find_message_by_client_id(message.room_id, message.client_id);
  if (!earlier) throw StoreError("SQLite: duplicate message vanished before it could be read");
  return AppendResult{std::move(*earlier), true};
}

std::optional<Message> SqliteStore::find_message_by_client_id(Id room_id,
                                                              std::string_view client_id) {
  auto select = db_.statement(
      "SELECT id, room_id, author_user_id, author_name, body, client_id, created_at"
      " FROM messages WHERE room_id = ?1 AND client_id = ?2");
  select->bind_int64(1, room_id);
  select->bind_text(2, client_id);
  if (!select->step()) return std::nullopt;
  return read_message(*select);
}

std::vector<Message> SqliteStore::messages_before(Id room_id, std::optional<Id> before_id,
                                                  int limit) {
  // Walk the (room_id, id) index backwards from the cursor, then flip the page
  // so callers get it oldest first.
  auto select =
      before_id ? db_.statement(
                      "SELECT id, room_id, author_user_id, author_name, body, client_id, created_at"
                      " FROM messages WHERE room_id = ?1 AND id < ?3 ORDER BY id DESC LIMIT ?2")
                : db_.statement(
                      "SELECT id, room_id, author_user_id, author_name, body, client_id, created_at"
                      " FROM messages WHERE room_id = ?1 ORDER BY id DESC LIMIT ?2");
  select->bind_int64(1, room_id);
  select->bind_int64(2, clamp_limit(limit));
  if (before_id) select->bind_int64(3, *before_id);
  std::vector<Message> page;
  while (select->step()) page.push_back(read_message(*select));
  std::reverse(page.begin(), page.end());
  return page;
}

}  // namespace bailanys::store
