// Reads a JUnit report that `deploy run` wrote: checks it against the
// project's schema with xmllint (Debian's libxml2-utils), parses it, checks
// that every count attribute matches the test cases it holds, and returns
// each case's outcome. Shared by the CLI, Slurm and fault tests.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <gtest/gtest.h>

#include "spackext_testing/testing.hpp"

namespace spackext::testing {

struct JunitCaseSeen {
  std::string suite, outcome, message, text;  // outcome: passed, failure, error, skipped
  double time = 0;
};

struct JunitSeen {
  int tests = 0, failures = 0, errors = 0, skipped = 0;
  std::map<std::string, JunitCaseSeen> cases;  // by test case name
};

// xmllint's complaints, or "" if the report is valid.
inline std::string junit_schema_errors(const std::filesystem::path& report) {
  const auto xsd = source_dir() / "plugins" / "commands" / "deploy" / "schemas" / "junit.xsd";
  if (!std::filesystem::exists("/usr/bin/xmllint")) return "xmllint not found (Debian package libxml2-utils)";
  auto r = run({"/usr/bin/xmllint", "--noout", "--schema", xsd.string(), report.string()});
  return r.exit_code == 0 ? std::string() : r.err + r.out;
}

inline JunitSeen read_junit(const std::filesystem::path& report) {
  namespace pt = boost::property_tree;
  JunitSeen seen;
  EXPECT_EQ(junit_schema_errors(report), "");
  pt::ptree root;
  pt::read_xml(report.string(), root);
  const auto& suites = root.get_child("testsuites");
  auto count = [](const pt::ptree& t, const char* a) { return t.get<int>(std::string("<xmlattr>.") + a); };
  seen.tests = count(suites, "tests");
  seen.failures = count(suites, "failures");
  seen.errors = count(suites, "errors");
  seen.skipped = count(suites, "skipped");
  int tests = 0, failures = 0, errors = 0, skipped = 0;
  for (const auto& [tag, suite] : suites) {
    if (tag != "testsuite") continue;
    int st = 0, sf = 0, se = 0, ss = 0;
    for (const auto& [ctag, tc] : suite) {
      if (ctag != "testcase") continue;
      JunitCaseSeen c;
      c.suite = suite.get<std::string>("<xmlattr>.name");
      c.time = tc.get<double>("<xmlattr>.time");
      c.outcome = "passed";
      for (const char* o : {"failure", "error", "skipped"})
        if (auto child = tc.get_child_optional(o)) {
          c.outcome = o;
          c.message = child->get<std::string>("<xmlattr>.message", "");
          c.text = child->get_value<std::string>();
        }
      ++st;
      sf += c.outcome == "failure";
      se += c.outcome == "error";
      ss += c.outcome == "skipped";
      seen.cases[tc.get<std::string>("<xmlattr>.name")] = c;
    }
    EXPECT_EQ(count(suite, "tests"), st) << "suite " << suite.get<std::string>("<xmlattr>.name");
    EXPECT_EQ(count(suite, "failures"), sf);
    EXPECT_EQ(count(suite, "errors"), se);
    EXPECT_EQ(count(suite, "skipped"), ss);
    tests += st, failures += sf, errors += se, skipped += ss;
  }
  EXPECT_EQ(seen.tests, tests);
  EXPECT_EQ(seen.failures, failures);
  EXPECT_EQ(seen.errors, errors);
  EXPECT_EQ(seen.skipped, skipped);
  return seen;
}

}  // namespace spackext::testing
