// The JUnit XML report of a deployment's test jobs (stages under `tests:`):
// one <testsuite> per test stage, one <testcase> per expanded test job with
// its time; a failed job carries a <failure> with its exit code and the tail
// of its log, a job stopped by a signal an <error>, and a job that did not
// run (a dependency failed, or fail-fast stopped the deployment) <skipped>.
// The format is the one CI servers read (schemas/junit.xsd).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace spackext::deploy {

struct JunitCase {
  std::string suite;      // the test stage
  std::string name;       // the node ("mpi-tests/gcc@14/openmpi@5")
  std::string state;      // the node's recorded state (succeeded, failed, skipped, ...)
  std::optional<double> seconds;
  std::optional<int> exit_code;
  std::string detail;     // why it failed or was skipped
  std::string log_path;   // its last attempt's log, for the tail
};

// The report as text. `deployment` names it; `timestamp` is ISO 8601.
std::string junit_xml(const std::string& deployment, const std::string& timestamp,
                      const std::vector<JunitCase>& cases);

// Writes it atomically (temporary file, then rename).
void write_junit_report(const std::filesystem::path& file, const std::string& deployment,
                        const std::string& timestamp, const std::vector<JunitCase>& cases);

}  // namespace spackext::deploy
