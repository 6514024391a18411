// Picks the backend from the URL's scheme.
#include <memory>
#include <string>
#include <string_view>

#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/store.hpp"

namespace bailanys::store {
namespace {

constexpr std::string_view kSqlitePrefix = "sqlite:";

// "sqlite:PATH"; also "sqlite://PATH" and "sqlite:///abs/path", the forms other
// tools write, so a copied URL does not become a file named "//data.db".
std::string sqlite_path(std::string_view url) {
  std::string_view path = url.substr(kSqlitePrefix.size());
  if (path.starts_with("//")) path.remove_prefix(2);
  return std::string(path);
}

}  // namespace

std::unique_ptr<Store> open_store(const std::string& url) {
  const std::string_view view(url);
  if (view.starts_with("postgresql://") || view.starts_with("postgres://")) {
    return std::make_unique<PostgresStore>(url);
  }
  std::string path;
  if (view.starts_with(kSqlitePrefix)) {
    path = sqlite_path(view);
  } else if (view.find("://") != std::string_view::npos) {
    // A typo such as "postgressql://" must not silently create a local file.
    throw StoreError("unsupported database URL '" + url.substr(0, url.find("://")) +
                     "://...': use postgresql://..., sqlite:PATH or a file path");
  } else {
    path = url;
  }
  if (path.empty()) throw StoreError("empty SQLite database path in '" + url + "'");
  return std::make_unique<SqliteStore>(path);
}

}  // namespace bailanys::store
