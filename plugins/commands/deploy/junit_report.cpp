#include "junit_report.hpp"

#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>

#include "spackext/atomic_file.hpp"

namespace spackext::deploy {
namespace {

namespace pt = boost::property_tree;

constexpr std::size_t kTailLines = 40;
constexpr std::streamoff kTailBytes = 8192;

// XML 1.0 allows no control characters but tab, newline and carriage
// return; a build log is full of them (colours, progress bars).
std::string xml_safe(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text)
    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') out += static_cast<char>(c);
  return out;
}

// The last lines of a log (at most kTailLines, read from its last kTailBytes).
std::string log_tail(const std::string& path) {
  if (path.empty()) return {};
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::streamoff>(in.tellg());
  in.seekg(std::max<std::streamoff>(0, size - kTailBytes));
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  std::size_t pos = text.size(), lines = 0;
  if (pos > 0 && text.back() == '\n') --pos;  // the last line's newline
  while (pos > 0) {
    auto nl = text.rfind('\n', pos - 1);
    if (nl == std::string::npos) return text;
    if (++lines == kTailLines) return text.substr(nl + 1);
    pos = nl;
  }
  return text;
}

std::string seconds_text(double s) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(3) << s;
  return o.str();
}

}  // namespace

std::string junit_xml(const std::string& deployment, const std::string& timestamp,
                      const std::vector<JunitCase>& cases) {
  struct Counts {
    std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
    double time = 0;
  };
  std::vector<std::string> order;  // suites in the order of their first case
  std::map<std::string, std::vector<const JunitCase*>> by_suite;
  for (const auto& c : cases) {
    if (!by_suite.count(c.suite)) order.push_back(c.suite);
    by_suite[c.suite].push_back(&c);
  }
  pt::ptree root;
  pt::ptree& suites = root.add_child("testsuites", pt::ptree());
  Counts total;
  suites.put("<xmlattr>.name", xml_safe(deployment));
  for (const auto& suite_name : order) {
    pt::ptree suite;
    Counts n;
    std::vector<pt::ptree> testcases;
    for (const JunitCase* c : by_suite[suite_name]) {
      pt::ptree tc;
      tc.put("<xmlattr>.name", xml_safe(c->name));
      tc.put("<xmlattr>.classname", xml_safe(deployment + "." + c->suite));
      const double secs = c->seconds.value_or(0.0);
      tc.put("<xmlattr>.time", seconds_text(secs));
      ++n.tests;
      n.time += secs;
      if (c->state == "succeeded") {
        // passed: no child element
      } else if (c->state == "failed" || c->state == "interrupted") {
        ++n.failures;
        // The recorded detail says how it ended ("exited with code 3"); without one, the code.
        const std::string message = !c->detail.empty() ? c->detail
                                    : c->exit_code     ? "exit code " + std::to_string(*c->exit_code)
                                                       : c->state;
        pt::ptree& f = tc.add_child("failure", pt::ptree(xml_safe(log_tail(c->log_path))));
        f.put("<xmlattr>.message", xml_safe(message));
        f.put("<xmlattr>.type", c->exit_code ? "exit" : c->state);
      } else if (c->state == "cancelled") {
        ++n.errors;
        pt::ptree& e = tc.add_child("error", pt::ptree(xml_safe(log_tail(c->log_path))));
        e.put("<xmlattr>.message", xml_safe(c->detail.empty() ? "cancelled" : c->detail));
        e.put("<xmlattr>.type", "cancelled");
      } else {
        ++n.skipped;
        pt::ptree& sk = tc.add_child("skipped", pt::ptree());
        sk.put("<xmlattr>.message", xml_safe(c->detail.empty() ? "not run" : c->detail));
      }
      testcases.push_back(std::move(tc));
    }
    suite.put("<xmlattr>.name", xml_safe(suite_name));
    suite.put("<xmlattr>.tests", n.tests);
    suite.put("<xmlattr>.failures", n.failures);
    suite.put("<xmlattr>.errors", n.errors);
    suite.put("<xmlattr>.skipped", n.skipped);
    suite.put("<xmlattr>.time", seconds_text(n.time));
    suite.put("<xmlattr>.timestamp", timestamp);
    for (auto& tc : testcases) suite.add_child("testcase", std::move(tc));
    suites.add_child("testsuite", std::move(suite));
    total.tests += n.tests;
    total.failures += n.failures;
    total.errors += n.errors;
    total.skipped += n.skipped;
    total.time += n.time;
  }
  // Attributes of <testsuites> after its suites were counted; ptree keeps
  // <xmlattr> first wherever it was put.
  suites.put("<xmlattr>.tests", total.tests);
  suites.put("<xmlattr>.failures", total.failures);
  suites.put("<xmlattr>.errors", total.errors);
  suites.put("<xmlattr>.skipped", total.skipped);
  suites.put("<xmlattr>.time", seconds_text(total.time));
  std::ostringstream out;
  pt::write_xml(out, root, pt::xml_writer_make_settings<std::string>(' ', 2));
  return out.str();
}

void write_junit_report(const std::filesystem::path& file, const std::string& deployment,
                        const std::string& timestamp, const std::vector<JunitCase>& cases) {
  remove_abandoned_temporaries(file);  // of a host killed before its rename
  write_file_atomically(file, junit_xml(deployment, timestamp, cases));
}

}  // namespace spackext::deploy
