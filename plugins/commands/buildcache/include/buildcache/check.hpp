// `buildcache check`: which concrete specs (of a lockfile, an install
// database, or named by hash) the mirrors hold, signed or only unsigned, and
// which they lack — what a deployment needs to know before `--cache-only`.
//
// Per mirror the fast path reads its index (the one Spack reads first: v3,
// then v2, then OCI) and confirms each wanted entry it lists by its metadata
// object, which also tells whether it is signed (a clearsigned v3 manifest or
// a v2 `.spec.json.sig`; OCI has no signatures). Without a readable index, or
// with --scan, every spec's metadata is read instead (scan_mirror).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <spackext/services/mirror.hpp>
#include <spackext/spack/spec_set.hpp>

#include "buildcache/catalog.hpp"

namespace spackext::buildcache {

// The buildcache model of a node read by the SDK's lockfile/database readers,
// so spec queries (query.hpp) match it like a mirror's entries.
SpecNode to_spec_node(const spack::ConcreteSpec& spec);

// Positional SPEC words grouped into one query per spec, the way Spack reads
// a command line: a word that starts with a name or a `/hash` begins a new
// spec; `@ver`, `%compiler`, `key=value` words belong to the one before.
std::vector<std::string> group_spec_words(const std::vector<std::string>& words);

// A spec to look for. Without a lockfile or database a SPEC is only a hash
// (or a prefix of one): name and version then come from the mirror that
// holds it.
struct WantedSpec {
  std::string hash;  // full DAG hash, or a prefix when `exact` is false
  std::string name;
  std::string version;
  bool exact = true;
};

struct Selection {
  std::vector<WantedSpec> specs;       // sorted by name, version, hash
  std::vector<SpecNode> externals;     // selected but never in a buildcache
};

// Every concrete node of `source` (roots and dependencies) when `queries` is
// empty; otherwise the nodes each query matches (only those, not their
// dependencies). Externals are set aside; database records that are not
// installed are left out. A query that matches no node is an
// InputError naming it and `where` (the lockfile or database).
Selection select_specs(const spack::SpecSet& source, const std::vector<std::string>& queries,
                       const std::string& where);

// SPEC words without a lockfile or database: each must be `/hash` (a prefix
// of at least 7 characters) or a whole 32-character hash; UsageError otherwise.
std::vector<WantedSpec> hash_specs(const std::vector<std::string>& words);

// One mirror holding one spec.
struct Holding {
  std::string mirror;  // configured name, or the URL given
  Layout layout = Layout::v3;
  bool signed_ = false;
  std::string metadata_key;
};

enum class CheckStatus { present, unsigned_only, missing };
std::string to_string(CheckStatus s);
// present: at least one mirror holds it signed; unsigned-only: held, but
// never signed; missing: no mirror holds it.
CheckStatus status_of(const std::vector<Holding>& holdings);

// What one mirror holds of the wanted specs.
struct MirrorFindings {
  bool from_index = false;
  std::string index_key;  // the index read (fast path); empty after a scan
  std::vector<Layout> layouts;  // the layouts looked at
  // By full hash; a hash the mirror does not hold has no entry.
  std::map<std::string, std::vector<Holding>> held;
  std::map<std::string, SpecNode> nodes;  // how the mirror describes what it holds
  // Entries the index lists whose metadata is gone (the index is stale).
  std::vector<std::string> stale;
};

struct CheckOptions {
  bool scan = false;  // read every spec's metadata instead of the index
  unsigned jobs = 8;  // parallel metadata reads
  std::function<void(const std::string&)> warn;
};

// Looks `wanted` up on `store`, named `mirror` in holdings. Prefixes (not
// exact) resolve against what the mirror lists; an ambiguous prefix is an
// InputError naming the hashes it matches.
MirrorFindings find_on_mirror(MirrorStore& store, const std::string& mirror, const std::vector<WantedSpec>& wanted,
                              const CheckOptions& options = {});

struct CheckedSpec {
  WantedSpec spec;  // name/version filled from a mirror for hashes given alone
  std::vector<Holding> holdings;
  CheckStatus status() const { return status_of(holdings); }
};

// Merges the findings of every mirror into one row per wanted spec, in the
// order of `wanted`. A prefix held on no mirror stays a row of its own.
std::vector<CheckedSpec> merge_findings(const std::vector<WantedSpec>& wanted,
                                        const std::vector<MirrorFindings>& findings);

}  // namespace spackext::buildcache
