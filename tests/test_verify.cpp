// Unit tests for common/verify.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "verify.hpp"

using namespace accel;

TEST(Verify, WithinToleranceRecordsErrors) {
  const std::vector<float> ref{1.0f, 2.0f, -4.0f}, got{1.0005f, 2.0f, -4.002f};
  const auto v = verify_close(ref, got, {1e-6, 1e-3});
  EXPECT_TRUE(v.passed);
  EXPECT_NEAR(v.max_abs_err, 0.002, 1e-6);
  EXPECT_NEAR(v.max_rel_err, 0.0005, 1e-6);
}

TEST(Verify, MismatchNamesTheFirstIndex) {
  const std::vector<float> ref{1, 2, 3, 4}, got{1, 2, 3.5f, 5};
  const auto v = verify_close(ref, got, {1e-6, 1e-3});
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.mismatches, 2u);
  EXPECT_NE(v.first_mismatch.find("index 2"), std::string::npos) << v.first_mismatch;
}

TEST(Verify, NanNeverPasses) {
  const std::vector<float> ref{1, 2}, got{1, NAN};
  EXPECT_FALSE(verify_close(ref, got, {1e9, 1e9}).passed);
}

TEST(Verify, SizeMismatchFails) {
  const std::vector<float> ref{1, 2}, got{1};
  const auto v = verify_close(ref, got, {1, 1});
  EXPECT_FALSE(v.passed);
  EXPECT_NE(v.first_mismatch.find("size"), std::string::npos);
}

// The bound is atol + rtol * |ref|, not looser: 100 with atol 0.01 and rtol
// 1e-3 allows 0.11.
TEST(Verify, BoundIsAtolPlusRtolTimesRef) {
  const std::vector<float> ref{100.f};
  EXPECT_TRUE(verify_close(ref, std::vector<float>{100.1f}, {0.01, 1e-3}).passed);
  EXPECT_FALSE(verify_close(ref, std::vector<float>{100.12f}, {0.01, 1e-3}).passed);
  EXPECT_FALSE(verify_close(ref, std::vector<float>{99.88f}, {0.01, 1e-3}).passed);
  const std::vector<double> ref_d{100.0}, bound{0.11};
  EXPECT_TRUE(verify_within(ref_d, std::vector<float>{100.1f}, bound).passed);
  EXPECT_FALSE(verify_within(ref_d, std::vector<float>{100.12f}, bound).passed);
}

// Inf - Inf is NaN and an infinite ref makes the bound infinite: neither may
// decide. Only the same infinity passes.
TEST(Verify, InfinityPassesOnlyWhereTheReferenceHasTheSameOne) {
  const std::vector<float> ref{INFINITY, -INFINITY, 1.f};
  const auto same = verify_close(ref, ref, {1e-6, 1e-3});
  EXPECT_TRUE(same.passed) << same.first_mismatch;
  EXPECT_EQ(same.max_abs_err, 0.0);
  const auto flipped = verify_close(ref, std::vector<float>{INFINITY, INFINITY, 1.f}, {1e-6, 1e-3});
  EXPECT_FALSE(flipped.passed);
  EXPECT_EQ(flipped.mismatches, 1u);
  EXPECT_NE(flipped.first_mismatch.find("index 1"), std::string::npos) << flipped.first_mismatch;
  EXPECT_EQ(flipped.max_abs_err, INFINITY);
  EXPECT_FALSE(verify_close(std::vector<float>{1.f}, std::vector<float>{INFINITY}, {1e9, 1e9}).passed);
  EXPECT_FALSE(verify_close(std::vector<float>{INFINITY}, std::vector<float>{3e38f}, {1e9, 1e9}).passed);
  EXPECT_FALSE(verify_close(std::vector<float>{NAN}, std::vector<float>{NAN}, {1e9, 1e9}).passed);
}

TEST(Verify, EqualFindsEveryDifferenceUpToTheLastElement) {
  const std::vector<uint32_t> ref{1, 2, 3, 4}, last{1, 2, 3, 5}, two{0, 2, 3, 5};
  EXPECT_TRUE(verify_equal(ref, ref).passed);
  const auto v = verify_equal(ref, last);
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.mismatches, 1u);
  EXPECT_NE(v.first_mismatch.find("index 3"), std::string::npos) << v.first_mismatch;
  EXPECT_EQ(verify_equal(ref, two).mismatches, 2u);
}
