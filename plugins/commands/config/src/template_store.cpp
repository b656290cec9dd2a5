#include "template_store.hpp"

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include <kainjow/mustache.hpp>

#include "spackext/errors.hpp"

#ifndef SPACKEXT_SOURCE_TEMPLATES_DIR
#define SPACKEXT_SOURCE_TEMPLATES_DIR ""
#endif

namespace spackext::config {

namespace fs = std::filesystem;
namespace mstch = kainjow::mustache;

namespace {

constexpr const char* kSiteConfigFolder = "site-config";

bool valid_set_name(const std::string& name) {
  static const std::regex re("^[A-Za-z0-9][A-Za-z0-9_.-]*$");
  return std::regex_match(name, re);
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file.string(), "cannot read the template");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

mstch::data to_mustache(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      mstch::data d{mstch::data::type::object};
      for (const auto& [k, v] : j.items()) d.set(k, to_mustache(v));
      return d;
    }
    case nlohmann::json::value_t::array: {
      mstch::data d{mstch::data::type::list};
      for (const auto& v : j) d.push_back(to_mustache(v));
      return d;
    }
    case nlohmann::json::value_t::string:
      return mstch::data{j.get<std::string>()};
    case nlohmann::json::value_t::boolean:
      return j.get<bool>() ? mstch::data{mstch::data::type::bool_true}
                           : mstch::data{mstch::data::type::bool_false};
    case nlohmann::json::value_t::null:
      return mstch::data{mstch::data::type::bool_false};
    default:
      return mstch::data{j.dump()};  // numbers
  }
}

// kainjow reports "... at <offset>"; turn the offset into a line.
std::string locate(const std::string& text, const std::string& message, const fs::path& file) {
  static const std::regex at(R"( at ([0-9]+)$)");
  std::smatch m;
  int line = 1;
  std::string what = message;
  if (std::regex_search(message, m, at)) {
    auto offset = std::min<std::size_t>(std::stoul(m[1].str()), text.size());
    line += static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
    what = message.substr(0, static_cast<std::size_t>(m.position(0)));
  }
  return file.string() + ":" + std::to_string(line) + ": template error: " + what;
}

}  // namespace

std::string yaml_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string render_template(const fs::path& template_file, const nlohmann::json& context) {
  const std::string text = read_text(template_file);
  mstch::mustache tmpl{text};
  if (!tmpl.is_valid()) {
    std::string where = locate(text, tmpl.error_message(), template_file);
    throw InputError("", where);
  }
  const std::string out_name = template_file.stem().string();  // packages.yaml
  const std::string ext = fs::path(out_name).extension().string();
  if (ext == ".yaml" || ext == ".yml") tmpl.set_custom_escape(yaml_quote);
  else if (ext == ".sh") tmpl.set_custom_escape(shell_quote);
  else tmpl.set_custom_escape([](const std::string& s) { return s; });
  std::string rendered = tmpl.render(to_mustache(context));
  if (!tmpl.is_valid()) throw InputError("", locate(text, tmpl.error_message(), template_file));
  return rendered;
}

TemplateStore::TemplateStore(std::vector<fs::path> roots) : roots_(std::move(roots)) {}

std::vector<fs::path> TemplateStore::default_roots(const fs::path& config_dir, const fs::path& data_dir) {
  std::vector<fs::path> roots;
  if (!config_dir.empty()) roots.push_back(config_dir / "templates" / kSiteConfigFolder);
  if (!data_dir.empty()) roots.push_back(data_dir / "templates" / kSiteConfigFolder);
  const fs::path source = SPACKEXT_SOURCE_TEMPLATES_DIR;
  if (!source.empty()) roots.push_back(source / kSiteConfigFolder);
  return roots;
}

std::vector<TemplateSet> TemplateStore::list() const {
  std::vector<TemplateSet> sets;
  for (const auto& root : roots_) {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) continue;
    for (const auto& entry : fs::directory_iterator(root, ec)) {
      if (!entry.is_directory()) continue;
      std::string name = entry.path().filename().string();
      if (std::any_of(sets.begin(), sets.end(), [&](const TemplateSet& s) { return s.name == name; })) continue;
      TemplateSet set{name, entry.path(), {}};
      for (const auto& f : fs::directory_iterator(entry.path(), ec)) {
        if (f.path().extension() == ".mustache") set.files.push_back(f.path().filename().string());
      }
      std::sort(set.files.begin(), set.files.end());
      if (!set.files.empty()) sets.push_back(std::move(set));
    }
  }
  std::sort(sets.begin(), sets.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return sets;
}

TemplateSet TemplateStore::find(const std::string& name) const {
  auto sets = list();
  for (auto& s : sets) {
    if (s.name == name) return s;
  }
  std::string known;
  for (const auto& s : sets) known += (known.empty() ? "" : ", ") + s.name;
  throw InputError("--template", "unknown template set '" + name + "' (available: " +
                                     (known.empty() ? "none" : known) + ")");
}

TemplateSet TemplateStore::create(const std::string& name, const std::string& from) const {
  if (!valid_set_name(name)) {
    throw InputError("template name", "'" + name + "' is not a valid name (letters, digits, '.', '_', '-')");
  }
  if (roots_.empty()) throw Error("no folder to create templates in");
  TemplateSet source = find(from);
  const fs::path target = roots_.front() / name;
  if (fs::exists(target)) throw InputError(target.string(), "a template set with this name already exists");
  fs::create_directories(roots_.front());
  const fs::path temp = roots_.front() / ("." + name + ".tmp");
  fs::remove_all(temp);
  fs::create_directory(temp);
  for (const auto& f : source.files) fs::copy_file(source.dir / f, temp / f);
  fs::rename(temp, target);
  return TemplateSet{name, target, source.files};
}

}  // namespace spackext::config
