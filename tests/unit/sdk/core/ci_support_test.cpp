// Helpers the SDK gives CI backends: engine job names, sizes, times, scripts.
#include <gtest/gtest.h>

#include "spackext/services/ci.hpp"

namespace {

using namespace spackext;

bool alnum_dash(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }

TEST(EngineJobNames, SanitizesDeterministicallyAndKeepsNamesUnique) {
  NameRules rules{alnum_dash, '-', 20, true, "j-", {"main"}};
  auto names = engine_job_names({"apps/gcc@14.2/openmpi@5/wrf", "apps/gcc-14.2/openmpi-5/wrf", "main", "9lives", "//"},
                                rules);
  ASSERT_EQ(names.size(), 5u);
  EXPECT_EQ(names[0], "apps-gcc-14-2-openmp");  // cut to 20 characters
  EXPECT_EQ(names[0].size(), 20u);
  EXPECT_EQ(names[1], "apps-gcc-14-2-open-2");  // same sanitized name: a suffix, still 20
  EXPECT_EQ(names[2], "main-2");                // reserved word
  EXPECT_EQ(names[3], "j-9lives");              // must start with a letter
  EXPECT_EQ(names[4], "j-");
  EXPECT_EQ(engine_job_names({"apps/gcc@14.2/openmpi@5/wrf", "apps/gcc-14.2/openmpi-5/wrf", "main", "9lives", "//"}, rules),
            names);
}

TEST(SlurmSyntax, SizesAndTimes) {
  EXPECT_EQ(parse_size_bytes("48G"), 48ULL << 30);
  EXPECT_EQ(parse_size_bytes("500M"), 500ULL << 20);
  EXPECT_EQ(parse_size_bytes("500"), 500ULL << 20);  // Slurm's default unit is MiB
  EXPECT_EQ(parse_size_bytes("lots"), 0u);
  EXPECT_EQ(parse_duration_seconds("02:00:00"), 7200);
  EXPECT_EQ(parse_duration_seconds("90"), 5400);
  EXPECT_EQ(parse_duration_seconds("90:30"), 5430);
  EXPECT_EQ(parse_duration_seconds("1-12:00:00"), 129600);
  EXPECT_EQ(parse_duration_seconds("soon"), 0);
}

TEST(JobShellScript, ExportsQuotedEnvironmentThenCommands) {
  PlanJob job;
  job.env = {{"A", "it's"}, {"B", "plain"}};
  job.commands = {"echo $A", "true"};
  EXPECT_EQ(job_shell_script(job), "set -e\nexport A='it'\\''s'\nexport B=plain\necho $A\ntrue\n");
  EXPECT_EQ(job_shell_script(job, false), "set -e\necho $A\ntrue\n");
}

}  // namespace
