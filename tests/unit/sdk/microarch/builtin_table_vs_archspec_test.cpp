// The built-in table against archspec's own database: for every target in
// ../shared/fixtures/microarch/microarchitectures.json, every compiler its
// family lists, and every version at and around each rule's boundaries, the
// built-in table must give archspec's answer (the same flags, or a refusal).
// The expectation is the fixture run through archspec's selection rules
// (optimization_flags, itself checked row by row against archspec's output
// in optimization_flags_test.cpp), never the built-in table's own output.
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <spackext/microarch/microarch.hpp>

#include "spackext_testing/testing.hpp"

namespace {

namespace ma = spackext::microarch;

// "10.3" -> {"10.2", "10.3", "10.3.1", "10.4"}: the boundary, what lies just
// either side of it, and the next minor version.
void add_around(const ma::VersionTuple& v, std::set<ma::VersionTuple>& out) {
  out.insert(v);
  auto below = v;
  if (below.back() > 0) {
    --below.back();
    out.insert(below);
  }
  auto deeper = v;
  deeper.push_back(1);
  out.insert(deeper);
  auto next = v;
  ++next.back();
  out.insert(next);
}

std::set<ma::VersionTuple> probe_versions(const ma::Microarchitecture& a, const ma::Microarchitecture& b,
                                          const std::string& compiler) {
  std::set<ma::VersionTuple> out = {{1}, {4, 8}, {99}, {2024, 1}};
  for (const auto* t : {&a, &b}) {
    auto it = t->compilers.find(compiler);
    if (it == t->compilers.end()) continue;
    for (const auto& rule : it->second) {
      auto range = ma::parse_range(rule.versions, "test");
      if (range.low) add_around(*range.low, out);
      if (range.high) add_around(*range.high, out);
    }
  }
  return out;
}

// The answer as one comparable string: the flags, or "refused".
std::string answer(const ma::Database& db, const ma::Microarchitecture& target, const std::string& compiler,
                   const std::string& version) {
  try {
    return "flags: " + ma::optimization_flags(db, target, compiler, version).flags;
  } catch (const ma::UnsupportedTarget&) {
    return "refused";
  }
}

TEST(BuiltinTableVsArchspec, EveryTargetCompilerAndVersionBoundaryGivesArchspecsAnswer) {
  SPACKEXT_REQUIRE_FIXTURE(file, "fixtures/microarch/microarchitectures.json");
  const auto archspec = ma::Database::load_archspec_json(file);
  const auto builtin = ma::Database::builtin();
  std::size_t compared = 0;
  std::vector<std::string> differences;
  for (const auto& theirs : archspec.targets()) {
    const auto* ours = builtin->find(theirs.name);
    if (!ours) {
      differences.push_back(theirs.name + ": missing from the built-in table");
      continue;
    }
    const auto& root = archspec.get(theirs.family);
    for (const auto& [compiler, _] : root.compilers) {
      for (const auto& v : probe_versions(theirs, *ours, compiler)) {
        const std::string version = ma::to_string(v);
        const std::string expected = answer(archspec, theirs, compiler, version);
        const std::string got = answer(*builtin, *ours, compiler, version);
        ++compared;
        if (expected != got)
          differences.push_back(theirs.name + " " + compiler + "@" + version + ": archspec " + expected +
                                ", built-in " + got);
      }
    }
  }
  for (const auto& ours : builtin->targets()) {
    if (!archspec.find(ours.name))
      differences.push_back(ours.name + ": in the built-in table, not in archspec's");
  }
  std::ostringstream all;
  for (const auto& d : differences) all << "\n  " << d;
  EXPECT_TRUE(differences.empty()) << differences.size() << " of " << compared << " answers differ:" << all.str();
  EXPECT_GT(compared, 2000u);
}

}  // namespace
