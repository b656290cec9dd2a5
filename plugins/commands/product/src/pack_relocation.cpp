#include "pack_relocation.hpp"

#include <algorithm>
#include <sstream>

#include <spackext/errors.hpp>

#include "elf_rpath.hpp"
#include "prefix_strings.hpp"

namespace spackext::product {

namespace fs = std::filesystem;

namespace {

bool under(const std::string& path, const std::string& prefix) {
  return path == prefix || (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
                            path[prefix.size()] == '/');
}

class Relocator {
 public:
  Relocator(const fs::path& software, const std::vector<StagedSpec>& staged, const std::vector<std::string>& left_out)
      : software_(software), staged_(staged), left_out_(left_out) {
    for (const auto& s : staged_) {
      text_.emplace_back(s.old_prefix, std::string(kTextPlaceholder) + "/" + s.dir);
      old_prefixes_.push_back(s.old_prefix);
    }
  }

  PackRelocation run() {
    for (const auto& s : staged_) {
      const fs::path root = software_ / s.dir;
      for (const auto& rel : s.info.relocate_binaries) binary(root / rel);
      for (const auto& rel : s.info.relocate_textfiles) text(s, rel);
      for (const auto& rel : s.info.relocate_links) link(root / rel);
    }
    return std::move(out_);
  }

 private:
  // The staged place of an absolute old path, if a packed spec holds it.
  std::optional<fs::path> staged_path(const std::string& old) const {
    for (const auto& s : staged_)
      if (under(old, s.old_prefix)) return software_ / s.dir / old.substr(std::min(old.size(), s.old_prefix.size() + 1));
    return std::nullopt;
  }

  bool in_old_tree(const std::string& entry) const {
    for (const auto& s : staged_)
      if (!s.info.buildpath.empty() && under(entry, s.info.buildpath)) return true;
    return std::any_of(left_out_.begin(), left_out_.end(), [&](const auto& p) { return under(entry, p); });
  }

  void binary(const fs::path& file) {
    const auto rel_file = fs::relative(file, software_).string();
    if (!fs::is_regular_file(fs::symlink_status(file))) return;  // buildinfo lists it; the tarball does not hold it as a file
    auto sp = read_search_path(file);
    if (sp.present) {
      std::vector<std::string> entries;
      std::stringstream parts(sp.value);
      for (std::string e; std::getline(parts, e, ':');) {
        std::string next = e;
        if (auto target = staged_path(e)) {
          auto r = target->lexically_relative(file.parent_path()).string();
          next = "$ORIGIN" + (r.empty() || r == "." ? std::string() : "/" + r);
        } else if (!e.empty() && e.front() == '/' && in_old_tree(e)) {
          out_.dropped_search_paths.push_back(rel_file + ": " + e);
          continue;
        }
        if (!next.empty() && std::find(entries.begin(), entries.end(), next) == entries.end()) entries.push_back(next);
      }
      std::string value;
      for (const auto& e : entries) value += (value.empty() ? "" : ":") + e;
      if (value != sp.value) write_search_path(file, value, sp.runpath);
    }
    for (const auto& o : placeholder_binary_prefixes(file, old_prefixes_)) {
      const auto owner = std::find_if(staged_.begin(), staged_.end(), [&](const auto& t) { return t.old_prefix == o.prefix; });
      out_.binary_strings.push_back({rel_file, o.offset, o.length, owner->dir});
    }
  }

  void text(const StagedSpec& s, const std::string& rel) {
    const fs::path file = software_ / s.dir / rel;
    if (!fs::is_regular_file(fs::symlink_status(file))) return;
    if (replace_in_text_file(file, text_)) out_.text_files.push_back(s.dir + "/" + rel);
  }

  void link(const fs::path& link) {
    if (!fs::is_symlink(fs::symlink_status(link))) return;
    const std::string target = fs::read_symlink(link).string();
    auto staged = staged_path(target);
    if (!staged) return;  // checked with every other link before packing
    fs::remove(link);
    fs::create_symlink(staged->lexically_relative(link.parent_path()), link);
  }

  const fs::path& software_;
  const std::vector<StagedSpec>& staged_;
  const std::vector<std::string>& left_out_;
  std::vector<std::pair<std::string, std::string>> text_;
  std::vector<std::string> old_prefixes_;
  PackRelocation out_;
};

}  // namespace

PackRelocation relocate_for_pack(const fs::path& software, const std::vector<StagedSpec>& staged,
                                 const std::vector<std::string>& left_out_prefixes) {
  auto out = Relocator(software, staged, left_out_prefixes).run();
  // Links the product cannot carry: absolute, or leading out of it.
  for (auto it = fs::recursive_directory_iterator(software); it != fs::recursive_directory_iterator(); ++it) {
    if (!it->is_symlink()) continue;
    const auto target = fs::read_symlink(it->path());
    const auto rel = fs::relative(it->path(), software).string();
    const auto resolved = (fs::path(rel).parent_path() / target).lexically_normal().string();
    if (target.is_absolute() || resolved == ".." || resolved.rfind("../", 0) == 0)
      throw InputError(rel, "symbolic link to '" + target.string() +
                                "' points outside the product; a relocatable bundle cannot carry it");
  }
  return out;
}

}  // namespace spackext::product
