#include "config/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

namespace bailanys::config {
namespace {

Command parse(std::vector<std::string> args) {
  args.insert(args.begin(), "bailanys");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

TEST(Config, DefaultsServeSqliteOnLocalhost) {
  const auto cmd = parse({"serve"});
  ASSERT_TRUE(std::holds_alternative<ServeCommand>(cmd));
  const Config& c = std::get<ServeCommand>(cmd).config;
  EXPECT_EQ(c.listen_host, "127.0.0.1");
  EXPECT_EQ(c.listen_port, 8080);
  EXPECT_EQ(c.effective_db_url(), "sqlite:bailanys-data/bailanys.db");
  EXPECT_FALSE(c.tls());
}

TEST(Config, FlagsAreApplied) {
  const auto cmd = parse({"serve", "--listen", "[::1]:9000", "--data-dir", "/tmp/x", "--db",
                          "postgresql://u@127.0.0.1/db", "--max-room-size", "30",
                          "--allowed-origin", "https://a.example,https://b.example"});
  ASSERT_TRUE(std::holds_alternative<ServeCommand>(cmd));
  const Config& c = std::get<ServeCommand>(cmd).config;
  EXPECT_EQ(c.listen_host, "::1");
  EXPECT_EQ(c.listen_port, 9000);
  EXPECT_EQ(c.effective_db_url(), "postgresql://u@127.0.0.1/db");
  EXPECT_EQ(c.max_room_size, 30);
  EXPECT_EQ(c.allowed_origins.size(), 2u);
}

TEST(Config, EnvironmentFillsWhatFlagsLeaveOut) {
  ::setenv("BAILANYS_MAX_ROOM_SIZE", "12", 1);
  const auto from_env = parse({"serve"});
  const auto from_flag = parse({"serve", "--max-room-size", "7"});
  ::unsetenv("BAILANYS_MAX_ROOM_SIZE");
  EXPECT_EQ(std::get<ServeCommand>(from_env).config.max_room_size, 12);
  EXPECT_EQ(std::get<ServeCommand>(from_flag).config.max_room_size, 7);
}

TEST(Config, BadValuesAreUsageErrors) {
  EXPECT_EQ(std::get<ExitCommand>(parse({"serve", "--listen", "nonsense"})).exit_code, 2);
  EXPECT_EQ(std::get<ExitCommand>(parse({"serve", "--listen", "1.2.3.4:99999"})).exit_code, 2);
  EXPECT_NE(std::get<ExitCommand>(parse({"serve", "--max-room-size", "0"})).exit_code, 0);
  EXPECT_NE(std::get<ExitCommand>(parse({"serve", "--no-such-flag"})).exit_code, 0);
  EXPECT_NE(std::get<ExitCommand>(parse({"serve", "--tls-cert", "/nonexistent.pem"})).exit_code, 0);
}

TEST(Config, SrtpBackendDefaultsToOpenSslAndTakesFlagOrEnvironment) {
  EXPECT_EQ(std::get<ServeCommand>(parse({"serve"})).config.srtp_backend, "openssl");
  EXPECT_EQ(
      std::get<ServeCommand>(parse({"serve", "--srtp-backend", "libsrtp"})).config.srtp_backend,
      "libsrtp");
  ::setenv("BAILANYS_SRTP_BACKEND", "libsrtp", 1);
  const auto from_env = parse({"serve"});
  ::unsetenv("BAILANYS_SRTP_BACKEND");
  EXPECT_EQ(std::get<ServeCommand>(from_env).config.srtp_backend, "libsrtp");
  EXPECT_NE(std::get<ExitCommand>(parse({"serve", "--srtp-backend", "nss"})).exit_code, 0);
}

TEST(Config, HelpExitsWithZero) {
  EXPECT_EQ(std::get<ExitCommand>(parse({"--help"})).exit_code, 0);
  EXPECT_EQ(std::get<ExitCommand>(parse({"serve", "--help"})).exit_code, 0);
  EXPECT_EQ(std::get<ExitCommand>(parse({})).exit_code, 0);
}

}  // namespace
}  // namespace bailanys::config
