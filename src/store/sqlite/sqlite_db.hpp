// The one owner of sqlite3 handles: a connection and its prepared statements.
// sqlite3.h stays out of this header; every failure becomes a StoreError.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace bailanys::store::sqlite {

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);  // throws StoreError

  // Parameter indexes start at 1, as in SQL's ?1, ?2, ...
  void bind_int64(int index, std::int64_t value);
  void bind_text(int index, std::string_view value);
  void bind_optional_int64(int index, std::optional<std::int64_t> value);
  void bind_null(int index);

  // Runs to the next row: true while there is a row to read, false when done.
  bool step();
  void reset() noexcept;  // rewinds and clears bindings for the next use

  [[nodiscard]] std::int64_t column_int64(int column) const;
  [[nodiscard]] std::string column_text(int column) const;
  [[nodiscard]] bool column_is_null(int column) const;

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const noexcept;
  };
  void check_bind(int rc) const;

  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

// A cached statement borrowed for one use; it is rewound when the borrow ends so
// the next borrower starts clean even if this one threw halfway.
class StatementUse {
 public:
  explicit StatementUse(Statement& statement) : statement_(&statement) {}
  ~StatementUse() { statement_->reset(); }
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;

  Statement* operator->() const { return statement_; }
  Statement& operator*() const { return *statement_; }

 private:
  Statement* statement_;
};

class Database {
 public:
  // Opens (creating if needed) the file at `path` and applies the connection
  // pragmas: WAL, foreign keys, busy timeout, synchronous=NORMAL.
  explicit Database(const std::string& path);

  // Runs constant SQL (possibly several statements) that returns no rows.
  void execute(const char* sql);
  // A statement prepared once per connection and reused. `sql` must be a string
  // literal: the cache keys on its text without copying it.
  StatementUse statement(const char* sql);
  // Rows changed by the most recent INSERT/UPDATE/DELETE.
  [[nodiscard]] int changes() const;

 private:
  struct Closer {
    void operator()(sqlite3* db) const noexcept;
  };
  void enable_wal();

  std::unique_ptr<sqlite3, Closer> db_;
  // Declared after db_ so statements are finalized before the connection closes.
  std::unordered_map<std::string_view, Statement> statements_;
};

// BEGIN IMMEDIATE takes the write lock up front, so two writers queue on the
// busy timeout instead of failing on a read-to-write upgrade. Rolls back unless
// commit() ran.
class ImmediateTransaction {
 public:
  explicit ImmediateTransaction(Database& db);
  ~ImmediateTransaction();
  ImmediateTransaction(const ImmediateTransaction&) = delete;
  ImmediateTransaction& operator=(const ImmediateTransaction&) = delete;

  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace bailanys::store::sqlite
