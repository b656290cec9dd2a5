// The tag list of an OCI store (`tags/list`). A registry derives it from the
// manifests it holds (a put of it is ignored); a registry dump on disk keeps
// it as a file that must name every tag. Either way it is compared as a set
// of tags, never byte for byte: the registry's own listing differs in order
// and spacing from any copy of it.
#pragma once

#include <set>
#include <string>

#include <spackext/services/mirror.hpp>

namespace spackext::buildcache {

inline constexpr const char* kOciTagList = "tags/list";

struct OciTagList {
  std::string name;  // the repository, as the list names it
  std::set<std::string> tags;
};

// The store's tag list; empty if it has none.
OciTagList read_oci_tags(MirrorStore& store);

// Makes the store's tag list name every tag of `tags` (keeping the tags it
// already has), then checks it does. `repository` fills the "name" field of a
// new list. Error naming the store and the missing tags if it still lacks some.
void ensure_oci_tags(MirrorStore& store, const std::set<std::string>& tags, const std::string& repository = {});

// Makes the store's tag list name none of `tags` (a dump on disk after their
// manifests were deleted; a registry's derived list already lacks them, so
// nothing is written there).
void drop_oci_tags(MirrorStore& store, const std::set<std::string>& tags);

}  // namespace spackext::buildcache
