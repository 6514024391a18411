// Every Store case runs on both backends. SQLite uses a temp file; PostgreSQL
// uses BAILANYS_TEST_PG_URL and is skipped when unset, unless BAILANYS_REQUIRE_PG=1
// (CI) turns the skip into a failure. Each PostgreSQL test gets its own freshly
// created schema (named after the process id), so `ctest -j` processes sharing
// one server do not trample each other.
#include "store/store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <latch>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "store/migrations.hpp"
#include "store/postgres/pg_connection.hpp"

namespace bailanys::store {
namespace {

namespace fs = std::filesystem;

enum class Backend { sqlite, postgresql };

void PrintTo(Backend backend, std::ostream* out) {
  *out << (backend == Backend::sqlite ? "sqlite" : "postgresql");
}

std::string env(const char* name) {
  // Read in SetUp on the main thread, before any test thread exists.
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe)
  return value != nullptr ? value : "";
}

// A directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "bailanys-store-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// The test's own schema and application_name ride in the URL, so every
// connection the store opens (and PQreset reopens) lands in that schema.
struct PgTarget {
  std::string schema;
  std::string url;
};

PgTarget pg_target(const std::string& base_url) {
  PgTarget target;
  target.schema = "bailanys_test_" + std::to_string(getpid());
  target.url = base_url + (base_url.find('?') == std::string::npos ? "?" : "&") +
               "application_name=" + target.schema + "&options=-csearch_path%3D" + target.schema;
  return target;
}

void recreate_pg_schema(const PgTarget& target) {
  pg::Connection admin(target.url);
  const std::string script =
      "DROP SCHEMA IF EXISTS " + target.schema + " CASCADE; CREATE SCHEMA " + target.schema + ";";
  admin.execute_script(script.c_str());
}

void drop_pg_schema(const PgTarget& target) {
  pg::Connection admin(target.url);
  const std::string script = "DROP SCHEMA IF EXISTS " + target.schema + " CASCADE;";
  admin.execute_script(script.c_str());
}

// Opens a store for a thread that then waits on `start`; when the open throws,
// the thread still counts down so the others are not left waiting forever.
std::unique_ptr<Store> open_or_release(const std::string& url, std::latch& start) {
  try {
    return open_store(url);
  } catch (...) {
    start.count_down();
    throw;
  }
}

constexpr const char* kPasswordHash =
    "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG";

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::postgresql) {
      const std::string base = env("BAILANYS_TEST_PG_URL");
      if (base.empty()) {
        if (env("BAILANYS_REQUIRE_PG") == "1") {
          FAIL() << "BAILANYS_REQUIRE_PG=1 but BAILANYS_TEST_PG_URL is not set";
        }
        GTEST_SKIP() << "BAILANYS_TEST_PG_URL is not set";
      }
      pg_ = pg_target(base);
      recreate_pg_schema(*pg_);
      url_ = pg_->url;
    } else {
      dir_.emplace();
      url_ = "sqlite:" + (dir_->path() / "store.db").string();
    }
    store_ = open_store(url_);
    store_->migrate();
  }

  void TearDown() override {
    store_.reset();
    if (pg_) drop_pg_schema(*pg_);
  }

  Store& store() { return *store_; }

  void reopen() {
    store_.reset();
    store_ = open_store(url_);
  }

  // A URL to a database nobody has migrated yet.
  std::string fresh_url() {
    if (pg_) {
      recreate_pg_schema(*pg_);
      return url_;
    }
    return "sqlite:" +
           (dir_->path() / ("fresh-" + std::to_string(++fresh_count_) + ".db")).string();
  }

  User add_user(const std::string& username, TimeMs now = 1'000) {
    return store()
        .create_user(NewUser{.username = username,
                             .display_name = "Display " + username,
                             .password_hash = kPasswordHash,
                             .language = "kk",
                             .now = now})
        .value();
  }

  Room add_room(Id owner_id, const std::string& code, TimeMs now = 2'000) {
    return store()
        .create_room(NewRoom{.code = code,
                             .name = "Room " + code,
                             .owner_id = owner_id,
                             .allow_guests = true,
                             .now = now})
        .value();
  }

  AppendResult post(Id room_id, const std::string& client_id, const std::string& body,
                    TimeMs now = 3'000, std::optional<Id> author = std::nullopt) {
    return store().append_message(NewMessage{.room_id = room_id,
                                             .author_user_id = author,
                                             .author_name = author ? "member" : "guest",
                                             .body = body,
                                             .client_id = client_id,
                                             .now = now});
  }

  std::string url_;
  std::optional<TempDir> dir_;
  std::optional<PgTarget> pg_;
  std::unique_ptr<Store> store_;
  int fresh_count_ = 0;
};

// ---- migrations -------------------------------------------------------------

TEST_P(StoreTest, ReportsItsBackend) {
  EXPECT_EQ(store().backend_name(), GetParam() == Backend::sqlite ? "sqlite" : "postgresql");
}

TEST_P(StoreTest, MigrateTwiceIsANoOpAndReportsTheLatestVersion) {
  EXPECT_EQ(store().schema_version(), latest_schema_version());
  const User user = add_user("aigerim");
  store().migrate();
  store().migrate();
  EXPECT_EQ(store().schema_version(), latest_schema_version());
  EXPECT_TRUE(store().find_user_by_id(user.id).has_value());
}

TEST_P(StoreTest, UnmigratedDatabaseReportsVersionZero) {
  auto fresh = open_store(fresh_url());
  EXPECT_EQ(fresh->schema_version(), 0);
  fresh->migrate();
  EXPECT_EQ(fresh->schema_version(), latest_schema_version());
}

TEST_P(StoreTest, ConcurrentMigrateFromSeveralConnectionsIsSafe) {
  const std::string url = fresh_url();
  constexpr int kConnections = 4;
  std::latch start(kConnections);
  std::vector<std::future<int>> results;
  results.reserve(kConnections);
  for (int i = 0; i < kConnections; ++i) {
    results.push_back(std::async(std::launch::async, [&url, &start] {
      auto connection = open_or_release(url, start);
      start.arrive_and_wait();
      connection->migrate();
      return connection->schema_version();
    }));
  }
  for (auto& result : results) EXPECT_EQ(result.get(), latest_schema_version());
}

// ---- users ------------------------------------------------------------------

TEST_P(StoreTest, CreatesAndFindsUsersCaseInsensitively) {
  const auto created = store().create_user(NewUser{.username = "AiGerim",
                                                   .display_name = "Айгерім",
                                                   .password_hash = kPasswordHash,
                                                   .language = "kk",
                                                   .now = 1'700'000'000'123});
  ASSERT_TRUE(created.has_value());
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->username, "aigerim");
  EXPECT_EQ(created->display_name, "Айгерім");
  EXPECT_EQ(created->password_hash, kPasswordHash);
  EXPECT_EQ(created->language, "kk");
  EXPECT_EQ(created->created_at, 1'700'000'000'123);

  for (const char* spelling : {"aigerim", "AIGERIM", "aiGERim"}) {
    const auto found = store().find_user_by_username(spelling);
    ASSERT_TRUE(found.has_value()) << spelling;
    EXPECT_EQ(found->id, created->id);
    EXPECT_EQ(found->username, "aigerim");
    EXPECT_EQ(found->created_at, 1'700'000'000'123);
  }
  const auto by_id = store().find_user_by_id(created->id);
  ASSERT_TRUE(by_id.has_value());
  EXPECT_EQ(by_id->display_name, "Айгерім");

  EXPECT_FALSE(store().find_user_by_username("aigerim2").has_value());
  EXPECT_FALSE(store().find_user_by_id(created->id + 1000).has_value());
}

TEST_P(StoreTest, TakenUsernameReturnsNulloptInAnyCase) {
  const User first = add_user("daniyar");
  EXPECT_FALSE(store()
                   .create_user(NewUser{.username = "DANIYAR",
                                        .display_name = "Impostor",
                                        .password_hash = kPasswordHash,
                                        .language = "en",
                                        .now = 5})
                   .has_value());
  const auto kept = store().find_user_by_username("daniyar");
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->id, first.id);
  EXPECT_EQ(kept->display_name, "Display daniyar");
}

TEST_P(StoreTest, UpdatesUserProfile) {
  const User user = add_user("oksana");
  EXPECT_TRUE(store().update_user_profile(user.id, "Оксана Ґалаґан", "uk"));
  const auto found = store().find_user_by_id(user.id);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->display_name, "Оксана Ґалаґан");
  EXPECT_EQ(found->language, "uk");
  EXPECT_EQ(found->username, "oksana");
  EXPECT_EQ(found->password_hash, kPasswordHash);
  EXPECT_FALSE(store().update_user_profile(user.id + 1000, "Nobody", "en"));
}

// ---- sessions ---------------------------------------------------------------

TEST_P(StoreTest, FindSessionHonoursExpiry) {
  const User user = add_user("timur");
  store().create_session(
      Session{.token_hash = "aa11", .user_id = user.id, .created_at = 1'000, .expires_at = 2'000});
  const auto live = store().find_session("aa11", 1'999);
  ASSERT_TRUE(live.has_value());
  EXPECT_EQ(live->token_hash, "aa11");
  EXPECT_EQ(live->user_id, user.id);
  EXPECT_EQ(live->created_at, 1'000);
  EXPECT_EQ(live->expires_at, 2'000);
  EXPECT_FALSE(store().find_session("aa11", 2'000).has_value());  // expires_at is exclusive
  EXPECT_FALSE(store().find_session("bb22", 1'500).has_value());
}

TEST_P(StoreTest, DeletesSessions) {
  const User user = add_user("timur");
  store().create_session(
      Session{.token_hash = "aa11", .user_id = user.id, .created_at = 1, .expires_at = 10'000});
  store().create_session(
      Session{.token_hash = "bb22", .user_id = user.id, .created_at = 1, .expires_at = 10'000});
  store().delete_session("aa11");
  store().delete_session("never-existed");
  EXPECT_FALSE(store().find_session("aa11", 5).has_value());
  EXPECT_TRUE(store().find_session("bb22", 5).has_value());
}

TEST_P(StoreTest, DeleteExpiredSessionsCountsWhatItRemoved) {
  const User user = add_user("timur");
  for (const auto& [token, expires] :
       std::map<std::string, TimeMs>{{"t100", 100}, {"t200", 200}, {"t300", 300}}) {
    store().create_session(
        Session{.token_hash = token, .user_id = user.id, .created_at = 1, .expires_at = expires});
  }
  EXPECT_EQ(store().delete_expired_sessions(200), 2);
  EXPECT_EQ(store().delete_expired_sessions(200), 0);
  EXPECT_TRUE(store().find_session("t300", 250).has_value());
  EXPECT_EQ(store().delete_expired_sessions(1'000), 1);
}

// ---- rooms ------------------------------------------------------------------

TEST_P(StoreTest, CreatesFindsAndUpdatesRooms) {
  const User owner = add_user("aruzhan");
  const auto created = store().create_room(NewRoom{.code = "kqz-mbvt-rax",
                                                   .name = "Математика 7Б",
                                                   .owner_id = owner.id,
                                                   .allow_guests = false,
                                                   .now = 42'000});
  ASSERT_TRUE(created.has_value());
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->code, "kqz-mbvt-rax");
  EXPECT_EQ(created->name, "Математика 7Б");
  EXPECT_EQ(created->owner_id, owner.id);
  EXPECT_EQ(created->owner_name, "Display aruzhan");
  EXPECT_FALSE(created->allow_guests);
  EXPECT_EQ(created->created_at, 42'000);

  const auto found = store().find_room_by_code("kqz-mbvt-rax");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, created->id);
  EXPECT_EQ(found->owner_name, "Display aruzhan");
  EXPECT_FALSE(found->allow_guests);
  EXPECT_FALSE(store().find_room_by_code("zzz-zzzz-zzz").has_value());

  EXPECT_TRUE(store().update_room(created->id, "Физика", true));
  const auto updated = store().find_room_by_code("kqz-mbvt-rax");
  ASSERT_TRUE(updated.has_value());
  EXPECT_EQ(updated->name, "Физика");
  EXPECT_TRUE(updated->allow_guests);
  EXPECT_EQ(updated->created_at, 42'000);
  EXPECT_FALSE(store().update_room(created->id + 1000, "Nope", true));
}

TEST_P(StoreTest, RoomCodeCollisionReturnsNullopt) {
  const User owner = add_user("aruzhan");
  const User other = add_user("bolat");
  const Room first = add_room(owner.id, "abc-defg-hij");
  EXPECT_FALSE(store()
                   .create_room(NewRoom{.code = "abc-defg-hij",
                                        .name = "Stolen",
                                        .owner_id = other.id,
                                        .allow_guests = true,
                                        .now = 9})
                   .has_value());
  const auto kept = store().find_room_by_code("abc-defg-hij");
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->id, first.id);
  EXPECT_EQ(kept->owner_id, owner.id);
}

TEST_P(StoreTest, OwnerNameIsJoinedOnEveryRead) {
  const User owner = add_user("aruzhan");
  const Room room = add_room(owner.id, "abc-defg-hij");
  store().record_visit(owner.id, room.id, 10);
  ASSERT_TRUE(store().update_user_profile(owner.id, "Аружан Серікқызы", "kk"));
  EXPECT_EQ(store().find_room_by_code(room.code)->owner_name, "Аружан Серікқызы");
  EXPECT_EQ(store().rooms_owned_by(owner.id, 10).at(0).owner_name, "Аружан Серікқызы");
  EXPECT_EQ(store().recent_rooms(owner.id, 10).at(0).room.owner_name, "Аружан Серікқызы");
}

TEST_P(StoreTest, RoomsOwnedByAreNewestFirst) {
  const User owner = add_user("aruzhan");
  const User other = add_user("bolat");
  add_room(owner.id, "old-oooo-ooo", 100);
  add_room(owner.id, "new-nnnn-nnn", 300);
  add_room(owner.id, "mid-mmmm-mmm", 200);
  add_room(other.id, "oth-oooo-ooo", 250);

  const auto rooms = store().rooms_owned_by(owner.id, 10);
  ASSERT_EQ(rooms.size(), 3u);
  EXPECT_EQ(rooms[0].code, "new-nnnn-nnn");
  EXPECT_EQ(rooms[1].code, "mid-mmmm-mmm");
  EXPECT_EQ(rooms[2].code, "old-oooo-ooo");

  const auto limited = store().rooms_owned_by(owner.id, 2);
  ASSERT_EQ(limited.size(), 2u);
  EXPECT_EQ(limited[1].code, "mid-mmmm-mmm");
  EXPECT_TRUE(store().rooms_owned_by(owner.id, 0).empty());
  EXPECT_TRUE(store().rooms_owned_by(owner.id, -1).empty());
  EXPECT_TRUE(store().rooms_owned_by(owner.id + 1000, 10).empty());
}

TEST_P(StoreTest, RecordVisitUpsertsAndRecentRoomsAreMostRecentFirst) {
  const User owner = add_user("aruzhan");
  const User visitor = add_user("saule");
  const Room a = add_room(owner.id, "aaa-aaaa-aaa");
  const Room b = add_room(owner.id, "bbb-bbbb-bbb");
  const Room c = add_room(owner.id, "ccc-cccc-ccc");
  store().record_visit(visitor.id, a.id, 100);
  store().record_visit(visitor.id, b.id, 200);
  store().record_visit(visitor.id, c.id, 150);
  store().record_visit(visitor.id, a.id, 300);  // same pair again: updates, no new row
  store().record_visit(owner.id, c.id, 999);    // someone else's history

  const auto visits = store().recent_rooms(visitor.id, 10);
  ASSERT_EQ(visits.size(), 3u);
  EXPECT_EQ(visits[0].room.id, a.id);
  EXPECT_EQ(visits[0].last_joined_at, 300);
  EXPECT_EQ(visits[1].room.id, b.id);
  EXPECT_EQ(visits[1].last_joined_at, 200);
  EXPECT_EQ(visits[2].room.id, c.id);
  EXPECT_EQ(visits[2].last_joined_at, 150);
  EXPECT_EQ(visits[0].room.code, "aaa-aaaa-aaa");
  EXPECT_EQ(visits[0].room.owner_name, "Display aruzhan");

  EXPECT_EQ(store().recent_rooms(visitor.id, 2).size(), 2u);
  ASSERT_EQ(store().recent_rooms(owner.id, 10).size(), 1u);
  EXPECT_TRUE(store().recent_rooms(visitor.id + 1000, 10).empty());
}

// ---- messages ---------------------------------------------------------------

TEST_P(StoreTest, AppendsMessagesFromMembersAndGuests) {
  const User owner = add_user("aruzhan");
  const Room room = add_room(owner.id, "abc-defg-hij");
  const AppendResult member = post(room.id, "c-1", "Сәлем!", 5'000, owner.id);
  const AppendResult guest = post(room.id, "c-2", "Привет", 5'001);
  EXPECT_FALSE(member.duplicate);
  EXPECT_FALSE(guest.duplicate);
  EXPECT_LT(member.message.id, guest.message.id);
  EXPECT_EQ(member.message.author_user_id, owner.id);
  EXPECT_EQ(member.message.created_at, 5'000);

  const auto page = store().messages_before(room.id, std::nullopt, 50);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].id, member.message.id);
  EXPECT_EQ(page[0].room_id, room.id);
  EXPECT_EQ(page[0].author_user_id, owner.id);
  EXPECT_EQ(page[0].author_name, "member");
  EXPECT_EQ(page[0].body, "Сәлем!");
  EXPECT_EQ(page[0].client_id, "c-1");
  EXPECT_EQ(page[0].created_at, 5'000);
  EXPECT_EQ(page[1].id, guest.message.id);
  EXPECT_FALSE(page[1].author_user_id.has_value());
  EXPECT_EQ(page[1].author_name, "guest");
  EXPECT_EQ(page[1].body, "Привет");
}

TEST_P(StoreTest, DuplicateClientIdReturnsTheFirstMessageAndStoresNothing) {
  const User owner = add_user("aruzhan");
  const Room room = add_room(owner.id, "abc-defg-hij");
  const Room other_room = add_room(owner.id, "xyz-wxyz-xyz");
  const AppendResult first = post(room.id, "same-key", "first", 100, owner.id);
  const AppendResult again = post(room.id, "same-key", "second", 200);
  EXPECT_FALSE(first.duplicate);
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.message.id, first.message.id);
  EXPECT_EQ(again.message.body, "first");
  EXPECT_EQ(again.message.author_user_id, owner.id);
  EXPECT_EQ(again.message.author_name, "member");
  EXPECT_EQ(again.message.created_at, 100);
  EXPECT_EQ(again.message.client_id, "same-key");
  EXPECT_EQ(store().messages_before(room.id, std::nullopt, 50).size(), 1u);

  // The key is scoped to its room.
  EXPECT_FALSE(post(other_room.id, "same-key", "elsewhere").duplicate);
  // A later message still gets a fresh id after the rejected duplicate.
  const AppendResult next = post(room.id, "next-key", "third", 300);
  EXPECT_FALSE(next.duplicate);
  EXPECT_GT(next.message.id, first.message.id);
  EXPECT_EQ(store().messages_before(room.id, std::nullopt, 50).size(), 2u);
}

TEST_P(StoreTest, MessagesWithoutClientIdAreNeverDeduplicated) {
  const User owner = add_user("aruzhan");
  const Room room = add_room(owner.id, "abc-defg-hij");
  EXPECT_FALSE(post(room.id, "", "one").duplicate);
  EXPECT_FALSE(post(room.id, "", "two").duplicate);
  const auto page = store().messages_before(room.id, std::nullopt, 50);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].client_id, "");
  EXPECT_EQ(page[1].body, "two");
}

TEST_P(StoreTest, PagingReturnsOldestFirstPagesWithoutGapsOrOverlap) {
  const User owner = add_user("aruzhan");
  const Room room = add_room(owner.id, "abc-defg-hij");
  const Room noise = add_room(owner.id, "nnn-nnnn-nnn");
  std::vector<Id> expected;
  for (int i = 0; i < 25; ++i) {
    expected.push_back(
        post(room.id, "k" + std::to_string(i), "m" + std::to_string(i), i).message.id);
    post(noise.id, "k" + std::to_string(i), "noise");  // interleaved ids from another room
  }

  std::vector<Id> seen;  // collected newest page first, each page oldest first
  std::vector<std::size_t> page_sizes;
  std::optional<Id> cursor;
  for (int guard = 0; guard < 10; ++guard) {
    const auto page = store().messages_before(room.id, cursor, 10);
    if (page.empty()) break;
    page_sizes.push_back(page.size());
    for (std::size_t i = 1; i < page.size(); ++i) EXPECT_LT(page[i - 1].id, page[i].id);
    for (const Message& message : page) EXPECT_EQ(message.room_id, room.id);
    std::vector<Id> ids;
    ids.reserve(page.size());
    for (const Message& message : page) ids.push_back(message.id);
    seen.insert(seen.begin(), ids.begin(), ids.end());
    cursor = page.front().id;
  }
  EXPECT_EQ(page_sizes, (std::vector<std::size_t>{10, 10, 5}));
  EXPECT_EQ(seen, expected);

  const auto newest = store().messages_before(room.id, std::nullopt, 3);
  ASSERT_EQ(newest.size(), 3u);
  EXPECT_EQ(newest[0].body, "m22");
  EXPECT_EQ(newest[2].body, "m24");
  EXPECT_TRUE(store().messages_before(room.id, expected.front(), 10).empty());
  EXPECT_TRUE(store().messages_before(room.id, std::nullopt, 0).empty());
}

TEST_P(StoreTest, EmptyRoomHasNoMessages) {
  const User owner = add_user("aruzhan");
  const Room room = add_room(owner.id, "abc-defg-hij");
  EXPECT_TRUE(store().messages_before(room.id, std::nullopt, 50).empty());
  EXPECT_TRUE(store().messages_before(room.id, 1'000'000, 50).empty());
  EXPECT_TRUE(store().messages_before(room.id + 1000, std::nullopt, 50).empty());
}

TEST_P(StoreTest, ConcurrentAppendsWithTheSameClientIdStoreOneMessage) {
  const User owner = add_user("aruzhan");
  const Room room = add_room(owner.id, "abc-defg-hij");
  constexpr int kWriters = 4;
  constexpr int kKeys = 25;
  std::latch start(kWriters);
  std::vector<std::future<std::vector<AppendResult>>> writers;
  writers.reserve(kWriters);
  for (int w = 0; w < kWriters; ++w) {
    writers.push_back(std::async(std::launch::async, [this, &start, &room, w] {
      // One connection per thread, as the pool does.
      auto connection = open_or_release(url_, start);
      start.arrive_and_wait();
      std::vector<AppendResult> results;
      results.reserve(kKeys);
      for (int k = 0; k < kKeys; ++k) {
        results.push_back(
            connection->append_message(NewMessage{.room_id = room.id,
                                                  .author_user_id = std::nullopt,
                                                  .author_name = "writer " + std::to_string(w),
                                                  .body = "body " + std::to_string(k),
                                                  .client_id = "key-" + std::to_string(k),
                                                  .now = k}));
      }
      return results;
    }));
  }
  std::map<std::string, std::set<Id>> ids_by_key;
  std::map<std::string, int> originals_by_key;
  for (auto& writer : writers) {
    for (const AppendResult& result : writer.get()) {
      ids_by_key[result.message.client_id].insert(result.message.id);
      if (!result.duplicate) ++originals_by_key[result.message.client_id];
    }
  }
  ASSERT_EQ(ids_by_key.size(), static_cast<std::size_t>(kKeys));
  for (const auto& [key, ids] : ids_by_key) {
    EXPECT_EQ(ids.size(), 1u) << key;
    EXPECT_EQ(originals_by_key[key], 1) << key;
  }
  EXPECT_EQ(store().messages_before(room.id, std::nullopt, 1000).size(),
            static_cast<std::size_t>(kKeys));
}

// ---- text fidelity and persistence ------------------------------------------

TEST_P(StoreTest, SqlLookingAndNonAsciiTextRoundTripsByteExactly) {
  const std::vector<std::string> texts{
      "Robert'); DROP TABLE users;--",
      "' OR '1'='1",
      "\"; DELETE FROM messages; --",
      "$1 $2 ?1 ? :name @p %s %d \\x00 \\'",
      "Сәлеметсіз бе! Қалыңыз қалай? әғқңөұүһі ӘҒҚҢӨҰҮҺІ",
      "Съешь же ещё этих мягких французских булок, да выпей чаю",
      "Чуєш їх, доцю, га? Кумедна ж ти, прощайся без ґольфів!",
      "👋🏽 👨‍👩‍👧‍👦 🇰🇿 🇺🇦 🎓📚",
      "line1\nline2\ttab\r\nC:\\path\\to\\file",
      std::string(20'000, 'x') + "ә",
  };
  const auto owner = store().create_user(NewUser{.username = "Robert'); DROP TABLE users;--",
                                                 .display_name = texts[4],
                                                 .password_hash = texts[3],
                                                 .language = "kk",
                                                 .now = 1});
  ASSERT_TRUE(owner.has_value());
  const auto found = store().find_user_by_username("ROBERT'); DROP TABLE users;--");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->username, "robert'); drop table users;--");
  EXPECT_EQ(found->display_name, texts[4]);
  EXPECT_EQ(found->password_hash, texts[3]);

  const auto room = store().create_room(NewRoom{.code = "' OR 1=1 --",
                                                .name = texts[7],
                                                .owner_id = owner->id,
                                                .allow_guests = true,
                                                .now = 2});
  ASSERT_TRUE(room.has_value());
  EXPECT_EQ(store().find_room_by_code("' OR 1=1 --")->name, texts[7]);
  EXPECT_FALSE(store().find_room_by_code("' OR '1'='1").has_value());

  for (std::size_t i = 0; i < texts.size(); ++i) {
    post(room->id, texts[i] + "#" + std::to_string(i), texts[i], static_cast<TimeMs>(i));
  }
  const auto page = store().messages_before(room->id, std::nullopt, 100);
  ASSERT_EQ(page.size(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(page[i].body, texts[i]) << i;
    EXPECT_EQ(page[i].client_id, texts[i] + "#" + std::to_string(i)) << i;
  }
  // The tables are all still there.
  EXPECT_TRUE(store().find_user_by_id(owner->id).has_value());
  EXPECT_EQ(store().schema_version(), latest_schema_version());
}

TEST_P(StoreTest, DataSurvivesClosingAndReopening) {
  const User owner = add_user("aruzhan");
  const Room room = add_room(owner.id, "abc-defg-hij");
  store().create_session(
      Session{.token_hash = "feed", .user_id = owner.id, .created_at = 1, .expires_at = 9'999});
  store().record_visit(owner.id, room.id, 77);
  const AppendResult first = post(room.id, "c-1", "Кеше сабақта не өттік?");

  reopen();
  EXPECT_EQ(store().schema_version(), latest_schema_version());
  store().migrate();
  EXPECT_EQ(store().find_user_by_username("aruzhan")->id, owner.id);
  EXPECT_TRUE(store().find_session("feed", 5).has_value());
  EXPECT_EQ(store().find_room_by_code("abc-defg-hij")->id, room.id);
  EXPECT_EQ(store().recent_rooms(owner.id, 5).at(0).last_joined_at, 77);
  const auto page = store().messages_before(room.id, std::nullopt, 10);
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].body, "Кеше сабақта не өттік?");
  // Idempotency keys survive too, and new ids continue above the old ones.
  EXPECT_TRUE(post(room.id, "c-1", "again").duplicate);
  EXPECT_GT(post(room.id, "c-2", "new").message.id, first.message.id);
}

// ---- failures ---------------------------------------------------------------

TEST_P(StoreTest, LostPostgresConnectionThrowsThenReconnects) {
  if (GetParam() != Backend::postgresql) GTEST_SKIP() << "PostgreSQL only";
  const User user = add_user("aruzhan");
  ASSERT_TRUE(store().find_user_by_id(user.id).has_value());  // the connection is live

  pg::Connection admin(url_);
  // Our store's backend shares our application_name; the admin excludes itself.
  // The timeout argument makes the call wait until the backend is gone.
  const pg::Result killed = admin.execute(
      "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
      " WHERE application_name = $1 AND pid <> pg_backend_pid()",
      pg::Params().add_text(pg_->schema));
  ASSERT_EQ(killed.rows(), 1);

  try {
    (void)store().find_user_by_id(user.id);
    ADD_FAILURE() << "expected StoreError after the backend was terminated";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("connection lost"), std::string::npos) << error.what();
  }
  const auto after = store().find_user_by_id(user.id);  // one PQreset, then works
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->username, "aruzhan");
}

std::string backend_label(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::sqlite ? "sqlite" : "postgresql";
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest,
                         ::testing::Values(Backend::sqlite, Backend::postgresql), backend_label);

// ---- open_store, no fixture -------------------------------------------------

TEST(OpenStoreTest, UnreachablePostgresThrowsStoreError) {
  try {
    (void)open_store("postgresql://127.0.0.1:1/x?connect_timeout=2");
    FAIL() << "expected StoreError";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("PostgreSQL"), std::string::npos) << error.what();
  }
  EXPECT_THROW((void)open_store("postgres://127.0.0.1:1/x?connect_timeout=2"), StoreError);
}

TEST(OpenStoreTest, UnwritableSqlitePathThrowsStoreError) {
  const TempDir dir;
  // A regular file where a directory should be: fails even for root.
  const fs::path file = dir.path() / "plain-file";
  std::ofstream(file) << "not a directory";
  EXPECT_THROW((void)open_store("sqlite:" + (file / "sub" / "store.db").string()), StoreError);
  EXPECT_THROW((void)open_store((dir.path() / "missing-dir" / "store.db").string()), StoreError);
  // A directory is not a database file.
  EXPECT_THROW((void)open_store("sqlite:" + dir.path().string()), StoreError);
  // Neither is a text file.
  EXPECT_THROW((void)open_store(file.string()), StoreError);
}

TEST(OpenStoreTest, PicksTheBackendFromTheUrl) {
  const TempDir dir;
  const std::string plain = (dir.path() / "plain.db").string();
  EXPECT_EQ(open_store(plain)->backend_name(), "sqlite");
  EXPECT_TRUE(fs::exists(plain));
  const std::string prefixed = (dir.path() / "prefixed.db").string();
  EXPECT_EQ(open_store("sqlite:" + prefixed)->backend_name(), "sqlite");
  EXPECT_TRUE(fs::exists(prefixed));
  const std::string slashed = (dir.path() / "slashed.db").string();  // absolute: sqlite:///abs
  EXPECT_EQ(open_store("sqlite://" + slashed)->backend_name(), "sqlite");
  EXPECT_TRUE(fs::exists(slashed));

  EXPECT_THROW((void)open_store(""), StoreError);
  EXPECT_THROW((void)open_store("sqlite:"), StoreError);
  EXPECT_THROW((void)open_store("mysql://127.0.0.1/x"), StoreError);
}

}  // namespace
}  // namespace bailanys::store
