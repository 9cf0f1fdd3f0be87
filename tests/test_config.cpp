// bench/config.cpp: option validation and --device-memory-limit parsing.
#include <gtest/gtest.h>

#include "config.hpp"
#include "suite.hpp"

using namespace accel;

TEST(MemoryLimit, ParsesBytesUnitsAndPercent) {
  EXPECT_EQ(parse_memory_limit("1000", 0), 1000u);
  EXPECT_EQ(parse_memory_limit("2KiB", 0), 2048u);
  EXPECT_EQ(parse_memory_limit("1.5GiB", 0), uint64_t(1.5 * 1024 * 1024 * 1024));
  EXPECT_EQ(parse_memory_limit("50%", 1000), 500u);
  EXPECT_EQ(parse_memory_limit("25%", 0), 0u);  // no device: unknown, no limit
}

TEST(MemoryLimit, RefusesNonsense) {
  for (const char* bad : {"", "abc", "-5", "0", "12XB", "150%", "1e30", "nan", "inf"})
    EXPECT_THROW(parse_memory_limit(bad, 1000), input_error) << bad;
}

TEST(Config, ValidateNamesTheOption) {
  run_config c;
  c.batch_sizes = {1, 0};
  try {
    (void)points_for(c, double(1ull << 34));
    FAIL();
  } catch (const input_error& e) {
    EXPECT_NE(std::string(e.what()).find("--batch-sizes"), std::string::npos);
  }
  run_config big;
  big.batch_sizes = {1 << 24};
  EXPECT_THROW((void)points_for(big, double(1ull << 30)), input_error);  // needs far more than 1 GiB
  run_config threads;
  threads.cpu_threads = {};
  EXPECT_THROW(validate(threads, 1ull << 34), input_error);
  run_config fault;
  fault.inject_fault = "meteor";
  EXPECT_THROW(validate(fault, 1ull << 34), input_error);
  EXPECT_NO_THROW(validate(run_config{}, 1ull << 34));
}
