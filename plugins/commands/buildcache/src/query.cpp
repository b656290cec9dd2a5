#include "buildcache/query.hpp"

#include <sstream>

#include <spackext/errors.hpp>

namespace spackext::buildcache {

bool glob_match(std::string_view p, std::string_view t) {
  std::size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
      ++pi;
      ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

namespace {

bool prefix_match(const std::string& pattern, std::string_view value) {
  if (pattern.find_first_of("*?") != std::string::npos) return glob_match(pattern, value);
  if (value.substr(0, pattern.size()) != pattern) return false;
  // "@1" matches "1" and "1.0" but not "10".
  return value.size() == pattern.size() || value[pattern.size()] == '.' || value[pattern.size()] == '-' ||
         pattern.empty();
}

}  // namespace

SpecQuery SpecQuery::parse(const std::string& text) {
  SpecQuery q;
  std::istringstream in(text);
  std::string word;
  auto bad = [&](const std::string& why) { throw InputError("query '" + text + "'", why); };
  while (in >> word) {
    auto key_value = [&](const char* key, Field f) {
      std::string k = std::string(key) + "=";
      if (word.rfind(k, 0) != 0) return false;
      if (word.size() == k.size()) bad("'" + word + "' needs a value");
      q.terms_.push_back({f, word.substr(k.size())});
      return true;
    };
    if (key_value("arch", Field::arch) || key_value("platform", Field::platform) ||
        key_value("os", Field::os) || key_value("target", Field::target))
      continue;
    if (word.find('=') != std::string::npos) bad("unknown term '" + word + "' (use arch=, platform=, os=, target=)");
    // Split "name@ver%comp@ver/hash" into its parts.
    std::size_t i = 0;
    auto take = [&](const char* stops) {
      auto end = word.find_first_of(stops, i);
      std::string part = word.substr(i, end == std::string::npos ? std::string::npos : end - i);
      i = end == std::string::npos ? word.size() : end;
      return part;
    };
    std::string name = take("@%/");
    if (!name.empty()) q.terms_.push_back({Field::name, name});
    while (i < word.size()) {
      char sigil = word[i++];
      if (sigil == '@') {
        auto v = take("%/");
        if (v.empty()) bad("'@' needs a version");
        q.terms_.push_back({Field::version, v});
      } else if (sigil == '%') {
        auto c = take("/");
        auto at = c.find('@');
        auto cname = c.substr(0, at);
        if (cname.empty()) bad("'%' needs a compiler name");
        q.terms_.push_back({Field::compiler, cname});
        if (at != std::string::npos) q.terms_.push_back({Field::compiler_version, c.substr(at + 1)});
      } else if (sigil == '/') {
        auto h = take("@%");
        if (h.empty()) bad("'/' needs a hash prefix");
        for (char c : h)
          if (!std::isalnum(static_cast<unsigned char>(c))) bad("'" + h + "' is not a hash prefix");
        q.terms_.push_back({Field::hash, h});
      }
    }
  }
  return q;
}

bool SpecQuery::matches(const SpecView& s) const {
  for (const auto& t : terms_) {
    bool ok = false;
    switch (t.field) {
      case Field::name: ok = glob_match(t.pattern, s.name); break;
      case Field::version: ok = prefix_match(t.pattern, s.version); break;
      case Field::compiler: ok = glob_match(t.pattern, s.compiler_name); break;
      case Field::compiler_version: ok = prefix_match(t.pattern, s.compiler_version); break;
      case Field::arch: ok = glob_match(t.pattern, s.arch()); break;
      case Field::platform: ok = glob_match(t.pattern, s.platform); break;
      case Field::os: ok = glob_match(t.pattern, s.os); break;
      case Field::target: ok = glob_match(t.pattern, s.target); break;
      case Field::hash: ok = s.hash.substr(0, t.pattern.size()) == t.pattern; break;
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace spackext::buildcache
