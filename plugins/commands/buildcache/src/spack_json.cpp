#include "buildcache/spack_json.hpp"

#include <spackext/errors.hpp>

namespace spackext::buildcache {

namespace {

std::string scalar(const nlohmann::ordered_json& v) {
  return v.dump(-1, ' ', /*ensure_ascii=*/true);
}

void write_lines(const nlohmann::ordered_json& v, std::string& out) {
  if (v.is_object()) {
    if (v.empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    bool first = true;
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (!first) out += ",\n";
      first = false;
      out += scalar(nlohmann::ordered_json(it.key()));
      out += ':';
      write_lines(it.value(), out);
    }
    out += "\n}";
  } else if (v.is_array()) {
    if (v.empty()) {
      out += "[]";
      return;
    }
    out += "[\n";
    bool first = true;
    for (const auto& e : v) {
      if (!first) out += ",\n";
      first = false;
      write_lines(e, out);
    }
    out += "\n]";
  } else {
    out += scalar(v);
  }
}

}  // namespace

std::string dump_token_per_line(const nlohmann::ordered_json& value) {
  std::string out;
  write_lines(value, out);
  return out;
}

std::string dump_compact(const nlohmann::ordered_json& value) { return scalar(value); }

nlohmann::ordered_json parse_json(const std::string& text, const std::string& where) {
  try {
    return nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(where, std::string("malformed JSON: ") + e.what());
  }
}

}  // namespace spackext::buildcache
