// The signaling hub's test fixture: a real SQLite store, fake sockets, injected time, and what
// the store pool posts back run on the test thread. Shared by hub_test and hub_media_test.
#pragma once

#include "auth/session_token.hpp"
#include "common/random.hpp"
#include "signaling/hub.hpp"
#include "store/store_pool.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

namespace bailanys::signaling::test {

using nlohmann::json;

class FakeSocket final : public http::WsConnection {
 public:
  void send_text(std::string text) override { frames.push_back(json::parse(text)); }
  void close(std::uint16_t code, std::string /*reason*/) override { closed_with = code; }
  std::vector<json> frames;
  std::optional<std::uint16_t> closed_with;

  std::vector<json> of_type(const std::string& type) const {
    std::vector<json> out;
    for (const auto& f : frames) {
      if (f["type"] == type) out.push_back(f);
    }
    return out;
  }
};

// Collects what pool threads post back, to run it on the test thread.
class PostQueue {
 public:
  void post(std::function<void()> fn) {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(fn));
    cv_.notify_all();
  }
  // Runs posted work until `done` holds (or 5 s pass).
  bool run_until(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done()) {
      std::function<void()> fn;
      {
        std::unique_lock lock(mutex_);
        if (!cv_.wait_until(lock, deadline, [&] { return !queue_.empty(); })) return false;
        fn = std::move(queue_.front());
        queue_.pop_front();
      }
      fn();
    }
    return true;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
};

class HubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    init_crypto();
    dir_ = std::filesystem::temp_directory_path() / ("hub_test_" + random_token(6));
    std::filesystem::create_directories(dir_);
    const std::string url = "sqlite:" + (dir_ / "t.db").string();
    auto setup = store::open_store(url);
    setup->migrate();
    owner_ = *setup->create_user({"owner", "Owner", "x", "en", 1});
    room_ = *setup->create_room({"kqz-mbvt-rax", "Lesson", owner_.id, true, 1});
    pool_ = std::make_unique<store::StorePool>([url] { return store::open_store(url); }, 2, 64);
    HubOptions options;
    options.max_room_size = 3;
    options.max_media_participants = 2;
    hub_ = std::make_unique<Hub>(
        *pool_, [this](std::function<void()> fn) { posted_.post(std::move(fn)); },
        HubClock{[this] { return wall_; }, [this] { return steady_; }}, options);
  }
  void TearDown() override {
    pool_->stop();
    hub_.reset();
    std::filesystem::remove_all(dir_);
  }

  struct Client {
    std::shared_ptr<FakeSocket> socket;
    Hub::ConnId id;
    std::unique_ptr<http::WsListener> listener;
    void send(const json& j) const { listener->on_text(j.dump()); }
  };

  Client connect(std::optional<std::string> cookie = std::nullopt) {
    Client c;
    c.socket = std::make_shared<FakeSocket>();
    http::HttpRequest upgrade;
    upgrade.remote_address = "127.0.0.1";
    if (cookie) upgrade.headers.emplace_back("cookie", *cookie);
    c.listener = hub_->on_open(c.socket, upgrade);
    c.id = 0;
    return c;
  }

  // Connects and completes hello → welcome.
  Client join(const std::string& name, std::optional<std::string> resume = std::nullopt,
              int version = 1, std::optional<std::string> cookie = std::nullopt) {
    Client c = connect(std::move(cookie));
    json hello = {{"type", "hello"}, {"v", version}, {"room", "KQZMBVTRAX"}, {"name", name}};
    if (resume) hello["resume"] = *resume;
    c.send(hello);
    EXPECT_TRUE(posted_.run_until([&] { return !c.socket->frames.empty(); }));
    return c;
  }

  // A Cookie header with a fresh session of the room's owner (a signed-in user).
  std::string owner_cookie() {
    const auto s = store::open_store("sqlite:" + (dir_ / "t.db").string());
    const auto token = auth::issue_session_token();
    s->create_session({token.hash, owner_.id, wall_, wall_ + 3'600'000});
    return "bailanys_session=" + token.token;
  }

  std::filesystem::path dir_;
  store::User owner_;
  store::Room room_;
  std::unique_ptr<store::StorePool> pool_;
  std::unique_ptr<Hub> hub_;
  PostQueue posted_;
  store::TimeMs wall_ = 1'700'000'000'000;
  store::TimeMs steady_ = 1'000;
};

}  // namespace bailanys::signaling::test
