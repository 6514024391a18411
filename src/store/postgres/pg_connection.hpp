// The one owner of libpq handles: a connection and query results. libpq-fe.h
// stays out of this header. Every query is sent with PQexecParams (values travel
// apart from the SQL text); only constant migration scripts use execute_script.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace bailanys::store::pg {

// Query parameters in text form, in $1, $2, ... order. Named adders, not
// overloads: add("literal") would otherwise silently pick a bool overload.
class Params {
 public:
  Params& add_int64(std::int64_t value);
  Params& add_text(std::string_view value);
  Params& add_bool(bool value);
  Params& add_optional_int64(std::optional<std::int64_t> value);
  Params& add_null();

  [[nodiscard]] int size() const { return static_cast<int>(values_.size()); }
  [[nodiscard]] const std::vector<std::optional<std::string>>& values() const { return values_; }

 private:
  std::vector<std::optional<std::string>> values_;
};

class Result {
 public:
  explicit Result(pg_result* result);

  [[nodiscard]] int rows() const;
  [[nodiscard]] bool is_null(int row, int column) const;
  [[nodiscard]] std::string text(int row, int column) const;
  [[nodiscard]] std::int64_t int64(int row, int column) const;
  [[nodiscard]] bool boolean(int row, int column) const;
  // Rows touched by INSERT/UPDATE/DELETE.
  [[nodiscard]] int affected_rows() const;

 private:
  struct Clearer {
    void operator()(pg_result* result) const noexcept;
  };
  std::unique_ptr<pg_result, Clearer> result_;
};

class Connection {
 public:
  // Connects with a "postgresql://" URL; throws StoreError when it cannot.
  explicit Connection(const std::string& url);

  // When the link was lost, try one reconnect; throws StoreError if it is still
  // down. Stores call this at the start of every operation, never mid-transaction.
  void ensure_connected();
  [[nodiscard]] bool is_connected() const;

  Result execute(const char* sql, const Params& params = {});
  // Constant SQL with several statements (migrations, test fixtures) — no parameters.
  void execute_script(const char* sql);

 private:
  struct Finisher {
    void operator()(pg_conn* conn) const noexcept;
  };
  Result checked(pg_result* raw, std::string_view what);

  std::unique_ptr<pg_conn, Finisher> conn_;
};

// BEGIN ... COMMIT; rolls back unless commit() ran (skipped when the link is gone,
// since the server has already discarded the transaction).
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();

 private:
  Connection& connection_;
  bool done_ = false;
};

}  // namespace bailanys::store::pg
