// Name and version of a container's first spec, with specs as spacktainers'
// users write them.
#include <gtest/gtest.h>

#include "first_spec.hpp"

namespace {

using spackext::container::parse_spec_head;
using spackext::container::required_version;

TEST(FirstSpec, NameAndExactVersion) {
  auto h = parse_spec_head("neurodamus-models+coreneuron+caliper model=hippocampus");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->name, "neurodamus-models");
  EXPECT_EQ(h->version, "");
  EXPECT_EQ(parse_spec_head("py-bluepyopt@1.14.4 ^python@3.11")->version, "1.14.4");
  EXPECT_EQ(parse_spec_head("hdf5@=1.14.3+mpi")->version, "1.14.3");
  EXPECT_EQ(parse_spec_head("builtin.zlib@1.3")->name, "zlib");
  // A range or a list names no single version; a dependency's version is not the root's.
  EXPECT_EQ(parse_spec_head("hdf5@1.14:")->version, "");
  EXPECT_EQ(parse_spec_head("hdf5@1.12,1.14")->version, "");
  EXPECT_EQ(parse_spec_head("zlib %gcc@12")->version, "");
  EXPECT_FALSE(parse_spec_head("+mpi"));
  EXPECT_FALSE(parse_spec_head(""));
}

TEST(FirstSpec, VersionPinnedInPackagesRequire) {
  // container_definitions/amd64/system-benchmarks.yaml pins its first spec this way.
  auto packages = YAML::Load("osu-micro-benchmarks:\n  require: \"@6.2\"\nior:\n  require: [\"@3.3\", \"+hdf5\"]\n");
  EXPECT_EQ(required_version(packages, "osu-micro-benchmarks"), "6.2");
  EXPECT_EQ(required_version(packages, "ior"), "3.3");
  EXPECT_EQ(required_version(packages, "zlib"), "");
  EXPECT_EQ(required_version(YAML::Node(), "zlib"), "");
}

}  // namespace
