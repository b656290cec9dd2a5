// `modules generate/refresh` behaviour that needs no module system: refresh
// keeps unchanged files and removes modules of specs that are gone, dry runs
// touch nothing, bad input is refused before the root is touched, and
// events are published.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <spackext/bus.hpp>
#include <spackext/errors.hpp>
#include <spackext_testing/testing.hpp>

#include "generated_tree.hpp"
#include "synthetic_stack.hpp"

namespace {

namespace fs = std::filesystem;
namespace st = spackext::testing;
namespace sm = spackext::testing::modules;
using spackext::modules::GenerateOptions;

class Generate : public ::testing::Test {
 protected:
  void SetUp() override {
    lock_ = sm::synthetic_lockfile({});
    st::write_file(dir_ / "spack.lock", lock_.dump());
    sm::create_prefixes(lock_, dir_ / "opt/spack");
    st::write_file(dir_ / "modules.yaml",
                   "modules:\n  default:\n    lmod:\n      core_compilers: ['gcc@12.2.0']\n");
  }
  GenerateOptions options(const std::string& system = "lmod") const {
    GenerateOptions o;
    o.source = (dir_ / "spack.lock").string();
    o.root = dir_ / "modules";
    o.system = system;
    o.config = dir_ / "modules.yaml";
    o.install_root = (dir_ / "opt/spack").string();
    return o;
  }
  st::TempDir dir_{"spackext-modules-gen"};
  nlohmann::json lock_;
};

TEST_F(Generate, RefreshKeepsUnchangedAndRemovesGoneSpecs) {
  auto first = sm::make_generator().run(options());
  ASSERT_FALSE(first.written.empty());
  EXPECT_TRUE(first.kept.empty());
  const fs::path some = dir_ / "modules" / first.written.front();
  // An old mtime: a rewrite would move it.
  const auto old_time = fs::file_time_type::clock::now() - std::chrono::hours(1);
  fs::last_write_time(some, old_time);

  auto opts = options();
  opts.refresh = true;
  auto second = sm::make_generator().run(opts);
  EXPECT_TRUE(second.written.empty()) << second.to_json().dump();
  EXPECT_EQ(second.kept.size(), first.written.size());
  EXPECT_EQ(fs::last_write_time(some), old_time);

  // Drop one application from the lockfile: its module goes, the rest stay.
  std::string gone_hash;
  for (auto& [hash, node] : lock_["concrete_specs"].items())
    if (node["name"] == "app0" && gone_hash.empty()) gone_hash = hash;
  lock_["concrete_specs"].erase(gone_hash);
  st::write_file(dir_ / "spack.lock", lock_.dump());
  auto third = sm::make_generator().run(opts);
  ASSERT_EQ(third.removed.size(), 1u) << third.to_json().dump();
  EXPECT_FALSE(fs::exists(dir_ / "modules" / third.removed[0]));
  EXPECT_TRUE(third.written.empty());
  EXPECT_EQ(st::read_file(dir_ / "modules/module-index.yaml").find(gone_hash), std::string::npos);
}

TEST_F(Generate, EventsForWrittenAndRemoved) {
  spackext::Bus bus;
  std::vector<std::string> topics;
  bus.subscribe("modules.*", [&](const spackext::Event& e) { topics.push_back(std::string(e.topic())); });
  auto result = sm::make_generator(&bus).run(options("tcl"));
  EXPECT_EQ(std::count(topics.begin(), topics.end(), "modules.written"),
            static_cast<long>(result.written.size()));
}

TEST_F(Generate, DryRunTouchesNothing) {
  auto opts = options();
  opts.dry_run = true;
  auto result = sm::make_generator().run(opts);
  EXPECT_FALSE(result.written.empty());
  EXPECT_FALSE(fs::exists(dir_ / "modules"));
}

void expect_input_error(const std::function<void()>& f, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "no error";
  } catch (const spackext::Error& e) {
    EXPECT_EQ(e.exit_code(), 2) << e.what();
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST_F(Generate, BadInputLeavesTheRootUntouched) {
  auto gen = sm::make_generator();
  auto o = options();
  o.system = "dotkit";
  expect_input_error([&] { gen.run(o); }, "unknown module system 'dotkit'");

  o = options();
  st::write_file(dir_ / "bad.yaml", "modules:\n  default:\n    lmod:\n      hash_lenght: 2\n");
  o.config = dir_ / "bad.yaml";
  expect_input_error([&] { gen.run(o); }, "bad.yaml:4");

  o = options();
  o.source = (dir_ / "missing.lock").string();
  expect_input_error([&] { gen.run(o); }, "no such file or directory");

  o = options();
  st::write_file(dir_ / "other.json", "{\"hello\": 1}");
  o.source = (dir_ / "other.json").string();
  expect_input_error([&] { gen.run(o); }, "not a Spack database index.json or spack.lock");

  o = options();
  o.source = dir_.path().string() + "/opt";
  expect_input_error([&] { gen.run(o); }, "not a Spack install tree");

  o = options();
  o.install_root.reset();
  expect_input_error([&] { gen.run(o); }, "--install-root");

  // Two specs on one module name: both are named (Spack's clash rule).
  o = options();
  st::write_file(dir_ / "clash.yaml",
                 "modules:\n  default:\n    lmod:\n      core_compilers: ['gcc@12.2.0', 'gcc@13', 'llvm@17']\n"
                 "      hash_length: 0\n");
  o.config = dir_ / "clash.yaml";
  expect_input_error([&] { gen.run(o); }, "name clashes");
  EXPECT_FALSE(fs::exists(dir_ / "modules"));

  // An unwritable root.
  if (::geteuid() != 0) {
    fs::create_directories(dir_ / "ro");
    ::chmod((dir_ / "ro").c_str(), 0500);
    o = options();
    o.root = dir_ / "ro/modules";
    expect_input_error([&] { gen.run(o); }, "cannot create the module root");
    ::chmod((dir_ / "ro").c_str(), 0700);
  }
  o = options();
  st::write_file(dir_ / "file-root", "x");
  o.root = dir_ / "file-root";
  expect_input_error([&] { gen.run(o); }, "module root");
}

}  // namespace
