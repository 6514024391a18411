#include "store/postgres/pg_connection.hpp"

#include <libpq-fe.h>

#include <array>
#include <charconv>
#include <cstring>

#include "store/store.hpp"

namespace bailanys::store::pg {
namespace {

// libpq messages end in a newline; StoreError text reads better without it.
std::string trimmed(const char* text) {
  std::string message = text != nullptr ? text : "";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

// SQLSTATE class 08 (connection exception) and the 57P0x shutdown codes mean
// the server went away, whatever PQstatus says yet.
bool is_connection_sqlstate(std::string_view sqlstate) {
  return sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03";
}

void ignore_notice(void* /*arg*/, const char* /*message*/) {
  // "relation already exists, skipping" and friends are expected, not news.
}

}  // namespace

Params& Params::add_int64(std::int64_t value) {
  values_.emplace_back(std::to_string(value));
  return *this;
}

Params& Params::add_text(std::string_view value) {
  values_.emplace_back(std::string(value));
  return *this;
}

Params& Params::add_bool(bool value) {
  values_.emplace_back(value ? "true" : "false");
  return *this;
}

Params& Params::add_optional_int64(std::optional<std::int64_t> value) {
  return value ? add_int64(*value) : add_null();
}

Params& Params::add_null() {
  values_.emplace_back(std::nullopt);
  return *this;
}

void Result::Clearer::operator()(pg_result* result) const noexcept { PQclear(result); }

Result::Result(pg_result* result) : result_(result) {}

int Result::rows() const { return PQntuples(result_.get()); }

bool Result::is_null(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

std::string Result::text(int row, int column) const {
  // Text-format results: the value is exactly PQgetlength bytes.
  return std::string(PQgetvalue(result_.get(), row, column),
                     static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

std::int64_t Result::int64(int row, int column) const {
  const char* begin = PQgetvalue(result_.get(), row, column);
  const char* end = begin + PQgetlength(result_.get(), row, column);
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc{} || ptr != end) {
    throw StoreError("PostgreSQL: expected an integer, got '" + std::string(begin, end) + "'");
  }
  return value;
}

bool Result::boolean(int row, int column) const {
  return PQgetvalue(result_.get(), row, column)[0] == 't';
}

int Result::affected_rows() const {
  const char* count = PQcmdTuples(result_.get());
  int value = 0;
  std::from_chars(count, count + std::strlen(count), value);
  return value;
}

void Connection::Finisher::operator()(pg_conn* conn) const noexcept { PQfinish(conn); }

Connection::Connection(const std::string& url) {
  // Keywords before "dbname" are defaults the URL may override; those after it
  // are forced. Without a connect_timeout libpq would wait forever on a
  // black-holed host. All our text is UTF-8, so the client encoding is fixed.
  const std::array<const char*, 5> keywords{"application_name", "connect_timeout", "dbname",
                                            "client_encoding", nullptr};
  const std::array<const char*, 5> values{"bailanys", "10", url.c_str(), "UTF8", nullptr};
  conn_.reset(PQconnectdbParams(keywords.data(), values.data(), /*expand_dbname=*/1));
  if (!conn_) throw StoreError("cannot connect to PostgreSQL: out of memory");
  // The URL may hold a password, so the message names only what libpq says.
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    throw StoreError("cannot connect to PostgreSQL: " + trimmed(PQerrorMessage(conn_.get())));
  }
  PQsetNoticeProcessor(conn_.get(), ignore_notice, nullptr);
}

bool Connection::is_connected() const { return PQstatus(conn_.get()) == CONNECTION_OK; }

void Connection::ensure_connected() {
  if (is_connected()) return;
  PQreset(conn_.get());
  if (!is_connected()) {
    throw StoreError("PostgreSQL connection lost and reconnecting failed: " +
                     trimmed(PQerrorMessage(conn_.get())));
  }
}

Result Connection::execute(const char* sql, const Params& params) {
  if (!is_connected()) throw StoreError("PostgreSQL connection lost");
  std::vector<const char*> values;
  values.reserve(params.values().size());
  for (const auto& value : params.values()) values.push_back(value ? value->c_str() : nullptr);
  // Text-format parameters with server-inferred types; text results.
  return checked(
      PQexecParams(conn_.get(), sql, params.size(), nullptr, values.data(), nullptr, nullptr, 0),
      "query failed");
}

void Connection::execute_script(const char* sql) {
  if (!is_connected()) throw StoreError("PostgreSQL connection lost");
  checked(PQexec(conn_.get(), sql), "script failed");
}

Result Connection::checked(pg_result* raw, std::string_view what) {
  Result result(raw);  // owns raw from here on, even when we throw
  const ExecStatusType status = raw != nullptr ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;

  const char* field = raw != nullptr ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = field != nullptr ? field : "";
  const std::string message =
      trimmed(raw != nullptr ? PQresultErrorMessage(raw) : PQerrorMessage(conn_.get()));
  if (!is_connected() || is_connection_sqlstate(sqlstate)) {
    throw StoreError("PostgreSQL connection lost: " + message);
  }
  std::string text = "PostgreSQL ";
  text += what;
  if (!sqlstate.empty()) text += " [" + sqlstate + "]";
  text += ": " + message;
  throw StoreError(text);
}

Transaction::Transaction(Connection& connection) : connection_(connection) {
  connection_.execute("BEGIN");
}

Transaction::~Transaction() {
  if (done_ || !connection_.is_connected()) return;
  try {
    connection_.execute("ROLLBACK");
  } catch (const StoreError&) {
    // The link dropped during rollback: the server discards the transaction anyway.
  }
}

void Transaction::commit() {
  connection_.execute("COMMIT");
  done_ = true;
}

}  // namespace bailanys::store::pg
