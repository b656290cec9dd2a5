#include "compatibility_range.hpp"

#include <cctype>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "spackext/spack/spec_syntax.hpp"

namespace spackext::package {
namespace {

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

bool plain_version(const std::string& v) {
  if (v.empty() || !std::isalnum(static_cast<unsigned char>(v[0]))) return false;
  for (char c : v)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') return false;
  return true;
}

std::vector<std::string> dot_parts(const std::string& v) {
  std::vector<std::string> parts;
  std::stringstream in(v);
  std::string p;
  while (std::getline(in, p, '.')) parts.push_back(p);
  return parts;
}

bool numeric(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ".") + p;
  return out;
}

// The largest Spack prefix-bound strictly below `v`: `<3.13` is `:3.12`,
// `<2.0` is `:1`, `<1.10.1` is `:1.10.0`.
std::string bound_below(const std::string& v) {
  auto parts = dot_parts(v);
  while (parts.size() > 1 && numeric(parts.back()) && std::stoll(parts.back()) == 0) parts.pop_back();
  if (!numeric(parts.back()))
    throw std::invalid_argument("'<" + v + "' has no Spack form (write the last version allowed with '<=')");
  const long long last = std::stoll(parts.back());
  if (last == 0) throw std::invalid_argument("'<" + v + "' admits no version");
  parts.back() = std::to_string(last - 1);
  return join(parts);
}

// The tighter of two upper prefix-bounds.
std::string min_high(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  if (spack::version_within(a, b)) return a;  // 3.12.4 is inside 3.12
  if (spack::version_within(b, a)) return b;
  return spack::compare_versions(a, b) < 0 ? a : b;
}

std::string max_low(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return spack::compare_versions(a, b) >= 0 ? a : b;
}

bool admits_something(const VersionRange& r) {
  if (r.low.empty() || r.high.empty()) return true;
  return spack::compare_versions(r.low, r.high) <= 0 || spack::version_within(r.low, r.high);
}

}  // namespace

std::string VersionRange::to_spack() const {
  if (any()) return "";
  if (low == high) return low;
  return low + ":" + high;
}

VersionRange parse_compatibility(const std::string& input) {
  std::string text = trim(input);
  if (text.empty()) throw std::invalid_argument("empty range");
  if (text[0] == '@') text = text.substr(1);
  VersionRange range;
  // A Spack range written directly.
  if (text.find_first_of("<>=!~") == std::string::npos) {
    auto colon = text.find(':');
    if (colon == std::string::npos) {
      if (!plain_version(text)) throw std::invalid_argument("'" + text + "' is not a version");
      return {text, text};
    }
    range.low = trim(text.substr(0, colon));
    range.high = trim(text.substr(colon + 1));
    if ((!range.low.empty() && !plain_version(range.low)) || (!range.high.empty() && !plain_version(range.high)))
      throw std::invalid_argument("'" + text + "' is not a Spack version range");
    if (!admits_something(range)) throw std::invalid_argument("'" + text + "' admits no version");
    return range;
  }
  std::stringstream in(text);
  std::string clause;
  while (std::getline(in, clause, ',')) {
    clause = trim(clause);
    std::size_t op_end = 0;
    while (op_end < clause.size() && std::string("<>=!~").find(clause[op_end]) != std::string::npos) ++op_end;
    const std::string op = clause.substr(0, op_end);
    const std::string v = trim(clause.substr(op_end));
    if (!plain_version(v) || !std::isdigit(static_cast<unsigned char>(v[0])))
      throw std::invalid_argument("'" + clause + "': expected an operator and a version number");
    VersionRange c;
    if (op == ">=") c.low = v;
    else if (op == "<=") c.high = v;
    else if (op == "<") c.high = bound_below(v);
    else if (op == "==" || op == "=" || op.empty()) c.low = c.high = v;
    else if (op == "~=") {
      auto parts = dot_parts(v);
      if (parts.size() < 2) throw std::invalid_argument("'" + clause + "': ~= needs at least two version parts");
      parts.pop_back();
      c.low = v;
      c.high = join(parts);
    } else if (op == ">") {
      throw std::invalid_argument("'" + clause + "': Spack ranges are inclusive; write the lowest version allowed with '>='");
    } else {
      throw std::invalid_argument("'" + clause + "': unsupported operator '" + op + "' (use >=, <, <=, == or ~=)");
    }
    auto merged = intersect(range, c);
    if (!merged) throw std::invalid_argument("'" + text + "' admits no version");
    range = *merged;
  }
  return range;
}

std::optional<VersionRange> intersect(const VersionRange& a, const VersionRange& b) {
  VersionRange r{max_low(a.low, b.low), min_high(a.high, b.high)};
  if (!admits_something(r)) return std::nullopt;
  return r;
}

}  // namespace spackext::package
