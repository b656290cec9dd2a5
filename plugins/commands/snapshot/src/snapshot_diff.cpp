#include "snapshot_diff.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace spackext::snapshot {
namespace {

SpecRef ref(const spack::ConcreteSpec& s) { return {s.name, s.version, s.hash}; }

std::string variants_text(const spack::ConcreteSpec& s) {
  std::string out;
  for (const auto& [k, v] : s.variants) {
    if (v.is_boolean()) out += (v.get<bool>() ? "+" : "~") + k;
    else out += " " + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
  }
  return out;
}

std::string flags_text(const spack::ConcreteSpec& s) {
  std::string out;
  for (const auto& [k, v] : s.compiler_flags) {
    std::string joined;
    for (const auto& f : v) joined += (joined.empty() ? "" : " ") + f;
    out += (out.empty() ? "" : " ") + k + "='" + joined + "'";
  }
  return out;
}

std::string compiler_text(const spack::ConcreteSpec& s) {
  return s.compiler ? s.compiler->name + "@" + s.compiler->version : std::string("none");
}

std::string deps_text(const spack::ConcreteSpec& s) {
  std::string out;
  for (const auto& d : s.dependencies) out += (out.empty() ? "" : ",") + d.name + "/" + d.hash.substr(0, 7);
  return out;
}

SpecChange compare(const spack::ConcreteSpec& a, const spack::ConcreteSpec& b) {
  SpecChange c{ref(a), ref(b), {}};
  auto add = [&](const std::string& what, const std::string& x, const std::string& y) {
    if (x != y) c.changes.emplace_back(what, (x.empty() ? "(none)" : x) + " -> " + (y.empty() ? "(none)" : y));
  };
  add("version", a.version, b.version);
  add("variants", variants_text(a), variants_text(b));
  add("compiler", compiler_text(a), compiler_text(b));
  add("target", a.arch.target, b.arch.target);
  add("os", a.arch.os, b.arch.os);
  add("flags", flags_text(a), flags_text(b));
  add("external", a.external_prefix.value_or(""), b.external_prefix.value_or(""));
  if (c.changes.empty()) add("dependencies", deps_text(a), deps_text(b));
  if (c.changes.empty()) c.changes.emplace_back("hash", a.hash.substr(0, 7) + " -> " + b.hash.substr(0, 7));
  return c;
}

std::map<std::string, std::vector<const spack::ConcreteSpec*>> by_name(const spack::SpecSet& set) {
  std::map<std::string, std::vector<const spack::ConcreteSpec*>> out;
  for (const auto& [hash, spec] : set.all()) out[spec.name].push_back(&spec);
  return out;
}

std::set<std::string> root_names(const spack::SpecSet& set) {
  std::set<std::string> out;
  for (const auto& h : set.roots())
    if (const auto* s = set.find(h)) out.insert(s->name + "@" + s->version);
  return out;
}

nlohmann::json ref_json(const SpecRef& r) { return {{"name", r.name}, {"version", r.version}, {"hash", r.hash}}; }

}  // namespace

std::string SpecRef::to_string() const { return name + "@" + version + " /" + hash.substr(0, 7); }

SpecDiff diff_specs(const spack::SpecSet& from, const spack::SpecSet& to) {
  SpecDiff d;
  auto a = by_name(from), b = by_name(to);
  std::set<std::string> names;
  for (const auto& [n, v] : a) names.insert(n);
  for (const auto& [n, v] : b) names.insert(n);
  for (const auto& n : names) {
    std::vector<const spack::ConcreteSpec*> left = a[n], right = b[n];
    // Identical hashes first, then pair what is left in version order.
    for (auto it = left.begin(); it != left.end();) {
      auto match = std::find_if(right.begin(), right.end(), [&](const auto* r) { return r->hash == (*it)->hash; });
      if (match != right.end()) {
        d.same.push_back(ref(**it));
        right.erase(match);
        it = left.erase(it);
      } else {
        ++it;
      }
    }
    std::size_t i = 0;
    for (; i < left.size() && i < right.size(); ++i) d.changed.push_back(compare(*left[i], *right[i]));
    for (std::size_t j = i; j < left.size(); ++j) d.removed.push_back(ref(*left[j]));
    for (std::size_t j = i; j < right.size(); ++j) d.added.push_back(ref(*right[j]));
  }
  auto ra = root_names(from), rb = root_names(to);
  for (const auto& r : rb)
    if (!ra.count(r)) d.roots_added.push_back(r);
  for (const auto& r : ra)
    if (!rb.count(r)) d.roots_removed.push_back(r);
  return d;
}

nlohmann::json SpecDiff::to_json() const {
  nlohmann::json j{{"added", nlohmann::json::array()},   {"removed", nlohmann::json::array()},
                   {"changed", nlohmann::json::array()}, {"same", nlohmann::json::array()},
                   {"roots_added", roots_added},         {"roots_removed", roots_removed}};
  for (const auto& r : added) j["added"].push_back(ref_json(r));
  for (const auto& r : removed) j["removed"].push_back(ref_json(r));
  for (const auto& r : same) j["same"].push_back(ref_json(r));
  for (const auto& c : changed) {
    nlohmann::json changes = nlohmann::json::object();
    for (const auto& [k, v] : c.changes) changes[k] = v;
    j["changed"].push_back({{"name", c.from.name}, {"from", ref_json(c.from)}, {"to", ref_json(c.to)}, {"changes", changes}});
  }
  return j;
}

}  // namespace spackext::snapshot
