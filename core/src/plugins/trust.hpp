// Trust checks made before a plugin file is read or loaded: loading a plugin
// runs its code with the user's rights, so a file (or any folder above it)
// that someone else could have replaced is refused.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace spackext::core {

struct TrustVerdict {
  bool trusted = true;
  std::string reason;
};

// The file and every folder above it must be owned by root or the current
// user and not be writable by group or others. A root-owned sticky folder
// (like /tmp) is accepted: others cannot replace what is inside it.
// `allow_insecure` (explicit opt-in) turns every refusal into a pass.
// `folder_verdicts` remembers the verdict of each folder chain within one
// scan, so a hundred plugins in one folder do not re-check its parents.
TrustVerdict check_trust(const std::filesystem::path& file, bool allow_insecure,
                         std::map<std::string, TrustVerdict>* folder_verdicts = nullptr);

}  // namespace spackext::core
