// The command model: a command's description in its manifest, resolved and
// parsed the way the host does for every command.
#include "spackext/command_model.hpp"

#include <gtest/gtest.h>

#include "spackext/errors.hpp"

namespace {

using spackext::CommandSpec;
using spackext::ParsedArgs;
using spackext::UsageError;

const char* kDeploy = R"json({
  "name": "deploy", "description": "Run deployments", "default_subcommand": "run",
  "options": [{"name": "state-db", "value": "FILE", "description": "state database"}],
  "subcommands": [
    {"name": "run", "description": "Run a deployment",
     "options": [{"name": "config", "short": "c", "value": "FILE", "required": true, "description": "deploy.yaml"},
                 {"name": "dry-run", "description": "print the plan"},
                 {"name": "jobs", "value": "N", "default": "4"},
                 {"name": "executor", "value": "NAME", "choices": ["local", "slurm"], "default": "local"},
                 {"name": "var", "value": "KEY=VALUE", "multiple": true}]},
    {"name": "status", "aliases": ["st"], "description": "Show a deployment",
     "positionals": [{"name": "ID", "description": "deployment id"}],
     "options": [{"name": "deployment-id", "value": "ID"}]},
    {"name": "template", "description": "Templates",
     "subcommands": [{"name": "create", "positionals": [{"name": "NAME", "required": true},
                                                         {"name": "FILE", "multiple": true}]}]}
  ]})json";

CommandSpec deploy() { return CommandSpec::from_json(nlohmann::json::parse(kDeploy), ""); }

ParsedArgs parse(const std::vector<std::string>& words) {
  auto spec = deploy();
  return spackext::parse_command(spackext::resolve_command(spec, words));
}

std::string usage_error(const std::vector<std::string>& words) {
  try {
    parse(words);
  } catch (const UsageError& e) {
    EXPECT_EQ(e.exit_code(), 2);
    return e.what();
  }
  ADD_FAILURE() << "no usage error";
  return {};
}

TEST(CommandModel, ParsesOptionsFlagsDefaultsAndRepeats) {
  auto p = parse({"run", "-c", "d.yaml", "--dry-run", "--var", "a=1", "--var=b=2", "--executor", "slurm"});
  EXPECT_TRUE(p.modelled());
  EXPECT_EQ(p.subcommand(), "run");
  EXPECT_EQ(p.get("config"), "d.yaml");
  EXPECT_TRUE(p.given("dry-run"));
  EXPECT_EQ(p.get("executor"), "slurm");
  EXPECT_EQ(p.all("var"), (std::vector<std::string>{"a=1", "b=2"}));
  EXPECT_FALSE(p.given("jobs"));
  EXPECT_TRUE(p.has("jobs"));
  EXPECT_EQ(p.integer("jobs", 1), 4);
  EXPECT_FALSE(p.has("state-db"));
  EXPECT_EQ(p.get("state-db", "fallback"), "fallback");
}

TEST(CommandModel, DefaultSubcommandWhenTheFirstWordIsAnOption) {
  auto p = parse({"--config", "d.yaml", "--dry-run"});
  EXPECT_EQ(p.subcommand(), "run");
  EXPECT_EQ(p.get("config"), "d.yaml");
}

TEST(CommandModel, AliasesPositionalsAndInheritedOptions) {
  auto p = parse({"st", "abc123", "--state-db", "x.db"});
  EXPECT_EQ(p.subcommand(), "status");
  EXPECT_EQ(p.positional(0), "abc123");
  EXPECT_EQ(p.get("state-db"), "x.db");
  auto q = parse({"template", "create", "lab", "a", "b"});
  EXPECT_EQ(q.subcommand(), "template create");
  EXPECT_EQ(q.positionals(), (std::vector<std::string>{"lab", "a", "b"}));
}

TEST(CommandModel, UsageErrorsNameTheProblemAndShowTheUsage) {
  auto missing = usage_error({"run"});
  EXPECT_NE(missing.find("'--config' is required"), std::string::npos) << missing;
  EXPECT_NE(missing.find("usage: spack-ext deploy run --config FILE [options]"), std::string::npos) << missing;
  EXPECT_NE(usage_error({"run", "-c", "x", "--bogus"}).find("bogus"), std::string::npos);
  EXPECT_NE(usage_error({"run", "-c", "x", "--executor", "k8s"}).find("expected one of: local, slurm"),
            std::string::npos);
  EXPECT_NE(usage_error({"run", "-c", "x", "-c", "y"}).find("more than once"), std::string::npos);
  EXPECT_NE(usage_error({"run", "-c", "x", "extra"}).find("unexpected argument 'extra'"), std::string::npos);
  EXPECT_NE(usage_error({"stauts"}).find("did you mean 'status'"), std::string::npos);
  EXPECT_NE(usage_error({"template"}).find("needs a subcommand: create"), std::string::npos);
  EXPECT_NE(usage_error({"template", "create"}).find("missing NAME"), std::string::npos);
  // A prefix of an option is not guessed: --dry would silently mean --dry-run.
  EXPECT_NE(usage_error({"run", "-c", "x", "--dry"}).find("dry"), std::string::npos);
  auto p = parse({"run", "-c", "x", "--jobs", "many"});
  EXPECT_THROW(p.integer("jobs", 1), UsageError);
}

TEST(CommandModel, HelpStopsAtTheDeepestLevelNamed) {
  auto spec = deploy();
  auto r = spackext::resolve_command(spec, {"status", "--help"});
  EXPECT_TRUE(r.help);
  EXPECT_EQ(r.path(), "deploy status");
  auto text = spackext::command_help(r);
  EXPECT_NE(text.find("usage: spack-ext deploy status [options] [ID]"), std::string::npos) << text;
  EXPECT_NE(text.find("--deployment-id ID"), std::string::npos) << text;
  EXPECT_NE(text.find("--state-db FILE"), std::string::npos) << text;  // inherited
  EXPECT_NE(text.find("-h, --help"), std::string::npos) << text;
  // An unknown subcommand with --help shows the level above, not an error.
  auto top = spackext::resolve_command(spec, {"nosuch", "-h"});
  EXPECT_EQ(top.path(), "deploy");
  EXPECT_NE(spackext::command_help(top).find("Run a deployment (default)"), std::string::npos);
}

TEST(CommandModel, MalformedModelsAreRefusedWithTheirLocation) {
  auto bad = [](const char* text) {
    try {
      CommandSpec::from_json(nlohmann::json::parse(text), "plugin 'x': ");
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(bad(R"({"name": "c", "options": [{"name": "--x"}]})").find("without leading dashes"), std::string::npos);
  EXPECT_NE(bad(R"({"name": "c", "options": [{"name": "x"}, {"name": "x"}]})").find("declared twice"),
            std::string::npos);
  EXPECT_NE(bad(R"({"name": "c", "default_subcommand": "run", "subcommands": [{"name": "go"}]})")
                .find("default_subcommand 'run'"),
            std::string::npos);
  EXPECT_NE(bad(R"({"name": "c", "positionals": [{"name": "A", "multiple": true}, {"name": "B"}]})")
                .find("only the last positional"),
            std::string::npos);
  EXPECT_NE(bad(R"({"name": "c", "options": [{"name": "f", "default": "1"}]})").find("a flag"), std::string::npos);
  EXPECT_EQ(bad(R"({"name": "c", "options": [{"name": "f", "value": "N", "default": 1}]})"), "accepted");
}

TEST(CommandModel, RoundTripsThroughJson) {
  auto spec = deploy();
  auto again = CommandSpec::from_json(spec.to_json(), "");
  EXPECT_EQ(again.to_json(), spec.to_json());
}

}  // namespace
