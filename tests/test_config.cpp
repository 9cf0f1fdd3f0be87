// bench/config.cpp: option validation and --device-memory-limit parsing.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

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

// A point whose inputs cannot fit in the host memory this process may use
// (the RAM, or a cgroup memory limit: common/system_info.hpp) is refused
// before the run, naming both sizes.
TEST(Suite, PointsBeyondTheHostMemoryAreRefused) {
  const json suite = parse_suite(R"({"workloads": {"elementwise": [{"op": "saxpy", "n": [1024, 268435456]}]}})", "t");
  EXPECT_EQ(expand_suite(suite, {}, double(1ull << 34)).size(), 2u);
  try {
    (void)expand_suite(suite, {}, double(1ull << 30));
    FAIL() << "256 Mi elements fit in 1 GiB";
  } catch (const input_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("workloads.elementwise[0]: elementwise {\"op\":\"saxpy\",\"n\":268435456} needs about 6144 MiB"),
              std::string::npos) << what;
    EXPECT_NE(what.find("this process may use 1024 MiB"), std::string::npos) << what;
  }
  EXPECT_EQ(expand_suite(suite, {}, 0).size(), 2u) << "0: the host memory is unknown";
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
  EXPECT_THROW(validate(threads), input_error);
  run_config fault;
  fault.inject_fault = "meteor";
  EXPECT_THROW(validate(fault), input_error);
  EXPECT_NO_THROW(validate(run_config{}));
  run_config equal;  // the same limit for both is allowed
  equal.rule.min_time_s = equal.rule.max_time_s = 2;
  EXPECT_NO_THROW(validate(equal));
}

// Every out-of-range option is refused, naming itself.
TEST(Config, EachOutOfRangeOptionIsRefusedByName) {
  const std::vector<std::pair<std::string, std::function<void(run_config&)>>> bad = {
      {"--min-samples", [](run_config& c) { c.rule.min_samples = 0; }},
      {"--min-samples", [](run_config& c) { c.rule.min_samples = 1'000'001; }},
      {"--min-time", [](run_config& c) { c.rule.min_time_s = -1; }},
      {"--min-time", [](run_config& c) { c.rule.min_time_s = NAN; }},
      {"--min-time", [](run_config& c) { c.rule.min_time_s = 3601; }},
      {"--max-time", [](run_config& c) { c.rule.max_time_s = 0; }},
      {"--max-time", [](run_config& c) { c.rule.max_time_s = 86401; }},
      {"--rounds", [](run_config& c) { c.rule.rounds = 0; }},
      {"--rounds", [](run_config& c) { c.rule.rounds = 101; }},
      {"--rounds-in", [](run_config& c) { c.rounds_in = "elsewhere"; }},
      {"--max-noise", [](run_config& c) { c.rule.max_noise = 0; }},
      {"--max-noise", [](run_config& c) { c.rule.max_noise = 1; }},
      {"--target", [](run_config& c) { c.target = 0; }},
      {"--target", [](run_config& c) { c.target = INFINITY; }},
      {"--cpu-threads", [](run_config& c) { c.cpu_threads = {2, 4097}; }},
      {"--cpu-threads", [](run_config& c) { c.cpu_threads = {-1}; }},
      {"--device", [](run_config& c) { c.device = -1; }},
      {"--backend", [](run_config& c) { c.backend = "quantum"; }},
      {"--device-memory-limit", [](run_config& c) { c.device_memory_limit = "lots"; }},
      // No case could converge: more sampled time asked for than the wall-time limit.
      {"--min-time", [](run_config& c) { c.rule.min_time_s = 2, c.rule.max_time_s = 1; }},
  };
  for (const auto& [option, change] : bad) {
    run_config c;
    change(c);
    try {
      validate(c);
      ADD_FAILURE() << option << ": accepted";
    } catch (const input_error& e) {
      EXPECT_EQ(std::string(e.what()).rfind(option + ":", 0), 0u) << option << ": " << e.what();
    }
  }
}

// A value listed twice is refused, naming it (a likely typo, as a CPU variant
// listed twice is); a point in two grids that overlap runs once, with the CPU
// variants of both, so a report never holds a case twice.
TEST(Suite, RepeatedPoints) {
  try {
    (void)expand_suite(parse_suite(R"({"workloads": {"reduce": [{"op": "sum", "n": [100, 200, 100]}]}})", "t"), {}, 0);
    FAIL() << "a value listed twice was accepted";
  } catch (const input_error& e) {
    EXPECT_NE(std::string(e.what()).find("reduce[0].n[2]: 100 is listed twice"), std::string::npos) << e.what();
  }
  run_config twice;
  twice.batch_sizes = {1, 16, 1};
  try {
    (void)points_for(twice, double(1ull << 34));
    FAIL() << "--batch-sizes 1,16,1 was accepted";
  } catch (const input_error& e) {
    EXPECT_NE(std::string(e.what()).find("--batch-sizes: 1 is listed twice"), std::string::npos) << e.what();
  }

  const auto points = expand_suite(parse_suite(R"({"workloads": {
      "sort": [{"kind": "keys", "dist": "uniform", "n": [64, 32], "cpu_variants": ["radix"]},
               {"kind": "keys", "dist": "uniform", "n": [16, 64], "cpu_variants": ["radix", "std"]}],
      "reduce": [{"op": "sum", "n": 100, "cpu_variants": ["eigen"]}, {"op": "sum", "n": [100, 200]}]}})", "t"),
                                   {}, 0);
  std::vector<std::string> got;
  for (const auto& p : points) {
    std::string variants;
    for (int v : p.cpu_variants) variants += p.w->cpu_variants[size_t(v)].name + " ";
    got.push_back(p.w->name + " " + std::to_string(p.params["n"].get<int>()) + ": " + variants);
  }
  // In the order they first appear; an empty list of variants means all of them.
  EXPECT_EQ(got, (std::vector<std::string>{"reduce 100: ", "reduce 200: ", "sort 64: radix std ", "sort 32: radix ",
                                           "sort 16: radix std "}));
}
