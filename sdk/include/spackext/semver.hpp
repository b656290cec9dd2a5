// Semantic versions (semver.org 2.0) and version ranges, used for plugin
// versions and for the version ranges in a plugin's `requires` list.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spackext {

struct SemVer {
  unsigned long major = 0;
  unsigned long minor = 0;
  unsigned long patch = 0;
  std::vector<std::string> prerelease;  // dot-separated identifiers
  std::string build;                    // ignored for ordering

  // Strict parse of MAJOR.MINOR.PATCH[-pre][+build]; nullopt if malformed.
  static std::optional<SemVer> parse(std::string_view text);
  std::string str() const;

  friend int compare(const SemVer& a, const SemVer& b);
  friend bool operator==(const SemVer& a, const SemVer& b) { return compare(a, b) == 0; }
  friend bool operator<(const SemVer& a, const SemVer& b) { return compare(a, b) < 0; }
  friend bool operator<=(const SemVer& a, const SemVer& b) { return compare(a, b) <= 0; }
  friend bool operator>(const SemVer& a, const SemVer& b) { return compare(a, b) > 0; }
  friend bool operator>=(const SemVer& a, const SemVer& b) { return compare(a, b) >= 0; }
};

// A range such as ">=1.2.0 <2.0.0", "^1.2", "~1.4.1", "1.x", "*" or
// alternatives joined with "||". Partial versions fill with zeros.
class VersionRange {
 public:
  // Throws std::invalid_argument naming the bad comparator.
  static VersionRange parse(std::string_view text);
  bool contains(const SemVer& v) const;
  const std::string& str() const { return text_; }

 private:
  struct Comparator {
    enum class Op { eq, lt, le, gt, ge } op;
    SemVer version;
  };
  std::string text_;
  std::vector<std::vector<Comparator>> alternatives_;  // OR of ANDs
};

}  // namespace spackext
