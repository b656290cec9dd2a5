#include "buildcache/mirror_config.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>
#include <unistd.h>

#include <spackext/errors.hpp>
#include <spackext/yaml_alias_guard.hpp>

namespace spackext::buildcache {

namespace {

// Connection keys spack-ext adds to Spack's schema (Spack reads its CA from
// config:ssl_certs and GCS credentials from the environment). They are kept
// in spack-ext's own mirrors.yaml and left out of `--to-spack` exports.
const std::set<std::string> kExtensionKeys = {"ca_bundle", "credentials_file"};
const std::set<std::string> kConnectionKeys = {"access_pair", "access_token_variable", "profile", "endpoint_url",
                                               "access_token", "ca_bundle", "credentials_file"};
const std::set<std::string> kEntryKeys = {"url",         "fetch",        "push",      "source",
                                          "binary",      "signed",       "autopush",  "access_pair",
                                          "access_token_variable", "profile", "endpoint_url", "ca_bundle",
                                          "credentials_file"};

std::string at_line(const std::string& file, const YAML::Node& n) {
  return file + ":" + std::to_string(n.Mark().line + 1);
}

Json to_json(const YAML::Node& n, const std::string& file, YamlAliasGuard& guard) {
  if (auto problem = guard.enter(n)) throw InputError(at_line(file, n), *problem);
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      Json j = Json::object();
      for (const auto& kv : n) {
        if (!kv.first.IsScalar()) throw InputError(at_line(file, kv.first), "keys must be strings");
        j[kv.first.Scalar()] = to_json(kv.second, file, guard);
      }
      guard.leave();
      return j;
    }
    case YAML::NodeType::Sequence: {
      Json j = Json::array();
      for (const auto& e : n) j.push_back(to_json(e, file, guard));
      guard.leave();
      return j;
    }
    case YAML::NodeType::Scalar: {
      const auto& s = n.Scalar();
      if (n.Tag() != "!" ) {  // unquoted: booleans are booleans
        if (s == "true" || s == "True") return true;
        if (s == "false" || s == "False") return false;
      }
      return s;
    }
    default: return nullptr;
  }
}

void emit(YAML::Emitter& out, const Json& j) {
  if (j.is_object()) {
    out << YAML::BeginMap;
    for (auto it = j.begin(); it != j.end(); ++it) {
      out << YAML::Key << it.key() << YAML::Value;
      emit(out, it.value());
    }
    out << YAML::EndMap;
  } else if (j.is_array()) {
    out << YAML::BeginSeq;
    for (const auto& e : j) emit(out, e);
    out << YAML::EndSeq;
  } else if (j.is_boolean()) {
    out << (j.get<bool>() ? "true" : "false");
  } else if (j.is_string()) {
    out << j.get<std::string>();
  } else if (!j.is_null()) {
    out << j.dump();
  }
}

void validate_connection(const Json& obj, const std::string& where) {
  if (auto ap = obj.find("access_pair"); ap != obj.end()) {
    if (!ap->is_object())
      throw InputError(where, "'access_pair' must be an object {id|id_variable, secret_variable}");
    for (auto it = ap->begin(); it != ap->end(); ++it) {
      if (it.key() != "id" && it.key() != "id_variable" && it.key() != "secret_variable")
        throw InputError(where, "access_pair: unexpected key '" + it.key() + "'");
      if (!it.value().is_string()) throw InputError(where, "access_pair: '" + it.key() + "' must be a string");
    }
    if (!ap->contains("secret_variable")) throw InputError(where, "access_pair needs 'secret_variable'");
    if (ap->contains("id") == ap->contains("id_variable"))
      throw InputError(where, "access_pair needs exactly one of 'id' and 'id_variable'");
  }
  for (const char* k : {"access_token_variable", "profile", "endpoint_url", "url", "ca_bundle", "credentials_file"})
    if (obj.contains(k) && !obj[k].is_string() && !obj[k].is_null())
      throw InputError(where, std::string("'") + k + "' must be a string");
}

std::string url_of(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("url") && v["url"].is_string()) return v["url"].get<std::string>();
  return {};
}

}  // namespace

void validate_mirror_entry(const Json& entry, const std::string& where) {
  if (entry.is_string()) {
    if (entry.get<std::string>().empty()) throw InputError(where, "empty mirror URL");
    return;
  }
  if (!entry.is_object()) throw InputError(where, "a mirror is a URL string or an object");
  for (auto it = entry.begin(); it != entry.end(); ++it)
    if (!kEntryKeys.count(it.key()))
      throw InputError(where, "Additional properties are not allowed ('" + it.key() + "' was unexpected)");
  if (!entry.contains("url") && !entry.contains("fetch")) throw InputError(where, "needs 'url' or 'fetch'");
  for (const char* k : {"source", "binary", "signed", "autopush"})
    if (entry.contains(k) && !entry[k].is_boolean())
      throw InputError(where, std::string("'") + k + "' must be true or false");
  validate_connection(entry, where);
  for (const char* k : {"fetch", "push"}) {
    if (!entry.contains(k)) continue;
    const auto& v = entry[k];
    if (v.is_string()) continue;
    if (!v.is_object()) throw InputError(where, std::string("'") + k + "' must be a URL or an object");
    for (auto it = v.begin(); it != v.end(); ++it)
      if (it.key() != "url" && !kConnectionKeys.count(it.key()))
        throw InputError(where, std::string(k) + ": unexpected key '" + it.key() + "'");
    validate_connection(v, where + ": " + k);
  }
}

MirrorsConfig MirrorsConfig::load(const std::filesystem::path& file) {
  MirrorsConfig cfg;
  if (!std::filesystem::exists(file)) return cfg;
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::Exception& e) {
    throw InputError(file.string() + ":" + std::to_string(e.mark.line + 1), "YAML syntax error: " + e.msg);
  }
  if (root.IsNull()) return cfg;
  if (!root.IsMap()) throw InputError(at_line(file.string(), root), "expected a mapping with the key 'mirrors'");
  auto mirrors = root["mirrors"];
  if (!mirrors || mirrors.IsNull()) return cfg;
  if (!mirrors.IsMap()) throw InputError(at_line(file.string(), mirrors), "'mirrors' must be a mapping");
  for (const auto& kv : mirrors) {
    if (!kv.first.IsScalar()) throw InputError(at_line(file.string(), kv.first), "mirror names must be strings");
    auto name = kv.first.Scalar();
    YamlAliasGuard guard;
    auto entry = to_json(kv.second, file.string(), guard);
    validate_mirror_entry(entry, at_line(file.string(), kv.second) + ": mirror '" + name + "'");
    cfg.mirrors_[name] = std::move(entry);
  }
  return cfg;
}

std::string MirrorsConfig::to_yaml() const {
  YAML::Emitter out;
  Json doc = Json::object();
  doc["mirrors"] = mirrors_;
  emit(out, doc);
  return std::string(out.c_str()) + "\n";
}

std::string MirrorsConfig::to_spack_yaml() const {
  MirrorsConfig spack;
  spack.mirrors_ = mirrors_;
  for (auto& [name, entry] : spack.mirrors_.items()) {
    if (!entry.is_object()) continue;
    for (const auto& k : kExtensionKeys) entry.erase(k);
    for (const char* d : {"fetch", "push"})
      if (entry.contains(d) && entry[d].is_object())
        for (const auto& k : kExtensionKeys) entry[d].erase(k);
  }
  return spack.to_yaml();
}

void MirrorsConfig::save(const std::filesystem::path& file) const {
  std::filesystem::create_directories(file.parent_path());
  auto tmp = file;
  tmp += ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << to_yaml();
    out.flush();
    if (!out) throw Error("cannot write " + tmp.string());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) {
    std::filesystem::remove(tmp);
    throw Error("cannot replace " + file.string() + ": " + ec.message());
  }
}

void MirrorsConfig::add(const std::string& name, Json entry) {
  if (name.empty()) throw InputError("mirror name", "must not be empty");
  if (contains(name)) throw InputError("mirror '" + name + "'", "already exists (remove it first)");
  validate_mirror_entry(entry, "mirror '" + name + "'");
  mirrors_[name] = std::move(entry);
}

void MirrorsConfig::remove(const std::string& name) {
  if (!contains(name)) throw InputError("mirror '" + name + "'", "no such mirror");
  mirrors_.erase(name);
}

void MirrorsConfig::merge(const MirrorsConfig& other, bool replace) {
  for (auto it = other.mirrors_.begin(); it != other.mirrors_.end(); ++it)
    if (contains(it.key()) && !replace)
      throw InputError("mirror '" + it.key() + "'", "already exists (use --replace to overwrite)");
  for (auto it = other.mirrors_.begin(); it != other.mirrors_.end(); ++it) mirrors_[it.key()] = it.value();
}

namespace {
MirrorEndpoint endpoint(const Json& entry, const char* direction) {
  MirrorEndpoint ep;
  if (entry.is_string()) {
    ep.url = entry.get<std::string>();
    ep.settings = Json::object();
    return ep;
  }
  ep.settings = Json::object();
  for (const auto& k : kConnectionKeys)
    if (entry.contains(k)) ep.settings[k] = entry[k];
  ep.url = entry.contains("url") ? url_of(entry["url"]) : std::string();
  if (entry.contains(direction)) {
    const auto& d = entry[direction];
    if (auto u = url_of(d); !u.empty()) ep.url = u;
    if (d.is_object())
      for (auto it = d.begin(); it != d.end(); ++it)
        if (it.key() != "url") ep.settings[it.key()] = it.value();
  }
  return ep;
}
}  // namespace

std::optional<MirrorEndpoint> MirrorsConfig::fetch(const std::string& name) const {
  if (!contains(name)) return std::nullopt;
  auto ep = endpoint(mirrors_[name], "fetch");
  if (ep.url.empty()) return std::nullopt;
  return ep;
}

std::optional<MirrorEndpoint> MirrorsConfig::push(const std::string& name) const {
  if (!contains(name)) return std::nullopt;
  const auto& e = mirrors_[name];
  // An entry with only `fetch` (no url, no push) is fetch-only.
  if (e.is_object() && !e.contains("url") && !e.contains("push")) return std::nullopt;
  auto ep = endpoint(e, "push");
  if (ep.url.empty()) return std::nullopt;
  return ep;
}

bool MirrorsConfig::signed_(const std::string& name) const {
  if (!contains(name)) return true;
  const auto& e = mirrors_[name];
  return !e.is_object() || e.value("signed", true);
}

}  // namespace spackext::buildcache
