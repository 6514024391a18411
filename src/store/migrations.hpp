// Versioned schema migrations for both backends. Versions only ever grow: a
// released migration is never edited, a change is a new version. Each backend
// applies the versions above its schema_migrations maximum, in one transaction.
#pragma once

#include <span>

namespace bailanys::store {

struct Migration {
  int version;
  const char* name;
  const char* sql;  // may hold several statements; constant text, never user data
};

// Same versions and names on both backends; only the SQL dialect differs.
std::span<const Migration> sqlite_migrations();
std::span<const Migration> postgres_migrations();

// The version a fully migrated database reports.
int latest_schema_version();

}  // namespace bailanys::store
