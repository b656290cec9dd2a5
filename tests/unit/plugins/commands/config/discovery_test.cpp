// Compiler and external discovery: version banners as each tool prints
// them, and the real tools on this machine.
#include <gtest/gtest.h>

#include "compiler_discovery.hpp"
#include "external_discovery.hpp"
#include "process_capture.hpp"
#include "spackext_testing/testing.hpp"

namespace {

using namespace spackext::config;
namespace fs = std::filesystem;
namespace t = spackext::testing;

TEST(CompilerVersion, FromEachVendorsBanner) {
  EXPECT_EQ(parse_compiler_version("gcc", "12.2.0\n"), "12.2.0");  // gcc -dumpfullversion
  EXPECT_EQ(parse_compiler_version("llvm", "Debian clang version 14.0.6\nTarget: x86_64-pc-linux-gnu\n"), "14.0.6");
  EXPECT_EQ(parse_compiler_version("aocc",
                                   "AMD clang version 16.0.3 (CLANG: AOCC_4.1.0-Build#270 2023_07_10) "
                                   "(based on LLVM Mirror.Version.16.0.3)\n"),
            "4.1.0");
  EXPECT_EQ(parse_compiler_version("intel-oneapi-compilers",
                                   "Intel(R) oneAPI DPC++/C++ Compiler 2024.1.0 (2024.1.0.20240308)\n"),
            "2024.1.0");
  EXPECT_EQ(parse_compiler_version("nvhpc", "\nnvc 23.9-0 64-bit target on x86-64 Linux -tp znver3\n"), "23.9");
  EXPECT_EQ(parse_compiler_version("gcc", "gcc: error: unrecognized option"), "");
}

TEST(ExternalVersion, FromEachToolsBanner) {
  EXPECT_EQ(parse_external_version("cmake", "cmake version 3.25.1\n\nCMake suite maintained"), "3.25.1");
  EXPECT_EQ(parse_external_version("gmake", "GNU Make 4.3\nBuilt for x86_64-pc-linux-gnu\n"), "4.3");
  EXPECT_EQ(parse_external_version("perl", "\nThis is perl 5, version 36, subversion 0 (v5.36.0) built for x"), "5.36.0");
  EXPECT_EQ(parse_external_version("openssl", "OpenSSL 3.0.11 19 Sep 2023 (Library: OpenSSL 3.0.11 19 Sep 2023)\n"),
            "3.0.11");
  EXPECT_EQ(parse_external_version("slurm", "slurm 22.05.8\n"), "22.05.8");
  EXPECT_EQ(parse_external_version("openmpi", "Open MPI v4.1.4\n\nhttp://www.open-mpi.org/community/help/\n"),
            "4.1.4");
  EXPECT_EQ(parse_external_version("binutils", "GNU ld (GNU Binutils for Debian) 2.40\nCopyright (C) 2023\n"), "2.40");
  EXPECT_EQ(parse_external_version("python", "3.11.2\n/usr\n"), "3.11.2");
}

TEST(CompilerDiscovery, GccOnThisMachineAnswersForItself) {
  auto gcc = find_executable("gcc", path_directories());
  if (!gcc) GTEST_SKIP() << "no gcc on PATH";
  auto compilers = discover_compilers({});
  auto it = std::find_if(compilers.begin(), compilers.end(), [](const auto& c) { return c.package == "gcc"; });
  ASSERT_NE(it, compilers.end());
  EXPECT_TRUE(it->languages.count("c"));
  EXPECT_FALSE(it->version.empty());
  EXPECT_EQ(it->external_spec().rfind("gcc@" + it->version + " languages:='c", 0), 0u) << it->external_spec();
  EXPECT_EQ(it->legacy_spec(), "gcc@=" + it->version);
}

TEST(CompilerDiscovery, InAGivenPrefix) {
  auto gcc = find_executable("gcc", path_directories());
  if (!gcc) GTEST_SKIP() << "no gcc on PATH";
  t::TempDir prefix;
  fs::create_directories(prefix / "bin");
  fs::create_symlink(*gcc, prefix / "bin" / "gcc");
  auto compilers = discover_compilers({prefix.path()}, /*use_path=*/false);
  ASSERT_EQ(compilers.size(), 1u);
  EXPECT_EQ(compilers[0].prefix, prefix.path());
  EXPECT_EQ(compilers[0].languages.at("c"), prefix / "bin" / "gcc");
  EXPECT_FALSE(compilers[0].languages.count("cxx"));
  EXPECT_EQ(compilers[0].external_spec(), "gcc@" + compilers[0].version + " languages:='c'");
}

// Distributions install versioned drivers side by side (gcc-13, g++-13).
TEST(CompilerDiscovery, VersionSuffixedDriversInAPrefix) {
  auto gcc = find_executable("gcc", path_directories());
  auto gxx = find_executable("g++", path_directories());
  if (!gcc || !gxx) GTEST_SKIP() << "no gcc/g++ on PATH";
  t::TempDir prefix;
  fs::create_directories(prefix / "bin");
  fs::create_symlink(*gcc, prefix / "bin" / "gcc-99");
  fs::create_symlink(*gxx, prefix / "bin" / "g++-99");
  auto compilers = discover_compilers({prefix.path()}, /*use_path=*/false);
  ASSERT_EQ(compilers.size(), 1u);
  EXPECT_EQ(compilers[0].languages.at("c"), prefix / "bin" / "gcc-99");
  EXPECT_EQ(compilers[0].languages.at("cxx"), prefix / "bin" / "g++-99");
  EXPECT_EQ(compilers[0].external_spec(), "gcc@" + compilers[0].version + " languages:='c,c++'");
}

// Vendor compilers are not packaged for Debian: stand-in drivers (scripts
// printing the banner the vendor's documentation shows) exercise the search
// of a prefix and the naming of each toolchain.
void stand_in(const fs::path& bin, const std::string& name, const std::string& banner) {
  fs::create_directories(bin);
  t::write_file(bin / name, "#!/bin/sh\ncat <<'EOF'\n" + banner + "\nEOF\n");
  fs::permissions(bin / name, fs::perms::owner_all);
}

TEST(CompilerDiscovery, VendorToolchainsInGivenPrefixes) {
  t::TempDir root;
  const fs::path oneapi = root / "oneapi" / "compiler" / "2024.1";
  for (const auto* n : {"icx", "icpx", "ifx"}) {
    stand_in(oneapi / "bin", n, "Intel(R) oneAPI DPC++/C++ Compiler 2024.1.0 (2024.1.0.20240308)");
  }
  const fs::path nvhpc = root / "nvidia" / "hpc_sdk" / "Linux_x86_64" / "23.9" / "compilers";
  for (const auto* n : {"nvc", "nvc++", "nvfortran"}) {
    stand_in(nvhpc / "bin", n, "nvc 23.9-0 64-bit target on x86-64 Linux -tp znver3");
  }
  const fs::path aocc = root / "aocc-compiler-4.1.0";
  for (const auto* n : {"clang", "clang++", "flang"}) {
    stand_in(aocc / "bin", n, "AMD clang version 16.0.3 (CLANG: AOCC_4.1.0-Build#270 2023_07_10)");
  }
  auto found = discover_compilers({oneapi, nvhpc, aocc}, /*use_path=*/false);
  ASSERT_EQ(found.size(), 3u);
  std::map<std::string, DiscoveredCompiler> by_package;
  for (const auto& c : found) by_package[c.package] = c;
  EXPECT_EQ(by_package.at("intel-oneapi-compilers").external_spec(), "intel-oneapi-compilers@2024.1.0");
  EXPECT_EQ(by_package.at("intel-oneapi-compilers").languages.at("fortran"), oneapi / "bin" / "ifx");
  EXPECT_EQ(by_package.at("intel-oneapi-compilers").legacy_spec(), "oneapi@=2024.1.0");
  EXPECT_EQ(by_package.at("nvhpc").external_spec(), "nvhpc@23.9");
  EXPECT_EQ(by_package.at("nvhpc").languages.at("cxx"), nvhpc / "bin" / "nvc++");
  EXPECT_EQ(by_package.at("aocc").external_spec(), "aocc@4.1.0");
  EXPECT_EQ(by_package.at("aocc").prefix, aocc);
  EXPECT_EQ(by_package.at("aocc").languages.size(), 3u);
}

TEST(ExternalDiscovery, FindsTheBuildToolsOnThisMachine) {
  auto externals = discover_externals({});
  auto has = [&](const std::string& p) {
    return std::any_of(externals.begin(), externals.end(), [&](const auto& e) { return e.package == p; });
  };
  if (find_executable("cmake", path_directories())) {
    EXPECT_TRUE(has("cmake"));
  }
  if (find_executable("make", path_directories())) {
    EXPECT_TRUE(has("gmake"));
  }
  if (find_executable("perl", path_directories())) {
    EXPECT_TRUE(has("perl"));
  }
  for (const auto& e : externals) {
    EXPECT_FALSE(e.version.empty()) << e.package;
    EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(e.version[0]))) << e.package << " " << e.version;
  }
}

TEST(Capture, KillsAHungProgram) {
  auto r = capture("/bin/sleep", {"5"}, std::chrono::milliseconds(100));
  EXPECT_FALSE(r.has_value());
  auto ok = capture("/bin/echo", {"hi"});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->text, "hi\n");
  EXPECT_FALSE(capture("/nonexistent/tool", {}).has_value());
}

}  // namespace
