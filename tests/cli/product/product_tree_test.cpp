// `product pack --from <install tree>`: a tree built here with gcc, as Spack
// lays one out (prefixes <root>/<arch>/<name>-<version>-<hash>, database in
// .spack-db/index.json). The program finds its library through the
// relocated RUNPATH, prints a path its library holds as a C string
// (relocated in place, NUL-padded), and its text configuration names the
// new prefix. A prefix too long for that string is refused.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "product_fixture.hpp"

namespace {

namespace fs = std::filesystem;
namespace st = spackext::testing;
namespace sp = spackext::testing::product;

constexpr const char* kAppHash = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
constexpr const char* kLibHash = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

nlohmann::json node(const std::string& name, const std::string& version, const std::string& hash,
                    nlohmann::json deps = nlohmann::json::array()) {
  return {{"name", name}, {"version", version}, {"hash", hash}, {"namespace", "builtin"},
          {"arch", {{"platform", "linux"}, {"platform_os", "debian12"}, {"target", "x86_64"}}},
          {"parameters", nlohmann::json::object()}, {"dependencies", deps}};
}

class ProductFromTree : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists("/usr/bin/gcc")) GTEST_SKIP() << "gcc is not installed (scripts/deps/base.txt)";
    root_ = home_ / "build-site/opt/spack";
    app_ = root_ / "linux-x86_64" / (std::string("app-1.0-") + kAppHash);
    lib_ = root_ / "linux-x86_64" / (std::string("greetlib-2.0-") + kLibHash);
    fs::create_directories(app_ / "bin");
    fs::create_directories(app_ / "etc");
    fs::create_directories(lib_ / "lib");
    fs::create_directories(lib_ / "share/greetlib");
    st::write_file(home_ / "greet.c",
                   "#include <stdio.h>\nstatic const char where[] = \"" + (lib_ / "share/greetlib/data").string() +
                       "\";\nvoid greet(void) { printf(\"greetings from %s\\n\", where); }\n");
    st::write_file(home_ / "app.c", "void greet(void);\nint main(void) { greet(); return 0; }\n");
    compile({"-shared", "-fPIC", "-o", (lib_ / "lib/libgreet.so").string(), (home_ / "greet.c").string()});
    compile({"-o", (app_ / "bin/app").string(), (home_ / "app.c").string(), "-L" + (lib_ / "lib").string(), "-lgreet",
             "-Wl,-rpath," + (lib_ / "lib").string()});
    st::write_file(app_ / "etc/app.conf", "bindir=" + (app_ / "bin").string() + "\n");
    nlohmann::json installs = {
        {kAppHash, {{"spec", node("app", "1.0", kAppHash, {{{"name", "greetlib"}, {"hash", kLibHash},
                                                             {"parameters", {{"deptypes", {"build", "link"}}, {"virtuals", nlohmann::json::array()}}}}})},
                    {"path", app_.string()}, {"installed", true}, {"explicit", true}, {"ref_count", 0}}},
        {kLibHash, {{"spec", node("greetlib", "2.0", kLibHash)}, {"path", lib_.string()}, {"installed", true},
                    {"explicit", false}, {"ref_count", 1}}}};
    st::write_file(root_ / ".spack-db/index.json", nlohmann::json{{"database", {{"version", "8"}, {"installs", installs}}}}.dump());
    auto r = st::run_host({"--json", "product", "pack", "app", "--from", root_.string(), "--prefix-variable", "APP_ROOT",
                           "-o", (home_ / "out").string()},
                          home_.path());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    report_ = nlohmann::json::parse(r.out);
    // The build site is gone: nothing may still depend on it.
    fs::remove_all(home_ / "build-site");
  }

  void compile(std::vector<std::string> args) {
    args.insert(args.begin(), "/usr/bin/gcc");
    auto r = st::run(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  st::TempDir home_{"spackext-product-tree"};
  fs::path root_, app_, lib_;
  nlohmann::json report_;
};

TEST_F(ProductFromTree, RunsFromTheNewPrefixWithItsStringsRelocated) {
  EXPECT_EQ(report_["binary_strings"], 1) << report_.dump();
  EXPECT_EQ(report_["text_files"], 1) << report_.dump();
  const fs::path prefix = home_ / "p";
  auto r = st::run_host({"product", "install", report_["software_tarball"], "--prefix", prefix.string()}, home_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto run = st::run({(prefix / (std::string("app-1.0-") + kAppHash) / "bin/app").string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "greetings from " + (prefix / (std::string("greetlib-2.0-") + kLibHash) / "share/greetlib/data").string() + "\n");
  EXPECT_EQ(st::read_file(prefix / (std::string("app-1.0-") + kAppHash) / "etc/app.conf"),
            "bindir=" + (prefix / (std::string("app-1.0-") + kAppHash) / "bin").string() + "\n");
}

TEST_F(ProductFromTree, PrefixTooLongForTheStringIsRefused) {
  const std::size_t room = report_["max_prefix_length"];
  const fs::path prefix = home_ / std::string(room, 'x');  // longer than `room` by the home folder
  auto r = st::run_host({"product", "install", report_["software_tarball"], "--prefix", prefix.string()}, home_.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("too long"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(prefix));
}

}  // namespace
