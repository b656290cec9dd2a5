// Planning an incremental index update of one layout (v2 or v3): which
// spec metadata must be read and which specs are copied from the current
// index. A spec metadata key names its spec's DAG hash, so a listing and the
// current index tell what is new (a hash the index has no root for), gone (a
// root whose metadata is no longer listed) and rewritten (metadata modified
// after the index was published, less a margin); only those are read.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_set>
#include <string>
#include <vector>

#include <spackext/services/mirror.hpp>

#include "buildcache/catalog.hpp"
#include "buildcache/stored_index.hpp"

namespace spackext::buildcache {

// Metadata modified later than (index published - margin) counts as
// rewritten and is read again. The margin covers the time between the
// previous update's listing and its publishing (metadata replaced in that
// window is older than the index, yet the index was built from the earlier
// bytes) and clock differences between the machines that set the times.
inline constexpr std::chrono::minutes kRewriteMargin{15};

struct IncrementalPlan {
  Layout layout = Layout::v3;
  std::shared_ptr<const StoredIndex> current;  // the index the update starts from
  std::string current_sha256;                   // of its bytes, checked against its manifest / .hash
  std::unordered_set<std::string> unread;       // metadata keys whose specs are copied from `current`
  std::vector<std::string> reused;              // the root hashes copied
  std::size_t added = 0;    // metadata read: a hash the index has no root for
  std::size_t changed = 0;  // metadata read: a root's, rewritten since the index (or not checkable)
  std::size_t removed = 0;  // roots whose metadata is no longer listed
};

struct PlanOutcome {
  std::optional<IncrementalPlan> plan;
  std::string full_reason;  // why the layout needs a full rebuild, when plan is empty
};

// The index stored for a layout, checked, as an incremental update starts
// from it: or, in `problem`, why it cannot be the starting point.
struct CurrentIndex {
  std::shared_ptr<const StoredIndex> index;
  std::string sha256;  // of its bytes, checked against its manifest / .hash
  std::chrono::system_clock::time_point published;
  std::string where;
  std::string problem;
};

// Reads `layout`'s index (looking its objects up one by one, so this can run
// while the metadata is listed). A problem when there is no index, it cannot
// be read, does not hash to what its manifest or .hash file says, or is not
// in the exact form a rebuild writes.
CurrentIndex load_current_index(MirrorStore& store, Layout layout);

// Plans `layout`'s update from `current` and the store's `listing`; keys in
// `exclude` count as already deleted. No plan (and the reason) when `current`
// has a problem.
PlanOutcome plan_incremental(const CurrentIndex& current, const std::map<std::string, ObjectInfo>& listing,
                             Layout layout, const std::set<std::string>& exclude);

}  // namespace spackext::buildcache
