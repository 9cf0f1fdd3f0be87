// common/cgroup.cpp: the CPU quota and memory limit a cgroup sets, read from
// made-up cgroup trees.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cgroup.hpp"

using namespace accel;
namespace fs = std::filesystem;

namespace {

// A made-up cgroup mount in a folder of the test's own, removed at the end.
class fake_cgroups {
 public:
  fake_cgroups() : root_(fs::temp_directory_path() / ("accel_cgroup_" + std::to_string(::getpid()))) {
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  ~fake_cgroups() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  fake_cgroups(const fake_cgroups&) = delete;
  fake_cgroups& operator=(const fake_cgroups&) = delete;
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel) << text << "\n";
  }
  std::string root() const { return root_.string(); }

 private:
  fs::path root_;
};

}  // namespace

TEST(Cgroup, CgroupV2QuotaIsTheSmallestAlongThePath) {
  const fake_cgroups g;
  g.write("cpu.max", "max 100000");
  EXPECT_EQ(cgroup_cpu_quota("0::/\n", g.root()), 0) << "no quota";
  g.write("ci.slice/cpu.max", "400000 100000");
  g.write("ci.slice/job/cpu.max", "250000 100000");
  EXPECT_DOUBLE_EQ(cgroup_cpu_quota("0::/ci.slice/job\n", g.root()), 2.5);
  g.write("ci.slice/job/cpu.max", "max 100000");
  EXPECT_DOUBLE_EQ(cgroup_cpu_quota("0::/ci.slice/job\n", g.root()), 4.0) << "the parent's quota bounds the child";
  // In a container the path is the host's and the mount shows the
  // container's own cgroup at the top: the folders that exist count.
  g.write("cpu.max", "150000 100000");
  EXPECT_DOUBLE_EQ(cgroup_cpu_quota("0::/docker/0123abcd\n", g.root()), 1.5);
  // Outside the cgroup namespace's root: the top only, nothing above it.
  g.write("mnt/cpu.max", "max 100000");
  EXPECT_EQ(cgroup_cpu_quota("0::/../user.slice\n", g.root() + "/mnt"), 0) << "read above the mount";
}

TEST(Cgroup, CgroupV1QuotaOverPeriod) {
  const fake_cgroups g;
  g.write("cpu,cpuacct/cpu.cfs_quota_us", "-1");
  g.write("cpu,cpuacct/cpu.cfs_period_us", "100000");
  const std::string self = "5:memory:/ci\n4:cpu,cpuacct:/ci\n1:name=systemd:/ci\n";
  EXPECT_EQ(cgroup_cpu_quota(self, g.root()), 0) << "-1: no quota";
  g.write("cpu,cpuacct/ci/cpu.cfs_quota_us", "50000");
  g.write("cpu,cpuacct/ci/cpu.cfs_period_us", "100000");
  EXPECT_DOUBLE_EQ(cgroup_cpu_quota(self, g.root()), 0.5);
  // The memory controller's folder is not read for CPU.
  g.write("memory/ci/cpu.cfs_quota_us", "10000");
  EXPECT_DOUBLE_EQ(cgroup_cpu_quota(self, g.root()), 0.5);
}

TEST(Cgroup, UnreadableOrMalformedCgroupsMeanNoQuota) {
  const fake_cgroups g;
  EXPECT_EQ(cgroup_cpu_quota("", g.root()), 0);
  EXPECT_EQ(cgroup_cpu_quota("garbage without colons\n", g.root()), 0);
  EXPECT_EQ(cgroup_cpu_quota("0::/\n", g.root() + "/absent"), 0);
  for (const char* text : {"abc 100000", "200000", "200000 0", "-5 100000", "200000x 100000", ""}) {
    g.write("cpu.max", text);
    EXPECT_EQ(cgroup_cpu_quota("0::/\n", g.root()), 0) << "cpu.max '" << text << "'";
  }
}

TEST(Cgroup, MemoryLimitV2IsTheSmallestAlongThePath) {
  const fake_cgroups g;
  g.write("memory.max", "max");
  EXPECT_EQ(cgroup_memory_limit("0::/\n", g.root()), 0u) << "no limit";
  g.write("kubepods/memory.max", "8589934592");
  g.write("kubepods/pod1/memory.max", "2147483648");
  EXPECT_EQ(cgroup_memory_limit("0::/kubepods/pod1\n", g.root()), 2147483648u);
  g.write("kubepods/pod1/memory.max", "max");
  EXPECT_EQ(cgroup_memory_limit("0::/kubepods/pod1\n", g.root()), 8589934592u) << "the parent's limit bounds the child";
  for (const char* text : {"", "-1", "12G", "abc"}) {
    g.write("kubepods/memory.max", text);
    EXPECT_EQ(cgroup_memory_limit("0::/kubepods/pod1\n", g.root()), 0u) << "memory.max '" << text << "'";
  }
}

TEST(Cgroup, MemoryLimitV1) {
  const fake_cgroups g;
  const std::string self = "7:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n";
  g.write("memory/memory.limit_in_bytes", "9223372036854771712");  // v1's "no limit": larger than any RAM
  g.write("memory/docker/abc/memory.limit_in_bytes", "1073741824");
  EXPECT_EQ(cgroup_memory_limit(self, g.root()), 1073741824u);
  // The CPU controller's folder is not read for memory.
  g.write("cpu,cpuacct/docker/abc/memory.limit_in_bytes", "1024");
  EXPECT_EQ(cgroup_memory_limit(self, g.root()), 1073741824u);
  EXPECT_EQ(cgroup_memory_limit("4:cpu,cpuacct:/docker/abc\n", g.root()), 0u) << "not in a memory hierarchy";
}

// The live readings are the parsers' over this process's own cgroup files.
TEST(Cgroup, ThisProcessReadsItsOwn) {
  std::ifstream f("/proc/self/cgroup");
  std::stringstream text;
  text << f.rdbuf();
  EXPECT_EQ(cgroup_cpu_quota(), cgroup_cpu_quota(text.str(), "/sys/fs/cgroup"));
  EXPECT_EQ(cgroup_memory_limit(), cgroup_memory_limit(text.str(), "/sys/fs/cgroup"));
}
