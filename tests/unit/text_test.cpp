#include "common/text.hpp"

#include <gtest/gtest.h>

namespace bailanys {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("Сәлем, әлем! Привіт! Привет!"));
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));  // U+1F600
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
}

// Cases from the Unicode standard's "ill-formed subsequences" (ch. 3.9) and Markus Kuhn's
// UTF-8 decoder stress test.
TEST(Utf8, RejectsIllFormedText) {
  EXPECT_FALSE(is_valid_utf8("\x80"));              // lone continuation byte
  EXPECT_FALSE(is_valid_utf8("\xC3"));              // truncated sequence
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong '/', 3 bytes
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // U+D800, a surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // U+110000, past Unicode
  EXPECT_FALSE(is_valid_utf8("\xFE"));
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_FALSE(is_valid_utf8("ok\xE2\x82"));        // truncated at the end
}

TEST(Utf8, CountsCodePoints) {
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("қазақ"), 5u);
  EXPECT_EQ(utf8_length("\xF0\x9F\x98\x80!"), 2u);
}

TEST(Text, TrimsUnicodeSpace) {
  EXPECT_EQ(trim("  a b  "), "a b");
  EXPECT_EQ(trim("\xC2\xA0\xE3\x80\x80name\xE2\x80\x8B"), "name");  // NBSP, ideographic, ZWSP
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim("   "), "");
  EXPECT_EQ(trim("ж"), "ж");
}

TEST(Text, FindsControlCharacters) {
  EXPECT_FALSE(has_control_chars("fine", false));
  EXPECT_TRUE(has_control_chars("a\nb", false));
  EXPECT_FALSE(has_control_chars("a\nb\tc", true));
  EXPECT_TRUE(has_control_chars("a\x1b[31m", true));  // terminal escape
  EXPECT_TRUE(has_control_chars("\xC2\x85", false));   // U+0085, a C1 control
}

}  // namespace
}  // namespace bailanys
