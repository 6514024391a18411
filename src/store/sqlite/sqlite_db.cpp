#include "store/sqlite/sqlite_db.hpp"

#include <sqlite3.h>

#include <chrono>
#include <string>
#include <thread>

#include "store/store.hpp"

namespace bailanys::store::sqlite {
namespace {

constexpr int kBusyTimeoutMs = 5000;

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  std::string message = "SQLite: ";
  message += what;
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : "out of memory";
  throw StoreError(message);
}

}  // namespace

void Statement::Finalizer::operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  sqlite3_stmt* raw = nullptr;
  // PERSISTENT: these statements live as long as the connection.
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  stmt_.reset(raw);
  if (rc != SQLITE_OK) fail(db, "prepare failed");
}

void Statement::check_bind(int rc) const {
  if (rc != SQLITE_OK) fail(db_, "bind failed");
}

void Statement::bind_int64(int index, std::int64_t value) {
  check_bind(sqlite3_bind_int64(stmt_.get(), index, value));
}

void Statement::bind_text(int index, std::string_view value) {
  // Explicit length: the text is stored byte for byte, embedded NULs included.
  // TRANSIENT makes SQLite copy it, so the caller's buffer may go away.
  check_bind(sqlite3_bind_text64(stmt_.get(), index, value.data(), value.size(), SQLITE_TRANSIENT,
                                 SQLITE_UTF8));
}

void Statement::bind_optional_int64(int index, std::optional<std::int64_t> value) {
  if (value) {
    bind_int64(index, *value);
  } else {
    bind_null(index);
  }
}

void Statement::bind_null(int index) { check_bind(sqlite3_bind_null(stmt_.get(), index)); }

bool Statement::step() {
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, "statement failed");
}

void Statement::reset() noexcept {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::int64_t Statement::column_int64(int column) const {
  return sqlite3_column_int64(stmt_.get(), column);
}

std::string Statement::column_text(int column) const {
  // Ask for the text before its length: column_text may convert the value.
  const unsigned char* text = sqlite3_column_text(stmt_.get(), column);
  const int size = sqlite3_column_bytes(stmt_.get(), column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

bool Statement::column_is_null(int column) const {
  return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
}

void Database::Closer::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }

Database::Database(const std::string& path) {
  sqlite3* raw = nullptr;
  // NOMUTEX: one Store (and so one connection) is used by one thread at a time.
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  db_.reset(raw);  // open_v2 hands back a handle even on failure; it must be closed
  if (rc != SQLITE_OK) {
    throw StoreError("cannot open SQLite database '" + path +
                     "': " + (raw != nullptr ? sqlite3_errmsg(raw) : "out of memory") +
                     " (does the directory exist and is it writable?)");
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  try {
    // The first statements touch the file, so a path that opened but cannot be
    // read or written (a directory, a non-database file) fails here, at open.
    execute("SELECT count(*) FROM sqlite_master");  // "file is not a database" shows here
    execute("PRAGMA foreign_keys = ON");
    enable_wal();
    execute("PRAGMA synchronous = NORMAL");  // durable enough with WAL, far fewer fsyncs
  } catch (const StoreError& error) {
    throw StoreError("cannot open SQLite database '" + path + "': " + error.what());
  }
}

void Database::enable_wal() {
  // WAL lets readers and the writer proceed together. The mode is stored in
  // the file, so usually it is already set. Switching needs an exclusive lock
  // and SQLite does not call the busy handler for it: when several connections
  // open a new file at once (the store pool at startup) the losers get
  // SQLITE_BUSY, so retry here within the same budget as busy_timeout.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  for (;;) {
    const int rc = sqlite3_exec(db_.get(), "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) return;
    if ((rc & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() >= deadline) {
      fail(db_.get(), "cannot switch to WAL mode");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void Database::execute(const char* sql) {
  // sqlite3_exec runs every statement in `sql`; rows (e.g. from PRAGMA
  // journal_mode) are ignored.
  char* raw_error = nullptr;
  const int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, &raw_error);
  if (rc != SQLITE_OK) {
    std::string message = raw_error != nullptr ? raw_error : sqlite3_errstr(rc);
    sqlite3_free(raw_error);
    throw StoreError("SQLite: " + message);
  }
}

StatementUse Database::statement(const char* sql) {
  const std::string_view key(sql);
  auto it = statements_.find(key);
  if (it == statements_.end()) it = statements_.try_emplace(key, db_.get(), key).first;
  return StatementUse(it->second);
}

int Database::changes() const { return sqlite3_changes(db_.get()); }

ImmediateTransaction::ImmediateTransaction(Database& db) : db_(db) {
  db_.execute("BEGIN IMMEDIATE");
}

ImmediateTransaction::~ImmediateTransaction() {
  if (done_) return;
  try {
    db_.execute("ROLLBACK");
  } catch (const StoreError&) {
    // SQLite may already have rolled back (e.g. after SQLITE_FULL); nothing to undo.
  }
}

void ImmediateTransaction::commit() {
  db_.execute("COMMIT");
  done_ = true;
}

}  // namespace bailanys::store::sqlite
