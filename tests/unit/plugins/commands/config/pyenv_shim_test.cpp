// resolve_pyenv_shim() against a pyenv tree laid out as pyenv lays it out
// (shims/ holding the script pyenv-rehash writes, versions/<v>/bin/), with
// pyenv's documented selection order: PYENV_VERSION, the nearest
// .python-version (from PYENV_DIR), $PYENV_ROOT/version, else system.
#include <gtest/gtest.h>

#include <cstdlib>

#include "pyenv_shim.hpp"
#include "spackext_testing/testing.hpp"

namespace {

namespace fs = std::filesystem;
namespace st = spackext::testing;
using spackext::config::resolve_pyenv_shim;

void executable(const fs::path& p, const std::string& text) {
  st::write_file(p, text);
  fs::permissions(p, fs::perms::owner_all, fs::perm_options::add);
}

class PyenvShim : public ::testing::Test {
 protected:
  void SetUp() override {
    // The shim as pyenv 2.x writes it (libexec/pyenv-rehash).
    executable(root / "shims/python3",
               "#!/usr/bin/env bash\nset -e\n[ -n \"$PYENV_DEBUG\" ] && set -x\n\nprogram=\"${0##*/}\"\n\n"
               "export PYENV_ROOT=\"" + root.string() + "\"\n"
               "exec \"" + root.string() + "/libexec/pyenv\" exec \"$program\" \"$@\"\n");
    executable(root / "versions/3.11.7/bin/python3", "#!/bin/sh\necho Python 3.11.7\n");
    executable(root / "versions/3.12.1/bin/python3", "#!/bin/sh\necho Python 3.12.1\n");
    executable(root / "versions/2.7.18/bin/python2", "#!/bin/sh\n");
    executable(system / "python3", "#!/bin/sh\necho Python 3.11.2\n");
    path = {root / "shims", system};
    for (const char* v : {"PYENV_VERSION", "PYENV_DIR"})
      if (const char* old = std::getenv(v)) saved[v] = old;
    ::unsetenv("PYENV_VERSION");
    ::setenv("PYENV_DIR", (dir / "project/sub").c_str(), 1);
    fs::create_directories(dir / "project/sub");
  }
  void TearDown() override {
    ::unsetenv("PYENV_VERSION");
    ::unsetenv("PYENV_DIR");
    for (const auto& [k, v] : saved) ::setenv(k.c_str(), v.c_str(), 1);
  }
  std::optional<fs::path> resolve() { return resolve_pyenv_shim(root / "shims/python3", path); }

  st::TempDir dir;
  const fs::path root = dir / "pyenv";
  const fs::path system = dir / "usr/bin";
  std::vector<fs::path> path;
  std::map<std::string, std::string> saved;
};

TEST_F(PyenvShim, NoSelectionMeansTheSystemOne) { EXPECT_EQ(resolve(), system / "python3"); }

TEST_F(PyenvShim, GlobalVersionFile) {
  st::write_file(root / "version", "3.12.1\n");
  EXPECT_EQ(resolve(), root / "versions/3.12.1/bin/python3");
}

TEST_F(PyenvShim, NearestLocalVersionFileWinsOverGlobal) {
  st::write_file(root / "version", "3.12.1\n");
  st::write_file(dir / "project/.python-version", "# pinned\n3.11.7\n");
  EXPECT_EQ(resolve(), root / "versions/3.11.7/bin/python3");
}

TEST_F(PyenvShim, EnvironmentWinsAndListsAreSearchedInOrder) {
  st::write_file(dir / "project/.python-version", "3.11.7\n");
  ::setenv("PYENV_VERSION", "2.7.18:3.12.1", 1);  // 2.7.18 has no python3
  EXPECT_EQ(resolve(), root / "versions/3.12.1/bin/python3");
  ::setenv("PYENV_VERSION", "system", 1);
  EXPECT_EQ(resolve(), system / "python3");
}

TEST_F(PyenvShim, WhatOnlyPyenvCanExpandIsLeftToTheShim) {
  st::write_file(root / "version", "3.11\n");  // a prefix: pyenv picks the latest 3.11.x
  EXPECT_FALSE(resolve());
  st::write_file(root / "version", "3.9.1\n");  // not installed
  EXPECT_FALSE(resolve());
}

TEST_F(PyenvShim, OtherScriptsAndProgramsAreNotShims) {
  EXPECT_FALSE(resolve_pyenv_shim(system / "python3", path));
  executable(dir / "wrapper", "#!/bin/sh\nexec python3 \"$@\"\n");
  EXPECT_FALSE(resolve_pyenv_shim(dir / "wrapper", path));
}

}  // namespace
