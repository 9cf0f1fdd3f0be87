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
