#include "store/migrations.hpp"

#include <array>

namespace bailanys::store {
namespace {

// Both lists side by side so they stay in step. SQLite ids use AUTOINCREMENT so
// an id is never reused after a delete: message ids are paging cursors.
// Times are milliseconds since the Unix epoch (BIGINT / INTEGER).
constexpr std::array kSqlite{
    Migration{1, "users and sessions", R"sql(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  username      TEXT    NOT NULL UNIQUE,  -- ASCII-lower-cased by the store
  display_name  TEXT    NOT NULL,
  password_hash TEXT    NOT NULL,
  language      TEXT    NOT NULL DEFAULT 'en',
  created_at    INTEGER NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT    PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions(expires_at);
CREATE INDEX sessions_user_id ON sessions(user_id);
)sql"},
    Migration{2, "rooms and visits", R"sql(
CREATE TABLE rooms (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  code         TEXT    NOT NULL UNIQUE,
  name         TEXT    NOT NULL,
  owner_id     INTEGER NOT NULL REFERENCES users(id),
  allow_guests INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL
);
CREATE INDEX rooms_owner_created ON rooms(owner_id, created_at);
CREATE TABLE room_visits (
  user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  room_id        INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  last_joined_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, room_id)
);
CREATE INDEX room_visits_user_recent ON room_visits(user_id, last_joined_at);
CREATE INDEX room_visits_room_id ON room_visits(room_id);
)sql"},
    Migration{3, "messages", R"sql(
CREATE TABLE messages (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  room_id        INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  author_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
  author_name    TEXT    NOT NULL,
  body           TEXT    NOT NULL,
  client_id      TEXT,  -- NULL when the client sent none: such messages are never deduplicated
  created_at     INTEGER NOT NULL,
  UNIQUE (room_id, client_id)
);
CREATE INDEX messages_room_id ON messages(room_id, id);
CREATE INDEX messages_author_user_id ON messages(author_user_id);
)sql"},
};

constexpr std::array kPostgres{
    Migration{1, "users and sessions", R"sql(
CREATE TABLE users (
  id            BIGSERIAL PRIMARY KEY,
  username      TEXT   NOT NULL UNIQUE,  -- ASCII-lower-cased by the store
  display_name  TEXT   NOT NULL,
  password_hash TEXT   NOT NULL,
  language      TEXT   NOT NULL DEFAULT 'en',
  created_at    BIGINT NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT   PRIMARY KEY,
  user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions(expires_at);
CREATE INDEX sessions_user_id ON sessions(user_id);
)sql"},
    Migration{2, "rooms and visits", R"sql(
CREATE TABLE rooms (
  id           BIGSERIAL PRIMARY KEY,
  code         TEXT    NOT NULL UNIQUE,
  name         TEXT    NOT NULL,
  owner_id     BIGINT  NOT NULL REFERENCES users(id),
  allow_guests BOOLEAN NOT NULL DEFAULT TRUE,
  created_at   BIGINT  NOT NULL
);
CREATE INDEX rooms_owner_created ON rooms(owner_id, created_at);
CREATE TABLE room_visits (
  user_id        BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  room_id        BIGINT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  last_joined_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, room_id)
);
CREATE INDEX room_visits_user_recent ON room_visits(user_id, last_joined_at);
CREATE INDEX room_visits_room_id ON room_visits(room_id);
)sql"},
    Migration{3, "messages", R"sql(
CREATE TABLE messages (
  id             BIGSERIAL PRIMARY KEY,
  room_id        BIGINT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  author_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
  author_name    TEXT   NOT NULL,
  body           TEXT   NOT NULL,
  client_id      TEXT,  -- NULL when the client sent none: such messages are never deduplicated
  created_at     BIGINT NOT NULL,
  UNIQUE (room_id, client_id)
);
CREATE INDEX messages_room_id ON messages(room_id, id);
CREATE INDEX messages_author_user_id ON messages(author_user_id);
)sql"},
};

static_assert(kSqlite.size() == kPostgres.size(), "backends must share migration versions");

}  // namespace

std::span<const Migration> sqlite_migrations() { return kSqlite; }
std::span<const Migration> postgres_migrations() { return kPostgres; }
int latest_schema_version() { return kSqlite.back().version; }

}  // namespace bailanys::store
