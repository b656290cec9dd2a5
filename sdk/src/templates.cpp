#include "spackext/templates.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

#include <kainjow/mustache.hpp>

#include "spackext/errors.hpp"

namespace spackext {

std::filesystem::path find_template(const Paths& paths, const std::string& relative,
                                    const std::filesystem::path& fallback_dir) {
  std::vector<std::filesystem::path> candidates;
  if (!paths.config_dir.empty()) candidates.push_back(paths.config_dir / "templates" / relative);
  if (!paths.data_dir.empty()) candidates.push_back(paths.data_dir / "templates" / relative);
  if (!fallback_dir.empty()) candidates.push_back(fallback_dir / relative);
  std::error_code ec;
  for (const auto& c : candidates)
    if (std::filesystem::is_regular_file(c, ec)) return c;
  std::string looked;
  for (const auto& c : candidates) looked += (looked.empty() ? "" : ", ") + c.string();
  throw Error("template '" + relative + "' not found (looked in: " + looked + ")");
}

std::string load_template(const Paths& paths, const std::string& relative, const std::filesystem::path& fallback_dir) {
  auto path = find_template(paths, relative, fallback_dir);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read template " + path.string());
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

namespace {

kainjow::mustache::data to_mustache(const nlohmann::json& j) {
  using kainjow::mustache::data;
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      data d{data::type::object};
      for (const auto& [k, v] : j.items()) d.set(k, to_mustache(v));
      return d;
    }
    case nlohmann::json::value_t::array: {
      data d{data::type::list};
      for (const auto& v : j) d.push_back(to_mustache(v));
      return d;
    }
    case nlohmann::json::value_t::string:
      return data{j.get<std::string>()};
    case nlohmann::json::value_t::boolean:
      return j.get<bool>() ? data{data::type::bool_true} : data{data::type::bool_false};
    case nlohmann::json::value_t::null:
      return data{data::type::bool_false};
    default:
      return data{j.dump()};  // numbers
  }
}

std::string line_of(const std::string& text, const std::string& message) {
  // kainjow reports "... at <offset>"; turn the offset into a line.
  auto at = message.rfind(" at ");
  if (at == std::string::npos) return "";
  std::size_t offset = 0;
  try {
    offset = std::stoul(message.substr(at + 4));
  } catch (const std::exception&) {
    return "";
  }
  return ":" + std::to_string(1 + std::count(text.begin(), text.begin() + std::min(offset, text.size()), '\n'));
}

}  // namespace

std::string render_template(const std::string& template_text, const nlohmann::json& context, const std::string& name) {
  kainjow::mustache::mustache tmpl{template_text};
  if (!tmpl.is_valid()) throw Error(name + line_of(template_text, tmpl.error_message()) + ": " + tmpl.error_message());
  std::string out = tmpl.render(to_mustache(context));
  if (!tmpl.is_valid()) throw Error(name + ": " + tmpl.error_message());
  return out;
}

}  // namespace spackext
