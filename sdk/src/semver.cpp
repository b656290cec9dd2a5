#include "spackext/semver.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace spackext {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool parse_number(std::string_view s, unsigned long& out) {
  if (!all_digits(s) || (s.size() > 1 && s[0] == '0')) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    auto pos = s.find(sep, start);
    out.push_back(s.substr(start, pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

bool valid_identifier(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
  });
}

int compare_prerelease(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  // A version without pre-release identifiers ranks above one with them.
  if (a.empty() || b.empty()) return a.empty() == b.empty() ? 0 : (a.empty() ? 1 : -1);
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    bool an = all_digits(a[i]), bn = all_digits(b[i]);
    if (an && bn) {
      if (a[i].size() != b[i].size()) return a[i].size() < b[i].size() ? -1 : 1;
      if (int c = a[i].compare(b[i])) return c < 0 ? -1 : 1;
    } else if (an != bn) {
      return an ? -1 : 1;  // numeric identifiers rank lower
    } else if (int c = a[i].compare(b[i])) {
      return c < 0 ? -1 : 1;
    }
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

}  // namespace

std::optional<SemVer> SemVer::parse(std::string_view text) {
  SemVer v;
  if (auto plus = text.find('+'); plus != std::string_view::npos) {
    v.build = std::string(text.substr(plus + 1));
    for (auto id : split(v.build, '.'))
      if (!valid_identifier(id)) return std::nullopt;
    text = text.substr(0, plus);
  }
  if (auto dash = text.find('-'); dash != std::string_view::npos) {
    for (auto id : split(text.substr(dash + 1), '.')) {
      if (!valid_identifier(id) || (all_digits(id) && id.size() > 1 && id[0] == '0'))
        return std::nullopt;
      v.prerelease.emplace_back(id);
    }
    text = text.substr(0, dash);
  }
  auto parts = split(text, '.');
  if (parts.size() != 3) return std::nullopt;
  if (!parse_number(parts[0], v.major) || !parse_number(parts[1], v.minor) ||
      !parse_number(parts[2], v.patch))
    return std::nullopt;
  return v;
}

std::string SemVer::str() const {
  std::string s = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  for (std::size_t i = 0; i < prerelease.size(); ++i) s += (i ? "." : "-") + prerelease[i];
  if (!build.empty()) s += "+" + build;
  return s;
}

int compare(const SemVer& a, const SemVer& b) {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch != b.patch) return a.patch < b.patch ? -1 : 1;
  return compare_prerelease(a.prerelease, b.prerelease);
}

namespace {

// A partial version "1", "1.2", "1.2.3", with "x"/"*" wildcards; returns how
// many leading components were given.
int parse_partial(std::string_view text, SemVer& out) {
  if (text == "*" || text == "x" || text == "X") return 0;
  auto dash = text.find('-');
  std::string_view core = text.substr(0, dash);
  auto parts = split(core, '.');
  if (parts.empty() || parts.size() > 3) return -1;
  unsigned long* fields[] = {&out.major, &out.minor, &out.patch};
  int given = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == "x" || parts[i] == "X" || parts[i] == "*") break;
    if (!parse_number(parts[i], *fields[i])) return -1;
    ++given;
  }
  if (dash != std::string_view::npos) {
    if (given != 3) return -1;
    auto full = SemVer::parse(text);
    if (!full) return -1;
    out = *full;
  }
  return given;
}

SemVer bump(const SemVer& v, int component) {
  SemVer r;
  if (component == 0) r.major = v.major + 1;
  if (component == 1) { r.major = v.major; r.minor = v.minor + 1; }
  if (component == 2) { r.major = v.major; r.minor = v.minor; r.patch = v.patch + 1; }
  return r;
}

}  // namespace

VersionRange VersionRange::parse(std::string_view text) {
  VersionRange range;
  range.text_ = std::string(text);
  using Op = Comparator::Op;
  for (auto alt : split(text, '|')) {
    if (alt.empty()) continue;  // the second '|' of "||"
    std::vector<Comparator> all_of;
    std::size_t i = 0;
    while (i < alt.size()) {
      while (i < alt.size() && alt[i] == ' ') ++i;
      if (i >= alt.size()) break;
      auto end = alt.find(' ', i);
      std::string_view tok = alt.substr(i, end == std::string_view::npos ? alt.size() - i : end - i);
      i = end == std::string_view::npos ? alt.size() : end;

      std::string_view op;
      for (std::string_view candidate : {">=", "<=", ">", "<", "=", "^", "~"}) {
        if (tok.substr(0, candidate.size()) == candidate) { op = candidate; break; }
      }
      SemVer v;
      int given = parse_partial(tok.substr(op.size()), v);
      if (given < 0) throw std::invalid_argument("bad version range '" + std::string(text) +
                                                 "': cannot read '" + std::string(tok) + "'");
      if (given == 0) continue;  // "*" matches everything
      if (op == ">=") all_of.push_back({Op::ge, v});
      else if (op == ">") all_of.push_back(given == 3 ? Comparator{Op::gt, v} : Comparator{Op::ge, bump(v, given - 1)});
      else if (op == "<") all_of.push_back({Op::lt, v});
      else if (op == "<=") all_of.push_back(given == 3 ? Comparator{Op::le, v} : Comparator{Op::lt, bump(v, given - 1)});
      else if (op == "^") {
        int c = v.major ? 0 : (v.minor || given < 3 ? 1 : 2);
        if (given == 1) c = 0;
        all_of.push_back({Op::ge, v});
        all_of.push_back({Op::lt, bump(v, c)});
      } else if (op == "~") {
        all_of.push_back({Op::ge, v});
        all_of.push_back({Op::lt, bump(v, given == 1 ? 0 : 1)});
      } else if (given == 3) {
        all_of.push_back({Op::eq, v});
      } else {  // "1.2" or "=1.2" means 1.2.x
        all_of.push_back({Op::ge, v});
        all_of.push_back({Op::lt, bump(v, given - 1)});
      }
    }
    range.alternatives_.push_back(std::move(all_of));
  }
  if (range.alternatives_.empty()) range.alternatives_.emplace_back();  // "" or "*": anything
  return range;
}

bool VersionRange::contains(const SemVer& v) const {
  using Op = Comparator::Op;
  for (const auto& all_of : alternatives_) {
    // As npm does: a pre-release only satisfies a range that names a
    // pre-release of the same MAJOR.MINOR.PATCH, so "<2.0.0" never admits
    // 2.0.0-rc.1 and plugins do not pick up pre-releases by accident.
    if (!v.prerelease.empty() &&
        std::none_of(all_of.begin(), all_of.end(), [&](const Comparator& c) {
          return !c.version.prerelease.empty() && c.version.major == v.major &&
                 c.version.minor == v.minor && c.version.patch == v.patch;
        }))
      continue;
    bool ok = true;
    for (const auto& c : all_of) {
      int r = compare(v, c.version);
      switch (c.op) {
        case Op::eq: ok = r == 0; break;
        case Op::lt: ok = r < 0; break;
        case Op::le: ok = r <= 0; break;
        case Op::gt: ok = r > 0; break;
        case Op::ge: ok = r >= 0; break;
      }
      if (!ok) break;
    }
    if (ok) return true;
  }
  return false;
}

}  // namespace spackext
