#include "auth/password.hpp"
#include "auth/rate_limiter.hpp"
#include "auth/room_code.hpp"
#include "auth/session_token.hpp"
#include "auth/validation.hpp"
#include "common/random.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace bailanys::auth {
namespace {

class AuthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { init_crypto(); }
};

TEST_F(AuthTest, PasswordHashIsArgon2idAndVerifies) {
  const std::string hash = hash_password("correct horse", test_password_cost());
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_TRUE(verify_password(hash, "correct horse"));
  EXPECT_FALSE(verify_password(hash, "correct horse "));
  EXPECT_FALSE(verify_password(hash, ""));
}

TEST_F(AuthTest, PasswordHashesAreSalted) {
  EXPECT_NE(hash_password("same", test_password_cost()), hash_password("same", test_password_cost()));
}

TEST_F(AuthTest, VerifyRejectsGarbageHashes) {
  EXPECT_FALSE(verify_password("", "x"));
  EXPECT_FALSE(verify_password("$argon2id$garbage", "x"));
  EXPECT_FALSE(verify_password("$2y$10$bcryptlookingstring", "x"));
}

TEST_F(AuthTest, SessionTokensAreLongRandomAndStoredHashed) {
  const auto a = issue_session_token();
  const auto b = issue_session_token();
  EXPECT_EQ(a.token.size(), 43u);  // 32 bytes, base64url without padding
  EXPECT_NE(a.token, b.token);
  EXPECT_EQ(a.hash, hash_session_token(a.token));
  EXPECT_EQ(a.hash.size(), 64u);
  EXPECT_EQ(a.hash.find(a.token), std::string::npos);
}

TEST_F(AuthTest, RoomCodesHaveTheReadableShape) {
  const std::regex shape("^[abcdefghjkmnpqrstuvwxyz]{3}-[abcdefghjkmnpqrstuvwxyz]{4}-"
                         "[abcdefghjkmnpqrstuvwxyz]{3}$");
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    const std::string code = generate_room_code();
    ASSERT_TRUE(std::regex_match(code, shape)) << code;
    seen.insert(code);
  }
  EXPECT_EQ(seen.size(), 2000u);  // 45 bits: a repeat here would mean broken randomness
}

TEST_F(AuthTest, RoomCodesUseEveryLetterOfTheAlphabet) {
  std::set<char> letters;
  for (int i = 0; i < 500; ++i) {
    for (const char c : generate_room_code()) {
      if (c != '-') letters.insert(c);
    }
  }
  EXPECT_EQ(letters.size(), kRoomCodeAlphabet.size());
}

TEST_F(AuthTest, RoomCodeNormalization) {
  EXPECT_EQ(normalize_room_code("kqz-mbvt-rax"), "kqz-mbvt-rax");
  EXPECT_EQ(normalize_room_code("KQZMBVTRAX"), "kqz-mbvt-rax");
  EXPECT_EQ(normalize_room_code(" kqz mbvt rax "), "kqz-mbvt-rax");
  EXPECT_EQ(normalize_room_code("kqz-mbvt-ra"), std::nullopt);    // too short
  EXPECT_EQ(normalize_room_code("kqz-mbvt-raxx"), std::nullopt);  // too long
  EXPECT_EQ(normalize_room_code("kqz-mbvt-ral"), std::nullopt);   // 'l' is not in the alphabet
  EXPECT_EQ(normalize_room_code("kqz/mbvt/rax"), std::nullopt);
  EXPECT_EQ(normalize_room_code("'; DROP TABLE rooms; --"), std::nullopt);
  EXPECT_EQ(normalize_room_code(""), std::nullopt);
  EXPECT_EQ(normalize_room_code(std::string(1000, 'a')), std::nullopt);
}

TEST(RateLimiter, AllowsBurstThenRefillsWithTime) {
  RateLimiter limiter({3, 1.0, 100});
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.take("k", 1000).allowed);
  const auto denied = limiter.take("k", 1000);
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.retry_after_ms, 1000);
  EXPECT_FALSE(limiter.take("k", 1500).allowed);
  EXPECT_TRUE(limiter.take("k", 2001).allowed);
  EXPECT_TRUE(limiter.take("other", 1000).allowed);  // keys are independent
}

TEST(RateLimiter, MemoryStaysBounded) {
  RateLimiter limiter({2, 1.0, 50});
  for (int i = 0; i < 10000; ++i) limiter.take("addr" + std::to_string(i), 0);
  EXPECT_LE(limiter.tracked_keys(), 50u);
}

TEST(RateLimiter, ForgettingKeysNeverFreesAnActiveAbuser) {
  RateLimiter limiter({2, 0.001, 10});
  limiter.take("abuser", 0);
  limiter.take("abuser", 0);
  EXPECT_FALSE(limiter.take("abuser", 0).allowed);
  for (int i = 0; i < 9; ++i) limiter.take("x" + std::to_string(i), 0);
  // The abuser's bucket is the emptiest, so it is the last to be forgotten.
  EXPECT_FALSE(limiter.take("abuser", 1).allowed);
}

TEST(Validation, Usernames) {
  EXPECT_EQ(clean_username("Aida_K"), "aida_k");
  EXPECT_EQ(clean_username("ab"), std::nullopt);
  EXPECT_EQ(clean_username(std::string(33, 'a')), std::nullopt);
  EXPECT_EQ(clean_username("аида"), std::nullopt);  // Cyrillic is for display names
  EXPECT_EQ(clean_username("a b c"), std::nullopt);
  EXPECT_EQ(clean_username("x'; DROP TABLE users; --"), std::nullopt);
}

TEST(Validation, DisplayNames) {
  EXPECT_EQ(clean_display_name("  Айгерім Сәрсенова  "), "Айгерім Сәрсенова");
  EXPECT_EQ(clean_display_name("   "), std::nullopt);
  EXPECT_EQ(clean_display_name("a\x01" "b"), std::nullopt);
  EXPECT_EQ(clean_display_name("bad\xff"), std::nullopt);
  std::string sixty_four_cyrillic;
  for (int i = 0; i < 64; ++i) sixty_four_cyrillic += "ж";
  EXPECT_TRUE(clean_display_name(sixty_four_cyrillic).has_value());
  EXPECT_FALSE(clean_display_name(sixty_four_cyrillic + "ж").has_value());
}

TEST(Validation, ChatText) {
  EXPECT_EQ(clean_chat_text("  hi\nthere  ").text, "hi\nthere");
  EXPECT_EQ(clean_chat_text(" \n ").error, ChatTextError::kEmpty);
  EXPECT_EQ(clean_chat_text("bad\xc3").error, ChatTextError::kInvalid);
  EXPECT_EQ(clean_chat_text("bell\x07").error, ChatTextError::kInvalid);
  std::string max;
  for (std::size_t i = 0; i < kMaxChatChars; ++i) max += "қ";  // 2 bytes each
  EXPECT_EQ(clean_chat_text(max).error, ChatTextError::kNone);
  EXPECT_EQ(clean_chat_text(max + "қ").error, ChatTextError::kTooLong);
  EXPECT_EQ(clean_chat_text("<img src=x onerror=alert(1)>").text, "<img src=x onerror=alert(1)>");
}

TEST(Validation, ClientIdsAndLanguages) {
  EXPECT_TRUE(valid_client_id("0b0c5a8e-8f8d-4f5e-9a51-7b0d3c2b1a00"));
  EXPECT_FALSE(valid_client_id(""));
  EXPECT_FALSE(valid_client_id(std::string(65, 'a')));
  EXPECT_FALSE(valid_client_id("has space"));
  for (const char* l : {"en", "kk", "ru", "uk"}) EXPECT_TRUE(valid_language(l));
  EXPECT_FALSE(valid_language("de"));
  EXPECT_FALSE(valid_language("KK"));
}

}  // namespace
}  // namespace bailanys::auth
