#include "definition.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <spackext/errors.hpp>
#include <spackext/yaml_alias_guard.hpp>

#include "first_spec.hpp"

namespace spackext::container {

namespace fs = std::filesystem;

std::string to_string(DefinitionKind kind) { return kind == DefinitionKind::spack ? "spack" : "def"; }

namespace {

// Every problem found, reported together.
class Problems {
 public:
  void add(const fs::path& file, int line, const std::string& what) {
    list_.push_back(file.string() + ":" + std::to_string(line) + ": " + what);
  }
  bool empty() const { return list_.empty(); }
  [[noreturn]] void raise() const {
    std::string text;
    for (const auto& p : list_) text += (text.empty() ? "" : "\n") + p;
    throw InputError("", list_.size() == 1 ? text : std::to_string(list_.size()) + " problems in the container definitions:\n" + text);
  }

 private:
  std::vector<std::string> list_;
};

int line_of(const YAML::Node& node) { return node.Mark().line + 1; }

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Image names: lower-case letters, digits and separators (Docker's rule).
bool valid_image_name(const std::string& name) {
  static const std::regex re("^[a-z0-9]+([._-][a-z0-9]+)*$");
  return std::regex_match(name, re);
}

bool has_dotdot(const fs::path& p) {
  for (const auto& part : p)
    if (part == "..") return true;
  return false;
}

void check_keys(const YAML::Node& map, const std::set<std::string>& allowed, const std::string& where,
                const fs::path& file, Problems& problems) {
  for (const auto& kv : map) {
    const std::string key = kv.first.as<std::string>();
    if (allowed.count(key)) continue;
    std::string names;
    for (const auto& a : allowed) names += (names.empty() ? "" : ", ") + a;
    problems.add(file, line_of(kv.first), "unknown key '" + key + "' in " + where + " (expected " + names + ")");
  }
}

void read_files(const YAML::Node& list, const fs::path& defs_dir, const fs::path& file, ContainerDefinition& def,
                Problems& problems) {
  if (!list.IsSequence()) {
    problems.add(file, line_of(list), "spacktainer.files must be a list of 'source:target' strings");
    return;
  }
  const fs::path files_root = defs_dir / "files";
  std::error_code ec;
  const fs::path real_root = fs::weakly_canonical(files_root, ec);
  for (const auto& item : list) {
    const int line = line_of(item);
    const std::string text = item.IsScalar() ? item.as<std::string>() : std::string();
    const auto colon = text.find(':');
    if (!item.IsScalar() || colon == std::string::npos || colon == 0 || colon + 1 == text.size() ||
        text.find(':', colon + 1) != std::string::npos || text.find_first_of(" \t") != std::string::npos) {
      problems.add(file, line, "files entry '" + text + "' is not 'source:target' (one colon, no spaces)");
      continue;
    }
    FileMapping m{text.substr(0, colon), text.substr(colon + 1), {}, line};
    const fs::path source(m.source);
    if (source.is_absolute() || has_dotdot(source)) {
      problems.add(file, line, "files source '" + m.source + "' must be a relative path under files/ without '..'");
      continue;
    }
    if (!fs::path(m.target).is_absolute() || has_dotdot(m.target)) {
      problems.add(file, line, "files target '" + m.target + "' must be an absolute path in the image without '..'");
      continue;
    }
    m.resolved = defs_dir / source;
    // Symlinks must not lead out of the files folder either.
    const fs::path real = fs::weakly_canonical(m.resolved, ec);
    auto rel = real.lexically_relative(real_root);
    if (ec || rel.empty() || has_dotdot(rel) || *source.begin() != "files") {
      problems.add(file, line, "files source '" + m.source + "' is outside " + files_root.string());
      continue;
    }
    if (!fs::exists(m.resolved, ec)) {
      problems.add(file, line, "files source '" + m.source + "' does not exist (" + m.resolved.string() + ")");
      continue;
    }
    def.files.push_back(std::move(m));
  }
}

void read_spack_definition(const fs::path& defs_dir, ContainerDefinition& def, Problems& problems) {
  const fs::path& file = def.file;
  YAML::Node doc;
  try {
    doc = YAML::Load(def.text);
  } catch (const YAML::Exception& e) {
    problems.add(file, e.mark.line + 1, "YAML syntax error: " + e.msg);
    return;
  }
  // The definition's `packages` is written into the recipe's spack.yaml as
  // it is: a self-containing alias there would reach Spack.
  if (auto problem = find_yaml_alias_problem(doc)) {
    problems.add(file, problem->line, problem->what);
    return;
  }
  if (!doc.IsMap()) {
    problems.add(file, 1, "expected a mapping with a 'spack' key");
    return;
  }
  check_keys(doc, {"spack", "spacktainer"}, "the definition", file, problems);
  YAML::Node spack = doc["spack"];
  if (!spack || !spack.IsMap()) {
    problems.add(file, spack ? line_of(spack) : 1, "missing 'spack' mapping with 'specs'");
    return;
  }
  check_keys(spack, {"specs", "packages"}, "spack", file, problems);
  YAML::Node specs = spack["specs"];
  if (!specs || !specs.IsSequence() || specs.size() == 0) {
    problems.add(file, specs ? line_of(specs) : line_of(spack), "spack.specs must be a non-empty list of specs");
  } else {
    for (const auto& s : specs) {
      if (!s.IsScalar() || s.as<std::string>().empty()) {
        problems.add(file, line_of(s), "a spec must be a non-empty string");
        continue;
      }
      def.specs.push_back(s.as<std::string>());
    }
  }
  if (YAML::Node packages = spack["packages"]) {
    if (!packages.IsMap()) problems.add(file, line_of(packages), "spack.packages must be a mapping of package names");
    else def.packages = packages;
  }
  if (YAML::Node extra = doc["spacktainer"]) {
    if (!extra.IsMap()) {
      problems.add(file, line_of(extra), "spacktainer must be a mapping with 'files'");
    } else {
      check_keys(extra, {"files"}, "spacktainer", file, problems);
      if (YAML::Node files = extra["files"]) read_files(files, defs_dir, file, def, problems);
    }
  }
  if (!def.specs.empty()) {
    auto head = parse_spec_head(def.specs.front());
    if (!head) {
      problems.add(file, line_of(specs[0]), "the first spec '" + def.specs.front() + "' does not start with a package name");
    } else {
      def.version = head->version.empty() ? required_version(def.packages, head->name) : head->version;
    }
  }
}

// "Bootstrap: docker" / "From: org/image:tag" header lines of the first stage.
void read_def_definition(ContainerDefinition& def, Problems& problems) {
  std::istringstream in(def.text);
  std::string line;
  int n = 0;
  bool bootstrap = false;
  static const std::regex header(R"(^\s*([A-Za-z]+)\s*:\s*(.*?)\s*$)");
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '%') break;  // sections start: the header is over
    std::smatch m;
    if (!std::regex_match(line, m, header)) {
      problems.add(def.file, n, "expected a 'Key: value' header line before the first %section");
      continue;
    }
    std::string key = m[1].str();
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    if (key == "bootstrap") {
      if (bootstrap) break;  // a second stage begins
      bootstrap = true;
    } else if (key == "from" && def.base_image.empty()) {
      def.base_image = m[2].str();
    }
  }
  if (!bootstrap) problems.add(def.file, 1, "a Singularity definition must start with 'Bootstrap: <agent>'");
  if (def.base_image.empty()) {
    problems.add(def.file, 1, "no 'From:' image to build on");
    return;
  }
  // The tag of the image is the version; a registry port is not a tag.
  const auto slash = def.base_image.rfind('/');
  const auto colon = def.base_image.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash))
    def.version = def.base_image.substr(colon + 1);
  if (def.version == "latest") def.version.clear();
}

}  // namespace

std::vector<ContainerDefinition> load_definitions(const fs::path& defs_dir, const std::optional<std::string>& arch) {
  std::error_code ec;
  if (!fs::is_directory(defs_dir, ec))
    throw InputError(defs_dir.string(), "no such folder (expected container definitions under <arch>/NAME.yaml)");
  if (arch && std::find(known_architectures().begin(), known_architectures().end(), *arch) == known_architectures().end())
    throw UsageError("unknown architecture '" + *arch + "' (expected amd64 or arm64)");
  Problems problems;
  std::vector<ContainerDefinition> defs;
  for (const auto& a : known_architectures()) {
    if (arch && a != *arch) continue;
    const fs::path dir = defs_dir / a;
    if (!fs::is_directory(dir, ec)) continue;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (entry.is_regular_file(ec)) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::map<std::string, fs::path> names;
    for (const auto& file : files) {
      const std::string ext = file.extension().string();
      if (ext != ".yaml" && ext != ".yml" && ext != ".def") continue;
      ContainerDefinition def;
      def.name = file.stem().string();
      def.arch = a;
      def.file = file;
      def.kind = ext == ".def" ? DefinitionKind::def : DefinitionKind::spack;
      std::ifstream probe(file);
      if (!probe) {
        problems.add(file, 1, "cannot read the file");
        continue;
      }
      def.text = read_text(file);
      if (!valid_image_name(def.name))
        problems.add(file, 1, "'" + def.name + "' is not a valid image name (lower-case letters, digits, '.', '_', '-')");
      if (auto [it, fresh] = names.emplace(def.name, file); !fresh)
        problems.add(file, 1, "a second definition of container '" + def.name + "' for " + a + " (the first is " +
                                  it->second.string() + ")");
      if (def.kind == DefinitionKind::spack) read_spack_definition(defs_dir, def, problems);
      else read_def_definition(def, problems);
      defs.push_back(std::move(def));
    }
  }
  if (!problems.empty()) problems.raise();
  return defs;
}

}  // namespace spackext::container
