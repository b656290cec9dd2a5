// Site-config template sets: folders of mustache templates, one output file
// per `<file>.mustache`. Sets are looked up in the user's config folder
// (<config_dir>/templates/site-config), then the installed data folder, then
// the source tree (for the build tree).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace spackext::config {

struct TemplateSet {
  std::string name;
  std::filesystem::path dir;
  std::vector<std::string> files;  // template file names, sorted
};

class TemplateStore {
 public:
  // Roots searched in order; each holds <set>/<file>.mustache.
  explicit TemplateStore(std::vector<std::filesystem::path> roots);
  // The usual roots for a host: user config, installed data, source tree.
  static std::vector<std::filesystem::path> default_roots(const std::filesystem::path& config_dir,
                                                          const std::filesystem::path& data_dir);

  std::vector<TemplateSet> list() const;
  // InputError naming the known sets if `name` is not one.
  TemplateSet find(const std::string& name) const;
  // Copies set `from` to <first root>/<name> (temp folder, then rename).
  TemplateSet create(const std::string& name, const std::string& from) const;

 private:
  std::vector<std::filesystem::path> roots_;
};

// Renders one template with mustache. `{{x}}` is quoted for the output's
// language (YAML double quotes for *.yaml, shell single quotes for *.sh) so a
// spec such as python@3.11: stays a string; `{{{x}}}` is inserted as is.
// Errors are InputErrors naming "<template file>:<line>".
std::string render_template(const std::filesystem::path& template_file, const nlohmann::json& context);

std::string yaml_quote(const std::string& s);
std::string shell_quote(const std::string& s);

}  // namespace spackext::config
