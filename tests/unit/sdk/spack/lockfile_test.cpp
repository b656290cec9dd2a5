// spack.lock readers against the lockfile Spack 1.1.0 wrote
// (shared/fixtures/spack/env/spack.lock; hashes from its README).
#include <gtest/gtest.h>

#include <spackext/errors.hpp>
#include <spackext/spack/lockfile.hpp>
#include <spackext_testing/testing.hpp>

namespace {

using spackext::spack::read_lockfile;
using spackext::spack::parse_lockfile;
namespace st = spackext::testing;

constexpr const char* kPeerhello = "5hn2gvdnbmne734ml6ionv2ba7cemxgl";
constexpr const char* kPeerlib = "fe2xtrzeuj3aptrt5see46vcskdgwfht";
constexpr const char* kPeermpi = "52khzykl54qj6thnn2sikydwkxf5oeh5";
constexpr const char* kGcc = "2piry453r4ujwneqffiwxpflvkz6bsro";
constexpr const char* kGlibc = "2dxfl3zus4n6g2gz4iarmmuluwuxaqmn";

TEST(Lockfile, ReadsSpack11LockfileV6) {
  SPACKEXT_REQUIRE_FIXTURE(lock, "fixtures/spack/env/spack.lock");
  auto set = read_lockfile(lock);
  EXPECT_EQ(set.size(), 7u);
  ASSERT_EQ(set.roots().size(), 2u);
  EXPECT_EQ(set.roots()[0], kPeerhello);
  EXPECT_EQ(set.roots()[1], kPeermpi);

  const auto& hello = set.at(kPeerhello);
  EXPECT_EQ(hello.name, "peerhello");
  EXPECT_EQ(hello.version, "1.0");
  EXPECT_EQ(hello.namespace_name, "peer");
  EXPECT_EQ(hello.arch.platform, "linux");
  EXPECT_EQ(hello.arch.os, "debian12");
  EXPECT_EQ(hello.arch.target, "x86_64_v4");
  ASSERT_TRUE(hello.compiler.has_value());
  EXPECT_EQ(hello.compiler->name, "gcc");
  EXPECT_EQ(hello.compiler->version, "12.2.0");
  EXPECT_EQ(hello.compiler->hash, kGcc);
  EXPECT_FALSE(hello.external());
  EXPECT_TRUE(hello.prefix.empty());  // a lockfile records no prefixes
  ASSERT_EQ(hello.dependencies.size(), 5u);
  const auto& peerlib_edge = hello.dependencies[4];
  EXPECT_EQ(peerlib_edge.name, "peerlib");
  EXPECT_EQ(peerlib_edge.hash, kPeerlib);
  EXPECT_TRUE(peerlib_edge.has_type("build"));
  EXPECT_TRUE(peerlib_edge.has_type("link"));
  EXPECT_FALSE(peerlib_edge.has_type("run"));
  EXPECT_TRUE(hello.dependencies[3].provides("libc"));
  EXPECT_EQ(hello.short_hash(), "5hn2gvd");

  const auto& lib = set.at(kPeerlib);
  EXPECT_EQ(lib.variants.at("mpi"), true);
  EXPECT_EQ(lib.variants.at("build_system"), "generic");
  EXPECT_EQ(lib.variants.count("cflags"), 0u);  // flags are kept apart
  EXPECT_TRUE(lib.compiler_flags.empty());

  // peermpi has no compiler dependency at all.
  EXPECT_FALSE(set.at(kPeermpi).compiler.has_value());

  const auto& gcc = set.at(kGcc);
  ASSERT_TRUE(gcc.external());
  EXPECT_EQ(*gcc.external_prefix, "/usr");
  EXPECT_EQ(gcc.external_attributes["compilers"]["c"], "/usr/bin/gcc");
  EXPECT_EQ(gcc.arch.target, "x86_64");
  EXPECT_EQ(gcc.format(),
            "gcc@12.2.0~binutils+bootstrap~graphite~mold~nvptx~piclibs~profiled~strip build_system=autotools "
            "build_type=RelWithDebInfo languages:='c,c++,fortran' platform=linux os=debian12 target=x86_64");
  EXPECT_EQ(lib.format(), "peerlib@1.0+mpi build_system=generic platform=linux os=debian12 target=x86_64_v4");
}

TEST(Lockfile, ProviderAndDependencyQueries) {
  SPACKEXT_REQUIRE_FIXTURE(lock, "fixtures/spack/env/spack.lock");
  auto set = read_lockfile(lock);
  const auto& hello = set.at(kPeerhello);
  // peerhello reaches mpi through peerlib's link edge.
  const auto* mpi = set.provider(hello, "mpi");
  ASSERT_NE(mpi, nullptr);
  EXPECT_EQ(mpi->hash, kPeermpi);
  EXPECT_EQ(set.provider(set.at(kPeermpi), "mpi"), nullptr);
  EXPECT_EQ(set.provider(hello, "libc")->hash, kGlibc);

  auto link_run = set.direct_dependencies(hello, {"link", "run"});
  std::vector<std::string> names;
  for (const auto* d : link_run) names.push_back(d->name);
  EXPECT_EQ(names, (std::vector<std::string>{"gcc-runtime", "glibc", "peerlib"}));
  EXPECT_EQ(set.direct_dependencies(hello).size(), 5u);
}

TEST(Lockfile, CiConcreteEnvironmentLockfile) {
  SPACKEXT_REQUIRE_FIXTURE(lock, "fixtures/spack/ci/jobs_scratch_dir/concrete_environment/spack.lock");
  auto set = read_lockfile(lock);
  EXPECT_EQ(set.size(), 7u);
  ASSERT_EQ(set.roots().size(), 1u);
  EXPECT_EQ(set.roots()[0], kPeerhello);
}

// Lockfile v4 (Spack 0.19/0.20) writes specfile-v3 nodes: a node-level
// compiler, dependency edges with `type` and no virtuals, dict targets.
TEST(Lockfile, ReadsVersion4Layout) {
  auto lock = nlohmann::json::parse(R"({
    "_meta": {"file-type": "spack-lockfile", "lockfile-version": 4, "specfile-version": 3},
    "roots": [{"hash": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "spec": "zlib"}],
    "concrete_specs": {
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa": {
        "name": "zlib", "version": "1.2.13",
        "arch": {"platform": "linux", "platform_os": "ubuntu22.04",
                 "target": {"name": "skylake", "vendor": "GenuineIntel", "features": [], "generation": 0, "parents": []}},
        "compiler": {"name": "gcc", "version": "11.3.0"},
        "namespace": "builtin",
        "parameters": {"optimize": true, "pic": true, "shared": true, "cflags": ["-O2"], "cppflags": [], "cxxflags": [],
                       "fflags": [], "ldflags": [], "ldlibs": []},
        "dependencies": [{"name": "gmake", "hash": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "type": ["build"]}],
        "hash": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      },
      "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb": {
        "name": "gmake", "version": "4.4", "arch": {"platform": "linux", "platform_os": "ubuntu22.04", "target": "x86_64"},
        "compiler": {"name": "gcc", "version": "11.3.0"}, "namespace": "builtin", "parameters": {},
        "hash": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
      }
    }
  })");
  auto set = parse_lockfile(lock, "spack.lock");
  const auto& zlib = set.at("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  EXPECT_EQ(zlib.arch.target, "skylake");
  ASSERT_TRUE(zlib.compiler.has_value());
  EXPECT_EQ(zlib.compiler->name, "gcc");
  EXPECT_EQ(zlib.compiler->version, "11.3.0");
  ASSERT_EQ(zlib.dependencies.size(), 1u);
  EXPECT_TRUE(zlib.dependencies[0].has_type("build"));
  EXPECT_TRUE(zlib.dependencies[0].virtuals.empty());
  EXPECT_EQ(zlib.compiler_flags.at("cflags"), std::vector<std::string>{"-O2"});
}

TEST(Lockfile, BadInputIsAnInputErrorNamingTheFile) {
  st::TempDir dir;
  auto expect_input_error = [&](const std::string& content, const std::string& needle) {
    auto path = dir / "spack.lock";
    st::write_file(path, content);
    try {
      read_lockfile(path);
      ADD_FAILURE() << "no error for " << content;
    } catch (const spackext::InputError& e) {
      EXPECT_EQ(e.exit_code(), 2);
      std::string what = e.what();
      EXPECT_NE(what.find(path.string()), std::string::npos) << what;
      EXPECT_NE(what.find(needle), std::string::npos) << what;
    }
  };
  expect_input_error("{\n  \"_meta\": {\n  oops\n}", ":3: not valid JSON");
  expect_input_error(R"({"spack": {}})", "not a Spack lockfile");
  // nlohmann reports a number beyond a double's range as out_of_range, not
  // as a parse error (found by libFuzzer in plugin manifests).
  expect_input_error(R"({"_meta": {"lockfile-version": 1e9999}})", "a number out of range");
  expect_input_error(R"({"_meta": {"file-type": "spack-lockfile", "lockfile-version": 3}, "concrete_specs": {}})",
                     "lockfile-version 3 is not supported");
  expect_input_error(R"({"_meta": {"file-type": "spack-lockfile", "lockfile-version": 6}})", "concrete_specs");
  expect_input_error(
      R"({"_meta": {"file-type": "spack-lockfile", "lockfile-version": 6}, "concrete_specs": {"x": {"version": "1"}}})",
      "no 'name'");
  expect_input_error(R"({"_meta": {"file-type": 6, "lockfile-version": 6}, "concrete_specs": {}})",
                     "not a Spack lockfile");
  // A crafted chain of included environments stops at a fixed depth instead
  // of exhausting the stack.
  std::string nested = R"({"concrete_specs": {}})";
  for (int i = 0; i < 200; ++i) nested = R"({"concrete_specs": {}, "include_concrete": {"e": )" + nested + "}}";
  expect_input_error(R"({"_meta": {"file-type": "spack-lockfile", "lockfile-version": 6}, "concrete_specs": {},
    "include_concrete": {"e": )" + nested + "}}",
                     "include_concrete nested more than 64 deep");
  EXPECT_THROW(read_lockfile(dir / "missing.lock"), spackext::InputError);
  EXPECT_THROW(read_lockfile(dir.path()), spackext::InputError);
}

}  // namespace
