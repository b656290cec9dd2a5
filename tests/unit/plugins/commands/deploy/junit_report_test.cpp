// The JUnit report writer: counts per suite and in total, the outcome
// elements, XML escaping and the characters XML cannot hold, the log tail.
#include <gtest/gtest.h>

#include <sstream>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>

#include "junit_report.hpp"
#include "spackext_testing/testing.hpp"

namespace sd = spackext::deploy;
namespace pt = boost::property_tree;
using spackext::testing::TempDir;
using spackext::testing::write_file;

TEST(JunitReport, CountsOutcomesAndEscapes) {
  TempDir tmp;
  std::string log;
  for (int i = 1; i <= 100; ++i) log += "line " + std::to_string(i) + "\n";
  log += "bad \x1b[31mcolour\x1b[0m <b> & \"q\"\n";
  write_file(tmp / "fail.log", log);
  std::vector<sd::JunitCase> cases = {
      {"mpi-tests", "mpi-tests/openmpi", "succeeded", 1.5, 0, "", ""},
      {"mpi-tests", "mpi-tests/mpich", "failed", 2.25, 3, "", (tmp / "fail.log").string()},
      {"smoke", "smoke/python@3.12", "skipped", std::nullopt, std::nullopt, "dependency lib failed", ""},
      {"smoke", "smoke/r@4.4", "cancelled", 0.5, std::nullopt, "cancelled by signal", ""},
      {"smoke", "smoke/<odd & name>", "pending", std::nullopt, std::nullopt, "", ""},
  };
  const auto xml = sd::junit_xml("site & stack", "2026-01-01T00:00:00Z", cases);
  pt::ptree root;
  std::istringstream in(xml);
  ASSERT_NO_THROW(pt::read_xml(in, root)) << xml;
  const auto& suites = root.get_child("testsuites");
  EXPECT_EQ(suites.get<std::string>("<xmlattr>.name"), "site & stack");
  EXPECT_EQ(suites.get<int>("<xmlattr>.tests"), 5);
  EXPECT_EQ(suites.get<int>("<xmlattr>.failures"), 1);
  EXPECT_EQ(suites.get<int>("<xmlattr>.errors"), 1);
  EXPECT_EQ(suites.get<int>("<xmlattr>.skipped"), 2);
  EXPECT_EQ(suites.get<std::string>("<xmlattr>.time"), "4.250");
  std::vector<std::string> names;
  for (const auto& [tag, suite] : suites) {
    if (tag != "testsuite") continue;
    names.push_back(suite.get<std::string>("<xmlattr>.name"));
    for (const auto& [ctag, tc] : suite) {
      if (ctag != "testcase") continue;
      const auto name = tc.get<std::string>("<xmlattr>.name");
      EXPECT_EQ(tc.get<std::string>("<xmlattr>.classname"), "site & stack." + names.back());
      if (name == "mpi-tests/mpich") {
        const auto& f = tc.get_child("failure");
        EXPECT_EQ(f.get<std::string>("<xmlattr>.message"), "exit code 3");
        const auto text = f.get_value<std::string>();
        EXPECT_NE(text.find("bad [31mcolour[0m <b> & \"q\""), std::string::npos) << text;
        EXPECT_NE(text.find("line 100\n"), std::string::npos);
        EXPECT_EQ(text.find("line 60\n"), std::string::npos) << "only the last 40 lines";
        EXPECT_NE(text.find("line 62\n"), std::string::npos);
      }
      if (name == "smoke/python@3.12")
        EXPECT_EQ(tc.get<std::string>("skipped.<xmlattr>.message"), "dependency lib failed");
      if (name == "smoke/r@4.4") EXPECT_EQ(tc.get<std::string>("error.<xmlattr>.message"), "cancelled by signal");
      if (name == "smoke/<odd & name>") EXPECT_EQ(tc.get<std::string>("skipped.<xmlattr>.message"), "not run");
      if (name == "mpi-tests/openmpi") {
        EXPECT_FALSE(tc.get_child_optional("failure"));
        EXPECT_EQ(tc.get<std::string>("<xmlattr>.time"), "1.500");
      }
    }
  }
  EXPECT_EQ(names, (std::vector<std::string>{"mpi-tests", "smoke"}));
}

TEST(JunitReport, WrittenAtomically) {
  TempDir tmp;
  sd::write_junit_report(tmp / "reports" / "junit.xml", "d", "t", {{"s", "s/a", "succeeded", 1.0, 0, "", ""}});
  EXPECT_TRUE(std::filesystem::exists(tmp / "reports" / "junit.xml"));
  for (const auto& e : std::filesystem::directory_iterator(tmp / "reports"))
    EXPECT_EQ(e.path().filename(), "junit.xml") << "a temporary file was left";
}
