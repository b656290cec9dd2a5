// The content hash of a container's inputs: its architecture, the
// definition file and every file its `files` entries copy (names and bytes,
// folders walked in sorted order). Equal hashes mean the same recipe inputs,
// so CI rebuilds only containers whose hash changed.
#pragma once

#include <string>

#include "definition.hpp"

namespace spackext::container {

// sha256, lower-case hex.
std::string content_hash(const ContainerDefinition& def);

}  // namespace spackext::container
