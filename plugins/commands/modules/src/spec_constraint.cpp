#include "spec_constraint.hpp"

#include <cctype>
#include <set>

#include <spackext/errors.hpp>

namespace spackext::modules {

namespace {

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

// Compares dotted versions component by component (numbers numerically).
int compare_versions(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    auto next = [](const std::string& s, std::size_t& k) {
      std::size_t start = k;
      while (k < s.size() && s[k] != '.' && s[k] != '-') ++k;
      std::string part = s.substr(start, k - start);
      if (k < s.size()) ++k;
      return part;
    };
    std::string x = next(a, i), y = next(b, j);
    bool xn = !x.empty() && std::all_of(x.begin(), x.end(), ::isdigit);
    bool yn = !y.empty() && std::all_of(y.begin(), y.end(), ::isdigit);
    if (xn && yn) {
      auto xv = std::stoull(x), yv = std::stoull(y);
      if (xv != yv) return xv < yv ? -1 : 1;
    } else if (x != y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

bool prefix_match(const std::string& have, const std::string& want) {
  if (want.empty() || have == want) return true;
  return have.size() > want.size() && have.compare(0, want.size(), want) == 0 &&
         (have[want.size()] == '.' || have[want.size()] == '-');
}

}  // namespace

bool version_satisfies(const std::string& have, const std::string& want) {
  std::string w = want;
  if (!w.empty() && w[0] == '=') return have == w.substr(1);  // exact `@=1.2`
  for (std::size_t start = 0; start <= w.size();) {  // a list `1.2,1.4:` matches any
    auto comma = w.find(',', start);
    std::string one = w.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    auto colon = one.find(':');
    if (colon == std::string::npos) {
      if (prefix_match(have, one)) return true;
    } else {
      std::string lo = one.substr(0, colon), hi = one.substr(colon + 1);
      bool above = lo.empty() || compare_versions(have, lo) >= 0;
      bool below = hi.empty() || compare_versions(have, hi) <= 0 || prefix_match(have, hi);
      if (above && below) return true;
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return false;
}

SpecConstraint SpecConstraint::parse(const std::string& text, const std::string& where) {
  SpecConstraint c;
  c.text_ = text;
  std::size_t i = 0;
  auto fail = [&](const std::string& what) {
    throw InputError(where, "'" + text + "' is not a spec: " + what);
  };
  auto read_name = [&] {
    std::size_t start = i;
    while (i < text.size() && name_char(text[i])) ++i;
    return text.substr(start, i - start);
  };
  auto read_version = [&] {
    std::size_t start = i;
    while (i < text.size() && (name_char(text[i]) || text[i] == ':' || text[i] == ',' || text[i] == '=')) ++i;
    return text.substr(start, i - start);
  };
  auto read_name_version = [&]() -> NameVersion {
    NameVersion nv{read_name(), ""};
    while (i < text.size() && text[i] == ' ') ++i;
    if (i < text.size() && text[i] == '@') {
      ++i;
      nv.version = read_version();
      if (nv.version.empty()) fail("'@' without a version");
    }
    return nv;
  };
  while (i < text.size()) {
    char ch = text[i];
    if (ch == ' ' || ch == '\t') {
      ++i;
    } else if (ch == '@') {
      ++i;
      if (!c.root_) c.root_ = NameVersion{};
      c.root_->version = read_version();
      if (c.root_->version.empty()) fail("'@' without a version");
    } else if (ch == '%') {
      ++i;
      while (i < text.size() && text[i] == ' ') ++i;
      c.compiler_ = read_name_version();
      if (c.compiler_->name.empty()) fail("'%' without a compiler name");
    } else if (ch == '^') {
      ++i;
      auto dep = read_name_version();
      if (dep.name.empty()) fail("'^' without a package name");
      c.dependencies_.push_back(dep);
    } else if (ch == '+' || ch == '~' || (ch == '-' && c.root_)) {
      ++i;
      if (i < text.size() && text[i] == ch) ++i;  // propagated `++v` matches like `+v`
      auto name = read_name();
      if (name.empty()) fail("variant sign without a name");
      c.variants_.emplace_back(name, ch == '+' ? "true" : "false");
    } else if (ch == '/') {
      ++i;
      c.hash_ = read_name();
    } else if (name_char(ch)) {
      auto start = i;
      auto word = read_name();
      if (i < text.size() && text[i] == '=') {
        ++i;
        std::size_t vstart = i;
        while (i < text.size() && text[i] != ' ') ++i;
        c.variants_.emplace_back(word, text.substr(vstart, i - vstart));
      } else if (!c.root_ && start == text.find_first_not_of(" \t")) {
        c.root_ = NameVersion{word, ""};
      } else {
        fail("unexpected '" + word + "'");
      }
    } else {
      fail(std::string("unexpected '") + ch + "'");
    }
  }
  if (!c.root_ && !c.compiler_ && c.dependencies_.empty() && c.variants_.empty() && c.hash_.empty())
    fail("empty");
  return c;
}

bool SpecConstraint::matches(const spack::ConcreteSpec& spec, const spack::SpecSet* set) const {
  if (root_) {
    if (!root_->name.empty() && root_->name != spec.name) {
      // A virtual name matches its providers: `mpi` matches peermpi.
      bool provides = false;
      if (set) {
        for (const auto& [hash, other] : set->all())
          for (const auto& edge : other.dependencies)
            if (edge.hash == spec.hash && edge.provides(root_->name)) provides = true;
      }
      if (!provides) return false;
    }
    if (!root_->version.empty() && !version_satisfies(spec.version, root_->version)) return false;
  }
  if (compiler_) {
    if (!spec.compiler || spec.compiler->name != compiler_->name) return false;
    if (!compiler_->version.empty() && !version_satisfies(spec.compiler->version, compiler_->version)) return false;
  }
  if (!hash_.empty() && spec.hash.compare(0, hash_.size(), hash_) != 0) return false;
  for (const auto& [name, value] : variants_) {
    if (name == "platform") { if (spec.arch.platform != value) return false; continue; }
    if (name == "os") { if (spec.arch.os != value) return false; continue; }
    if (name == "target") { if (spec.arch.target != value) return false; continue; }
    auto it = spec.variants.find(name);
    if (it == spec.variants.end()) return false;
    const auto& have = it->second;
    if (have.is_boolean()) {
      if ((have.get<bool>() ? "true" : "false") != value) return false;
    } else if (have.is_string()) {
      if (have.get<std::string>() != value) return false;
    } else if (have.is_array()) {
      bool any = false;
      for (const auto& v : have) any = any || (v.is_string() && v.get<std::string>() == value);
      if (!any) return false;
    }
  }
  for (const auto& dep : dependencies_) {
    if (!set) return false;
    // Anywhere in the DAG below the spec, by name or by a virtual it provides.
    bool found = false;
    std::vector<const spack::ConcreteSpec*> queue{&spec};
    std::set<std::string> seen{spec.hash};
    for (std::size_t k = 0; k < queue.size() && !found; ++k) {
      for (const auto& edge : queue[k]->dependencies) {
        const auto* d = set->find(edge.hash);
        if (!d) continue;
        if ((d->name == dep.name || edge.provides(dep.name)) &&
            (dep.version.empty() || version_satisfies(d->version, dep.version))) {
          found = true;
          break;
        }
        if (seen.insert(d->hash).second) queue.push_back(d);
      }
    }
    if (!found) return false;
  }
  return true;
}

}  // namespace spackext::modules
