#include "spackext/manifest.hpp"

#include <algorithm>
#include <charconv>

namespace spackext {
namespace {

using nlohmann::json;

const json& require_field(const json& obj, const char* key, json::value_t type, const char* type_name,
                          const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end()) throw ManifestError(where + "missing required field '" + key + "'");
  bool ok = it->type() == type ||
            (type == json::value_t::number_integer && it->is_number_integer());
  if (!ok)
    throw ManifestError(where + "field '" + key + "' must be " + type_name + ", found " +
                        std::string(it->type_name()));
  return *it;
}

std::string optional_string(const json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end()) return {};
  if (!it->is_string()) throw ManifestError(where + "field '" + key + "' must be a string");
  return it->get<std::string>();
}

int optional_int(const json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end()) return 0;
  if (!it->is_number_integer()) throw ManifestError(where + "field '" + key + "' must be an integer");
  return it->get<int>();
}

const json* optional_array(const json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end()) return nullptr;
  if (!it->is_array()) throw ManifestError(where + "field '" + key + "' must be an array");
  return &*it;
}

bool valid_name(const std::string& n) {
  return !n.empty() && n.size() <= 64 &&
         std::all_of(n.begin(), n.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
         }) &&
         n[0] != '-' && n[0] != '.';
}

// Any level of the command declares "options" or "positionals".
bool declares_arguments(const json& c) {
  if (c.contains("options") || c.contains("positionals")) return true;
  if (auto it = c.find("subcommands"); it != c.end() && it->is_array())
    for (const auto& s : *it)
      if (s.is_object() && declares_arguments(s)) return true;
  return false;
}

}  // namespace

CommandSpec ManifestCommand::spec() const {
  if (definition.empty()) {
    CommandSpec c;
    c.name = name;
    c.description = description;
    for (const auto& [n, d] : subcommands) c.subcommands.push_back(CommandSpec{n, d, {}, {}, {}, {}, {}});
    return c;
  }
  return CommandSpec::from_json(json::parse(definition), "");
}

bool Manifest::provides(std::string_view kind, std::string_view name) const {
  for (const auto& s : services) {
    if (s.kind != kind) continue;
    if (s.name == name) return true;
    if (std::find(s.aliases.begin(), s.aliases.end(), name) != s.aliases.end()) return true;
  }
  return false;
}

bool Manifest::provides_kind(std::string_view kind) const {
  return std::any_of(services.begin(), services.end(), [&](const auto& s) { return s.kind == kind; });
}

bool Manifest::has_command(std::string_view name) const {
  return std::any_of(commands.begin(), commands.end(), [&](const auto& c) { return c.name == name; });
}

std::string_view Manifest::strip_padding(std::string_view text) {
  while (!text.empty() && text.back() == '\0') text.remove_suffix(1);
  return text;
}

Manifest Manifest::from_envelope(std::string_view text) {
  text = strip_padding(text);
  json envelope;
  try {
    envelope = json::parse(text);
  } catch (const json::parse_error& e) {
    throw ManifestError("manifest is not valid JSON (byte " + std::to_string(e.byte) + "): " +
                        std::string(e.what()).substr(std::string(e.what()).find(':') + 2));
  } catch (const json::out_of_range& e) {  // a number beyond a double's range (libFuzzer: 22222e2222)
    throw ManifestError(std::string("manifest has a number out of range: ") + e.what());
  }
  return from_json(envelope);
}

Manifest Manifest::from_json(const json& envelope) {
  if (!envelope.is_object()) throw ManifestError("manifest must be a JSON object");
  Manifest m;
  const std::string api = require_field(envelope, "api_version", json::value_t::string, "a string", "").get<std::string>();
  {
    auto dot = api.find('.');
    auto parse_int = [&](std::string_view s, int& out) {
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
      return ec == std::errc() && p == s.data() + s.size() && !s.empty();
    };
    if (dot == std::string::npos || !parse_int(std::string_view(api).substr(0, dot), m.api_major) ||
        !parse_int(std::string_view(api).substr(dot + 1), m.api_minor))
      throw ManifestError("field 'api_version' must be MAJOR.MINOR, found '" + api + "'");
  }
  m.abi = require_field(envelope, "abi", json::value_t::string, "a string", "").get<std::string>();
  const json& body = require_field(envelope, "manifest", json::value_t::object, "an object", "");

  m.name = require_field(body, "name", json::value_t::string, "a string", "").get<std::string>();
  if (!valid_name(m.name))
    throw ManifestError("field 'name' must be 1-64 of [a-z0-9._-], found '" + m.name + "'");
  const std::string where = "plugin '" + m.name + "': ";
  auto version_text = require_field(body, "version", json::value_t::string, "a string", where).get<std::string>();
  auto v = SemVer::parse(version_text);
  if (!v) throw ManifestError(where + "field 'version' must be a semantic version, found '" + version_text + "'");
  m.version = *v;
  m.description = optional_string(body, "description", where);
  m.vendor = optional_string(body, "vendor", where);
  m.license = optional_string(body, "license", where);
  m.priority = optional_int(body, "priority", where);

  if (const json* services = optional_array(body, "services", where)) {
    for (std::size_t i = 0; i < services->size(); ++i) {
      const json& s = (*services)[i];
      std::string at = where + "services[" + std::to_string(i) + "]: ";
      if (!s.is_object()) throw ManifestError(at + "must be an object");
      ManifestService svc;
      svc.kind = require_field(s, "kind", json::value_t::string, "a string", at).get<std::string>();
      svc.name = require_field(s, "name", json::value_t::string, "a string", at).get<std::string>();
      if (svc.kind.empty() || svc.name.empty()) throw ManifestError(at + "'kind' and 'name' must not be empty");
      svc.priority = optional_int(s, "priority", at);
      for (const char* key : {"aliases", "schemes"}) {
        if (const json* a = optional_array(s, key, at))
          for (const auto& x : *a) {
            if (!x.is_string()) throw ManifestError(at + "'" + key + "' must hold strings");
            svc.aliases.push_back(x.get<std::string>());
          }
      }
      m.services.push_back(std::move(svc));
    }
  }
  if (const json* commands = optional_array(body, "commands", where)) {
    for (std::size_t i = 0; i < commands->size(); ++i) {
      const json& c = (*commands)[i];
      std::string at = where + "commands[" + std::to_string(i) + "]: ";
      if (!c.is_object()) throw ManifestError(at + "must be an object");
      ManifestCommand cmd;
      cmd.name = require_field(c, "name", json::value_t::string, "a string", at).get<std::string>();
      cmd.description = optional_string(c, "description", at);
      if (const json* subs = optional_array(c, "subcommands", at))
        for (const auto& sc : *subs) {
          if (!sc.is_object()) throw ManifestError(at + "subcommands must be objects");
          cmd.subcommands.emplace_back(
              require_field(sc, "name", json::value_t::string, "a string", at).get<std::string>(),
              optional_string(sc, "description", at));
        }
      try {
        cmd.definition = CommandSpec::from_json(c, at).to_json().dump();
      } catch (const std::invalid_argument& e) {
        throw ManifestError(e.what());
      }
      cmd.modelled = declares_arguments(c);
      m.commands.push_back(std::move(cmd));
    }
  }
  if (const json* reqs = optional_array(body, "requires", where)) {
    for (std::size_t i = 0; i < reqs->size(); ++i) {
      const json& r = (*reqs)[i];
      std::string at = where + "requires[" + std::to_string(i) + "]: ";
      if (!r.is_object()) throw ManifestError(at + "must be an object");
      ManifestRequirement req;
      req.name = require_field(r, "name", json::value_t::string, "a string", at).get<std::string>();
      req.range = optional_string(r, "version", at);
      if (req.range.empty()) req.range = "*";
      try {
        VersionRange::parse(req.range);
      } catch (const std::exception& e) {
        throw ManifestError(at + e.what());
      }
      m.requires_.push_back(std::move(req));
    }
  }
  return m;
}

nlohmann::json Manifest::to_json() const {
  json services_json = json::array(), commands_json = json::array(), requires_json = json::array();
  for (const auto& s : services) {
    json j{{"kind", s.kind}, {"name", s.name}, {"priority", s.priority}};
    if (!s.aliases.empty()) j["aliases"] = s.aliases;
    services_json.push_back(std::move(j));
  }
  for (const auto& c : commands) {
    json cj = c.definition.empty() ? json{{"name", c.name}, {"description", c.description}}
                                   : json::parse(c.definition);
    if (!c.definition.empty() && c.modelled) {
      // Keep the "modelled" bit through a round trip: a model with no
      // options anywhere still declares that it takes none.
      if (!cj.contains("options") && !cj.contains("positionals")) cj["options"] = json::array();
    } else if (c.definition.empty() && !c.subcommands.empty()) {
      cj["subcommands"] = json::array();
      for (const auto& [n, d] : c.subcommands) cj["subcommands"].push_back({{"name", n}, {"description", d}});
    }
    commands_json.push_back(std::move(cj));
  }
  for (const auto& r : requires_) requires_json.push_back({{"name", r.name}, {"version", r.range}});
  return json{{"api_version", api_version()},
              {"abi", abi},
              {"manifest",
               {{"name", name},
                {"version", version.str()},
                {"description", description},
                {"vendor", vendor},
                {"license", license},
                {"priority", priority},
                {"services", services_json},
                {"commands", commands_json},
                {"requires", requires_json}}}};
}

}  // namespace spackext
