#include "buildcache/spec.hpp"

#include <spackext/errors.hpp>

namespace spackext::buildcache {

namespace {

const Json& require(const Json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end()) throw InputError(where, std::string("spec node lacks the key '") + key + "'");
  return *it;
}

std::string string_at(const Json& obj, const char* key, const std::string& where) {
  const auto& v = require(obj, key, where);
  if (!v.is_string()) throw InputError(where, std::string("'") + key + "' is not a string");
  return v.get<std::string>();
}

bool is_compiler_virtual(std::string_view v) { return v == "c" || v == "cxx" || v == "fortran"; }

}  // namespace

unsigned deptype_bit(std::string_view t) {
  return t == "build" ? kBuild : t == "link" ? kLink : t == "run" ? kRun : t == "test" ? kTest : 0;
}

std::string SpecView::arch() const {
  std::string s;
  s.reserve(platform.size() + os.size() + target.size() + 2);
  s.append(platform).append(1, '-').append(os).append(1, '-').append(target);
  return s;
}

std::string SpecView::compiler() const {
  std::string s(compiler_name);
  if (!compiler_name.empty() && !compiler_version.empty()) s.append(1, '@').append(compiler_version);
  return s;
}

void SpecView::append_display(std::string& s) const {
  s.append(name).append(1, '@').append(version);
  if (!compiler_name.empty()) {
    s.append(1, '%').append(compiler_name);
    if (!compiler_version.empty()) s.append(1, '@').append(compiler_version);
  }
  s.append(" arch=").append(platform).append(1, '-').append(os).append(1, '-').append(target);
  if (!hash.empty()) s.append(" /").append(hash.substr(0, 7));
}

std::string SpecView::display() const {
  std::string s;
  append_display(s);
  return s;
}

SpecView SpecNode::view() const {
  return {name, version, platform, os, target, compiler_name, compiler_version, compiler_hash, hash, namespace_, external};
}

CompilerAnnotation split_compiler_annotation(std::string_view a) {
  auto at = a.find('@');
  if (at == std::string_view::npos) return {a, {}};
  auto v = a.substr(at + 1);
  if (!v.empty() && v.front() == '=') v.remove_prefix(1);
  return {a.substr(0, at), v};
}

void set_compiler_from_annotation(SpecNode& n, std::string_view a) {
  if (!n.compiler_name.empty() || a.empty()) return;
  auto [name, version] = split_compiler_annotation(a);
  n.compiler_name = std::string(name);
  n.compiler_version = std::string(version);
}

SpecNode SpecNode::copy_of(const SpecView& v) {
  SpecNode n;
  n.name = v.name;
  n.version = v.version;
  n.platform = v.platform;
  n.os = v.os;
  n.target = v.target;
  n.compiler_name = v.compiler_name;
  n.compiler_version = v.compiler_version;
  n.compiler_hash = v.compiler_hash;
  n.hash = v.hash;
  n.namespace_ = v.namespace_;
  n.external = v.external;
  return n;
}

SpecNode parse_node(const Json& node, const std::string& where) {
  if (!node.is_object()) throw InputError(where, "spec node is not a JSON object");
  SpecNode n;
  n.name = string_at(node, "name", where);
  const auto& version = require(node, "version", where);
  n.version = version.is_string() ? version.get<std::string>() : version.dump();
  n.hash = string_at(node, "hash", where);
  if (auto ns = node.find("namespace"); ns != node.end() && ns->is_string()) n.namespace_ = *ns;
  n.external = node.contains("external");
  const auto& arch = require(node, "arch", where);
  if (!arch.is_object()) throw InputError(where, "'arch' is not an object");
  n.platform = string_at(arch, "platform", where);
  n.os = string_at(arch, "platform_os", where);
  const auto& target = require(arch, "target", where);
  if (target.is_string())
    n.target = target.get<std::string>();
  else if (target.is_object())
    n.target = string_at(target, "name", where);
  else
    throw InputError(where, "'arch.target' is neither a string nor an object");
  if (auto c = node.find("compiler"); c != node.end() && c->is_object()) {  // v4
    if (auto name = c->find("name"); name != c->end() && name->is_string()) n.compiler_name = *name;
    if (auto version = c->find("version"); version != c->end() && version->is_string()) n.compiler_version = *version;
  }
  if (auto deps = node.find("dependencies"); deps != node.end()) {
    // Index building walks these edges too: a node whose edges are not a
    // list is refused here, where the file is named, not deep inside it.
    if (!deps->is_array()) throw InputError(where, "node '" + n.name + "': 'dependencies' is not a list");
    for (const auto& d : *deps) {
      DependencyEdge e;
      e.name = string_at(d, "name", where);
      e.hash = string_at(d, "hash", where);
      if (auto p = d.find("parameters"); p != d.end() && p->is_object()) {
        if (auto t = p->find("deptypes"); t != p->end() && t->is_array())
          for (const auto& x : *t)
            if (x.is_string()) e.deptypes |= deptype_bit(x.get<std::string>());
        if (auto v = p->find("virtuals"); v != p->end() && v->is_array())
          for (const auto& x : *v)
            if (x.is_string() && is_compiler_virtual(x.get<std::string>())) e.provides_compiler = true;
      }
      if (n.compiler_name.empty() && e.provides_compiler) {  // v5: the compiler provides c/cxx/fortran
        n.compiler_name = e.name;
        n.compiler_hash = e.hash;
      }
      n.dependencies.push_back(std::move(e));
    }
  }
  if (auto a = node.find("annotations"); a != node.end() && a->is_object())
    if (auto c = a->find("compiler"); c != a->end() && c->is_string())
      set_compiler_from_annotation(n, c->get<std::string>());
  return n;
}

void resolve_compilers(std::vector<SpecNode>& nodes) {
  std::unordered_map<std::string_view, const SpecNode*> by_hash;
  for (auto& n : nodes) by_hash.emplace(n.hash, &n);
  for (auto& n : nodes) {
    if (n.compiler_hash.empty() || !n.compiler_version.empty()) continue;
    if (auto it = by_hash.find(n.compiler_hash); it != by_hash.end()) n.compiler_version = it->second->version;
  }
}

SpecFile parse_spec_file(const Json& doc, const std::string& where) {
  if (!doc.is_object()) throw InputError(where, "spec file is not a JSON object");
  auto spec = doc.find("spec");
  if (spec == doc.end() || !spec->is_object()) throw InputError(where, "spec file lacks the 'spec' object");
  SpecFile f;
  if (auto meta = spec->find("_meta"); meta != spec->end() && meta->is_object())
    if (auto version = meta->find("version"); version != meta->end()) {
      if (!version->is_number_integer()) throw InputError(where, "'spec._meta.version' is not an integer");
      f.spec_version = version->get<int>();
    }
  auto nodes = spec->find("nodes");
  if (nodes == spec->end() || !nodes->is_array() || nodes->empty())
    throw InputError(where, "spec file has no 'spec.nodes' list");
  for (const auto& n : *nodes) f.nodes.push_back(parse_node(n, where));
  resolve_compilers(f.nodes);
  return f;
}

}  // namespace spackext::buildcache
