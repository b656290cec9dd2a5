#include <gtest/gtest.h>

#include "cli/command_line.hpp"
#include "spackext/errors.hpp"

namespace {

using spackext::core::CommandLine;

CommandLine parse(std::vector<const char*> args) {
  args.insert(args.begin(), "spack-ext");
  return spackext::core::parse_command_line(static_cast<int>(args.size()), args.data());
}

TEST(CommandLine, GlobalOptionsBeforeTheCommand) {
  auto cl = parse({"-vv", "--config", "c.yaml", "--plugin-path", "a:b", "--plugin-path=c", "--events", "e.jsonl",
                   "buildcache", "list", "m"});
  EXPECT_EQ(cl.host.output.verbosity, 2);
  ASSERT_TRUE(cl.host.config_file);
  EXPECT_EQ(*cl.host.config_file, "c.yaml");
  EXPECT_EQ(cl.host.plugin_paths.size(), 2u);
  EXPECT_EQ(*cl.host.events_file, "e.jsonl");
  EXPECT_EQ(cl.words, (std::vector<std::string>{"buildcache", "list", "m"}));
}

TEST(CommandLine, OutputSwitchesAnywhereValueOptionsStayWithTheCommand) {
  auto cl = parse({"deploy", "run", "--config", "deploy.yaml", "--json", "-q", "-v"});
  EXPECT_TRUE(cl.host.output.json);
  EXPECT_TRUE(cl.host.output.quiet);
  EXPECT_EQ(cl.host.output.verbosity, 1);
  EXPECT_FALSE(cl.host.config_file);
  EXPECT_EQ(cl.words, (std::vector<std::string>{"deploy", "run", "--config", "deploy.yaml"}));
}

TEST(CommandLine, DoubleDashPassesEverythingThrough) {
  auto cl = parse({"x", "--", "--json"});
  EXPECT_FALSE(cl.host.output.json);
  EXPECT_EQ(cl.words, (std::vector<std::string>{"x", "--", "--json"}));
}

TEST(CommandLine, VersionAndHelp) {
  EXPECT_TRUE(parse({"--version"}).show_version);
  EXPECT_TRUE(parse({"-h"}).show_help);
  EXPECT_TRUE(parse({}).words.empty());
}

TEST(CommandLine, BadGlobalOptionsAreUsageErrors) {
  try {
    parse({"--frobnicate", "help"});
    FAIL();
  } catch (const spackext::UsageError& e) {
    EXPECT_EQ(e.exit_code(), 2);
    EXPECT_NE(std::string(e.what()).find("--frobnicate"), std::string::npos) << e.what();
  }
  try {
    parse({"--config"});
    FAIL();
  } catch (const spackext::UsageError& e) {
    EXPECT_STREQ(e.what(), "option '--config' needs a value");
  }
}

}  // namespace
