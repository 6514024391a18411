#include "sfu/keyframe_request_limiter.hpp"

#include <gtest/gtest.h>

namespace bailanys::sfu {
namespace {

TEST(KeyframeRequestLimiter, FirstRequestPassesThenThrottles) {
  KeyframeRequestLimiter limiter(500);
  EXPECT_TRUE(limiter.allow(1, 1000));
  EXPECT_FALSE(limiter.allow(1, 1100));
  EXPECT_FALSE(limiter.allow(1, 1499));
  EXPECT_TRUE(limiter.allow(1, 1500));
}

TEST(KeyframeRequestLimiter, StreamsAreIndependent) {
  KeyframeRequestLimiter limiter(500);
  EXPECT_TRUE(limiter.allow(1, 0));
  EXPECT_TRUE(limiter.allow(2, 10));
  EXPECT_FALSE(limiter.allow(1, 20));
}

TEST(KeyframeRequestLimiter, FoldedRequestIsSentWhenDue) {
  KeyframeRequestLimiter limiter(500);
  EXPECT_TRUE(limiter.allow(9, 0));
  EXPECT_FALSE(limiter.due(9, 100));  // nothing folded yet
  EXPECT_FALSE(limiter.allow(9, 100));
  EXPECT_FALSE(limiter.allow(9, 200));  // folded into one
  EXPECT_FALSE(limiter.due(9, 499));
  EXPECT_TRUE(limiter.due(9, 500));
  EXPECT_FALSE(limiter.due(9, 1200));   // only once
  EXPECT_FALSE(limiter.allow(9, 900));  // 400 ms after the folded one went out
}

TEST(KeyframeRequestLimiter, ForgetResets) {
  KeyframeRequestLimiter limiter(500);
  EXPECT_TRUE(limiter.allow(5, 0));
  limiter.forget(5);
  EXPECT_TRUE(limiter.allow(5, 1));
}

TEST(KeyframeRequestLimiter, AWaitingSubscriberAsksAgainSoonOnceTheKeyframeCame) {
  KeyframeRequestLimiter limiter(500);
  EXPECT_TRUE(limiter.allow(3, 0, true));
  EXPECT_FALSE(limiter.allow(3, 200, true));  // the keyframe has not come: folded
  limiter.satisfied(3);                       // it came (and answered the folded request)
  EXPECT_FALSE(limiter.due(3, 600));
  EXPECT_FALSE(limiter.allow(3, 100, true));   // too soon even when answered
  EXPECT_FALSE(limiter.allow(3, 220, false));  // a receiver's PLI keeps the whole interval
  EXPECT_TRUE(limiter.allow(3, 230, true));    // a new subscriber waits 150 ms, not 500
  EXPECT_FALSE(limiter.allow(3, 400, true));   // not answered yet
  EXPECT_TRUE(limiter.due(3, 730));            // the folded one goes at the full interval
}

TEST(KeyframeRequestLimiter, AKeyframeBeforeAnyRequestAnswersNothing) {
  KeyframeRequestLimiter limiter(500);
  limiter.satisfied(4);
  EXPECT_TRUE(limiter.allow(4, 0, true));
  EXPECT_FALSE(limiter.allow(4, 200, true));
}

}  // namespace
}  // namespace bailanys::sfu
