// main() of a harness in the ordinary (g++) build: runs LLVMFuzzerTestOneInput
// once on every file of the target's corpus, so the seeds and every input a
// fuzzer ever crashed on (regressions/) are plain ctest tests. A finding
// aborts (see fuzz_target.hpp), which fails the test.
//
//   fuzz-<target> [--seed-list FILE] [--fixtures DIR] [--source DIR] [--build DIR] [PATH...]
//
// PATHs are files or folders (read recursively). The seed list names more,
// one per line: `<root> <relative path> [<file name suffix>]`, root being
// fixtures (the shared Spack fixtures), source (this checkout) or build; the
// same list seeds scripts/fuzz.sh. Missing fixtures are skipped, saying so;
// exit 77 (ctest's skip code) when nothing at all was there to run.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void collect(const fs::path& path, const std::string& suffix, std::vector<fs::path>& out) {
  if (fs::is_directory(path)) {
    for (const auto& e : fs::recursive_directory_iterator(path))
      if (e.is_regular_file() && ends_with(e.path().filename().string(), suffix)) out.push_back(e.path());
  } else {
    out.push_back(path);
  }
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + ": cannot read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, fs::path> roots;
  fs::path seed_list;
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--seed-list" || arg == "--fixtures" || arg == "--source" || arg == "--build") && i + 1 < argc) {
      if (arg == "--seed-list") seed_list = argv[++i];
      else roots[arg.substr(2)] = argv[++i];
    } else if (arg.rfind("--", 0) == 0) {
      std::cerr << "usage: " << argv[0]
                << " [--seed-list FILE] [--fixtures DIR] [--source DIR] [--build DIR] [PATH...]\n";
      return 2;
    } else {
      if (!fs::exists(arg)) {
        std::cerr << arg << ": no such file or folder\n";
        return 2;
      }
      collect(arg, "", inputs);
    }
  }
  if (!seed_list.empty()) {
    std::ifstream in(seed_list);
    if (!in) {
      std::cerr << seed_list.string() << ": cannot read the seed list\n";
      return 2;
    }
    int line_no = 0;
    for (std::string line; std::getline(in, line);) {
      ++line_no;
      if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
      std::istringstream words(line);
      std::string root, rel, suffix;
      if (!(words >> root)) continue;
      if (!(words >> rel) || !roots.count(root) && root != "fixtures" && root != "source" && root != "build") {
        std::cerr << seed_list.string() << ":" << line_no << ": expected '<fixtures|source|build> <path> [<suffix>]'\n";
        return 2;
      }
      words >> suffix;
      if (!roots.count(root)) {
        std::cerr << "skipping " << root << " seeds (no --" << root << " given): " << rel << "\n";
        continue;
      }
      const fs::path path = roots[root] / rel;
      if (!fs::exists(path)) {
        std::cerr << "skipping seeds absent from this machine: " << path.string() << "\n";
        continue;
      }
      collect(path, suffix, inputs);
    }
  }
  std::sort(inputs.begin(), inputs.end());
  inputs.erase(std::unique(inputs.begin(), inputs.end()), inputs.end());
  if (inputs.empty()) {
    std::cerr << "no corpus files found: nothing to run\n";
    return 77;
  }
  for (const auto& file : inputs) {
    const std::string bytes = read_file(file);
    std::cerr << "running " << file.string() << " (" << bytes.size() << " bytes)\n";
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  std::cerr << "ran " << inputs.size() << " inputs, no finding\n";
  return 0;
}
