// Reads spack-ext's microarchitecture table format (one line per fact):
//   @ name | parent,parent | vendor [| gen=N] [| part=0x...]
//   + features added to the union of the parents' features
//   = the complete feature list
//   c compiler | versions | compiler's name for the target | flags [| warning]
//   c compiler                     (listed, no entries)
//   v 0x41 | ARM                   (aarch64 CPU implementer code)
// '#' starts a comment line. Parsing is a single pass over the text, cheap
// enough to run on first use.
#include <algorithm>
#include <charconv>
#include <vector>

#include "spackext/errors.hpp"
#include "spackext/microarch/cpuinfo.hpp"
#include "spackext/microarch/database.hpp"

namespace spackext::microarch {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    auto pos = s.find(sep);
    out.push_back(trim(s.substr(0, pos)));
    if (pos == std::string_view::npos) break;
    s.remove_prefix(pos + 1);
  }
  return out;
}

std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t') ++j;
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// A target as written: features still relative to the parents.
struct PendingTarget {
  Microarchitecture target;
  std::vector<std::string> listed;  // '+' or '=' words
  bool complete = false;            // '=' line
};

}  // namespace

Database Database::parse_table(std::string_view text, const std::string& origin) {
  std::vector<PendingTarget> pending;
  Database db;
  std::size_t line_no = 0;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    const std::string where = origin + ":" + std::to_string(line_no);
    if (line.size() < 2 || line[1] != ' ')
      throw InputError(where, "expected a line starting with '@ ', '+ ', '= ', 'c ' or 'v '");
    const char kind = line.front();
    std::string_view rest = trim(line.substr(2));
    if (kind == '@') {
      auto fields = split(rest, '|');
      if (fields.size() < 3 || fields[0].empty())
        throw InputError(where, "expected '@ name | parents | vendor'");
      PendingTarget p;
      p.target.name = std::string(fields[0]);
      for (auto parent : split(fields[1], ','))
        if (!parent.empty()) p.target.parents.emplace_back(parent);
      p.target.vendor = std::string(fields[2]);
      p.target.origin = where;
      for (std::size_t i = 3; i < fields.size(); ++i) {
        auto f = fields[i];
        if (f.starts_with("gen=")) {
          auto v = f.substr(4);
          auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), p.target.generation);
          if (ec != std::errc() || ptr != v.data() + v.size())
            throw InputError(where, "expected gen=<integer>, got '" + std::string(f) + "'");
        } else if (f.starts_with("part=")) {
          p.target.cpupart = std::string(f.substr(5));
        } else {
          throw InputError(where, "unknown field '" + std::string(f) + "' (expected gen=N or part=X)");
        }
      }
      pending.push_back(std::move(p));
      continue;
    }
    if (kind == 'v') {
      auto fields = split(rest, '|');
      if (fields.size() != 2) throw InputError(where, "expected 'v <code> | <vendor>'");
      db.set_arm_vendor(std::string(fields[0]), std::string(fields[1]));
      continue;
    }
    if (pending.empty()) throw InputError(where, "a '" + std::string(1, kind) + "' line before any '@' target line");
    auto& cur = pending.back();
    if (kind == '+' || kind == '=') {
      auto w = words(rest);
      cur.listed.insert(cur.listed.end(), w.begin(), w.end());
      cur.complete = cur.complete || kind == '=';
    } else if (kind == 'c') {
      auto fields = split(rest, '|');
      auto& rules = cur.target.compilers[std::string(fields[0])];
      if (fields.size() == 1) continue;
      if (fields.size() < 4 || fields.size() > 5)
        throw InputError(where, "expected 'c compiler | versions | name | flags [| warning]'");
      CompilerRule r;
      r.versions = std::string(fields[1]);
      r.name = std::string(fields[2]);
      r.flags = std::string(fields[3]);
      if (fields.size() == 5) r.warning = std::string(fields[4]);
      rules.push_back(std::move(r));
    } else {
      throw InputError(where, "unknown line kind '" + std::string(1, kind) + "'");
    }
  }
  // '+' lists are completed by link(), once the parents are known: they may
  // come from this table or from the base a vendor table is merged into.
  for (auto& p : pending) {
    p.target.features.insert(p.listed.begin(), p.listed.end());
    db.add(std::move(p.target), !p.complete);
  }
  db.set_source(origin);
  return db;
}

}  // namespace spackext::microarch
