#include "store/postgres/postgres_store.hpp"

#include <algorithm>
#include <string>

#include "store/migrations.hpp"
#include "store/username_key.hpp"

namespace bailanys::store {
namespace {

using pg::Params;
using pg::Result;

// Serializes migrate() across processes: the key is "bailanys" in ASCII. The
// xact variant is released by COMMIT/ROLLBACK, so a crash cannot leave it held.
constexpr std::int64_t kMigrationLockKey = 0x6261696c616e7973;

// Column order shared by every users SELECT below.
User read_user(const Result& rows, int row) {
  User user;
  user.id = rows.int64(row, 0);
  user.username = rows.text(row, 1);
  user.display_name = rows.text(row, 2);
  user.password_hash = rows.text(row, 3);
  user.language = rows.text(row, 4);
  user.created_at = rows.int64(row, 5);
  return user;
}

// Column order shared by every rooms SELECT below, starting at `first`.
Room read_room(const Result& rows, int row, int first = 0) {
  Room room;
  room.id = rows.int64(row, first);
  room.code = rows.text(row, first + 1);
  room.name = rows.text(row, first + 2);
  room.owner_id = rows.int64(row, first + 3);
  room.owner_name = rows.text(row, first + 4);
  room.allow_guests = rows.boolean(row, first + 5);
  room.created_at = rows.int64(row, first + 6);
  return room;
}

Message read_message(const Result& rows, int row) {
  Message message;
  message.id = rows.int64(row, 0);
  message.room_id = rows.int64(row, 1);
  if (!rows.is_null(row, 2)) message.author_user_id = rows.int64(row, 2);
  message.author_name = rows.text(row, 3);
  message.body = rows.text(row, 4);
  message.client_id = rows.text(row, 5);  // NULL reads back as ""
  message.created_at = rows.int64(row, 6);
  return message;
}

// PostgreSQL rejects a negative LIMIT; callers mean "nothing".
std::int64_t clamp_limit(int limit) { return std::max(limit, 0); }

}  // namespace

PostgresStore::PostgresStore(const std::string& url) : db_(url) {}

void PostgresStore::migrate() {
  db_.ensure_connected();
  pg::Transaction transaction(db_);
  db_.execute("SELECT pg_advisory_xact_lock($1::bigint)", Params().add_int64(kMigrationLockKey));
  db_.execute_script(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
  const int current = static_cast<int>(
      db_.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").int64(0, 0));
  if (current > latest_schema_version()) {
    throw StoreError("PostgreSQL database schema version " + std::to_string(current) +
                     " is newer than this build understands (" +
                     std::to_string(latest_schema_version()) + ")");
  }
  for (const Migration& migration : postgres_migrations()) {
    if (migration.version <= current) continue;
    db_.execute_script(migration.sql);
    db_.execute(
        "INSERT INTO schema_migrations (version, name, applied_at)"
        " VALUES ($1, $2, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)",
        Params().add_int64(migration.version).add_text(migration.name));
  }
  transaction.commit();
}

int PostgresStore::schema_version() {
  db_.ensure_connected();
  if (!db_.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").boolean(0, 0)) return 0;
  return static_cast<int>(
      db_.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").int64(0, 0));
}

std::optional<User> PostgresStore::create_user(const NewUser& user) {
  db_.ensure_connected();
  const std::string username = username_key(user.username);
  const Result inserted = db_.execute(
      "INSERT INTO users (username, display_name, password_hash, language, created_at)"
      " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING RETURNING id",
      Params()
          .add_text(username)
          .add_text(user.display_name)
          .add_text(user.password_hash)
          .add_text(user.language)
          .add_int64(user.now));
  if (inserted.rows() == 0) return std::nullopt;  // the username is taken
  User created;
  created.id = inserted.int64(0, 0);
  created.username = username;
  created.display_name = user.display_name;
  created.password_hash = user.password_hash;
  created.language = user.language;
  created.created_at = user.now;
  return created;
}

std::optional<User> PostgresStore::find_user_by_id(Id id) {
  db_.ensure_connected();
  const Result rows = db_.execute(
      "SELECT id, username, display_name, password_hash, language, created_at"
      " FROM users WHERE id = $1",
      Params().add_int64(id));
  if (rows.rows() == 0) return std::nullopt;
  return read_user(rows, 0);
}

std::optional<User> PostgresStore::find_user_by_username(std::string_view username) {
  db_.ensure_connected();
  const Result rows = db_.execute(
      "SELECT id, username, display_name, password_hash, language, created_at"
      " FROM users WHERE username = $1",
      Params().add_text(username_key(username)));
  if (rows.rows() == 0) return std::nullopt;
  return read_user(rows, 0);
}

bool PostgresStore::update_user_profile(Id id, const std::string& display_name,
                                        const std::string& language) {
  db_.ensure_connected();
  return db_.execute("UPDATE users SET display_name = $1, language = $2 WHERE id = $3",
                     Params().add_text(display_name).add_text(language).add_int64(id))
             .affected_rows() > 0;
}

void PostgresStore::create_session(const Session& session) {
  db_.ensure_connected();
  db_.execute(
      "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
      Params()
          .add_text(session.token_hash)
          .add_int64(session.user_id)
          .add_int64(session.created_at)
          .add_int64(session.expires_at));
}

std::optional<Session> PostgresStore::find_session(std::string_view token_hash, TimeMs now) {
  db_.ensure_connected();
  const Result rows = db_.execute(
      "SELECT token_hash, user_id, created_at, expires_at FROM sessions"
      " WHERE token_hash = $1 AND expires_at > $2",
      Params().add_text(token_hash).add_int64(now));
  if (rows.rows() == 0) return std::nullopt;
  Session session;
  session.token_hash = rows.text(0, 0);
  session.user_id = rows.int64(0, 1);
  session.created_at = rows.int64(0, 2);
  session.expires_at = rows.int64(0, 3);
  return session;
}

void PostgresStore::delete_session(std::string_view token_hash) {
  db_.ensure_connected();
  db_.execute("DELETE FROM sessions WHERE token_hash = $1", Params().add_text(token_hash));
}

int PostgresStore::delete_expired_sessions(TimeMs now) {
  db_.ensure_connected();
  return db_.execute("DELETE FROM sessions WHERE expires_at <= $1", Params().add_int64(now))
      .affected_rows();
}

std::optional<Room> PostgresStore::create_room(const NewRoom& room) {
  db_.ensure_connected();
  const Result inserted = db_.execute(
      "INSERT INTO rooms (code, name, owner_id, allow_guests, created_at)"
      " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO NOTHING RETURNING id",
      Params()
          .add_text(room.code)
          .add_text(room.name)
          .add_int64(room.owner_id)
          .add_bool(room.allow_guests)
          .add_int64(room.now));
  if (inserted.rows() == 0) return std::nullopt;  // the code is taken
  // Read back through the join so owner_name is filled like on every other read.
  auto created = find_room_by_id(inserted.int64(0, 0));
  if (!created) throw StoreError("PostgreSQL: room vanished right after insert");
  return created;
}

std::optional<Room> PostgresStore::find_room_by_id(Id room_id) {
  const Result rows = db_.execute(
      "SELECT r.id, r.code, r.name, r.owner_id, u.display_name, r.allow_guests, r.created_at"
      " FROM rooms r JOIN users u ON u.id = r.owner_id WHERE r.id = $1",
      Params().add_int64(room_id));
  if (rows.rows() == 0) return std::nullopt;
  return read_room(rows, 0);
}

std::optional<Room> PostgresStore::find_room_by_code(std::string_view code) {
  db_.ensure_connected();
  const Result rows = db_.execute(
      "SELECT r.id, r.code, r.name, r.owner_id, u.display_name, r.allow_guests, r.created_at"
      " FROM rooms r JOIN users u ON u.id = r.owner_id WHERE r.code = $1",
      Params().add_text(code));
  if (rows.rows() == 0) return std::nullopt;
  return read_room(rows, 0);
}

bool PostgresStore::update_room(Id room_id, const std::string& name, bool allow_guests) {
  db_.ensure_connected();
  return db_.execute("UPDATE rooms SET name = $1, allow_guests = $2 WHERE id = $3",
                     Params().add_text(name).add_bool(allow_guests).add_int64(room_id))
             .affected_rows() > 0;
}

void PostgresStore::record_visit(Id user_id, Id room_id, TimeMs now) {
  db_.ensure_connected();
  db_.execute(
      "INSERT INTO room_visits (user_id, room_id, last_joined_at) VALUES ($1, $2, $3)"
      " ON CONFLICT (user_id, room_id) DO UPDATE SET last_joined_at = excluded.last_joined_at",
      Params().add_int64(user_id).add_int64(room_id).add_int64(now));
}

std::vector<Room> PostgresStore::rooms_owned_by(Id user_id, int limit) {
  db_.ensure_connected();
  const Result rows = db_.execute(
      "SELECT r.id, r.code, r.name, r.owner_id, u.display_name, r.allow_guests, r.created_at"
      " FROM rooms r JOIN users u ON u.id = r.owner_id WHERE r.owner_id = $1"
      " ORDER BY r.created_at DESC, r.id DESC LIMIT $2",
      Params().add_int64(user_id).add_int64(clamp_limit(limit)));
  std::vector<Room> rooms;
  rooms.reserve(static_cast<std::size_t>(rows.rows()));
  for (int row = 0; row < rows.rows(); ++row) rooms.push_back(read_room(rows, row));
  return rooms;
}

std::vector<RoomVisit> PostgresStore::recent_rooms(Id user_id, int limit) {
  db_.ensure_connected();
  const Result rows = db_.execute(
      "SELECT v.last_joined_at,"
      " r.id, r.code, r.name, r.owner_id, u.display_name, r.allow_guests, r.created_at"
      " FROM room_visits v JOIN rooms r ON r.id = v.room_id JOIN users u ON u.id = r.owner_id"
      " WHERE v.user_id = $1 ORDER BY v.last_joined_at DESC, v.room_id DESC LIMIT $2",
      Params().add_int64(user_id).add_int64(clamp_limit(limit)));
  std::vector<RoomVisit> visits;
  visits.reserve(static_cast<std::size_t>(rows.rows()));
  for (int row = 0; row < rows.rows(); ++row) {
    RoomVisit visit;
    visit.last_joined_at = rows.int64(row, 0);
    visit.room = read_room(rows, row, 1);
    visits.push_back(std::move(visit));
  }
  return visits;
}

AppendResult PostgresStore::append_message(const NewMessage& message) {
  db_.ensure_connected();
  // Insert-or-nothing, then read the earlier row. Under READ COMMITTED the
  // INSERT waits for a concurrent inserter of the same key to commit, so the
  // SELECT that follows always sees its row.
  Params params;
  params.add_int64(message.room_id)
      .add_optional_int64(message.author_user_id)
      .add_text(message.author_name)
      .add_text(message.body);
  // No client_id means no idempotency key: NULLs never conflict.
  if (message.client_id.empty()) {
    params.add_null();
  } else {
    params.add_text(message.client_id);
  }
  params.add_int64(message.now);
  const Result inserted = db_.execute(
      "INSERT INTO messages (room_id, author_user_id, author_name, body, client_id, created_at)"
      " VALUES ($1, $2, $3, $4, $5, $6)"
      " ON CONFLICT (room_id, client_id) DO NOTHING RETURNING id",
      params);
  if (inserted.rows() > 0) {
    AppendResult result;
    result.message.id = inserted.int64(0, 0);
    result.message.room_id = message.room_id;
    result.message.author_user_id = message.author_user_id;
    result.message.author_name = message.author_name;
    result.message.body = message.body;
    result.message.client_id = message.client_id;
    result.message.created_at = message.now;
    return result;
  }
  auto earlier = find_message_by_client_id(message.room_id, message.client_id);
  if (!earlier) throw StoreError("PostgreSQL: duplicate message vanished before it could be read");
  return AppendResult{std::move(*earlier), true};
}

std::optional<Message> PostgresStore::find_message_by_client_id(Id room_id,
                                                                std::string_view client_id) {
  const Result rows = db_.execute(
      "SELECT id, room_id, author_user_id, author_name, body, client_id, created_at"
      " FROM messages WHERE room_id = $1 AND client_id = $2",
      Params().add_int64(room_id).add_text(client_id));
  if (rows.rows() == 0) return std::nullopt;
  return read_message(rows, 0);
}

std::vector<Message> PostgresStore::messages_before(Id room_id, std::optional<Id> before_id,
                                                    int limit) {
  db_.ensure_connected();
  // Walk the (room_id, id) index backwards from the cursor, then flip the page
  // so callers get it oldest first.
  const Result rows =
      before_id
          ? db_.execute(
                "SELECT id, room_id, author_user_id, author_name, body, client_id, created_at"
                " FROM messages WHERE room_id = $1 AND id < $3 ORDER BY id DESC LIMIT $2",
                Params().add_int64(room_id).add_int64(clamp_limit(limit)).add_int64(*before_id))
          : db_.execute(
                "SELECT id, room_id, author_user_id, author_name, body, client_id, created_at"
                " FROM messages WHERE room_id = $1 ORDER BY id DESC LIMIT $2",
                Params().add_int64(room_id).add_int64(clamp_limit(limit)));
  std::vector<Message> page;
  page.reserve(static_cast<std::size_t>(rows.rows()));
  for (int row = rows.rows() - 1; row >= 0; --row) page.push_back(read_message(rows, row));
  return page;
}

}  // namespace bailanys::store
