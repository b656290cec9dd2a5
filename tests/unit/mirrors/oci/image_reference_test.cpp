#include <gtest/gtest.h>

#include <spackext/errors.hpp>

#include "image_reference.hpp"

namespace spackext::mirrors::oci {
namespace {

TEST(OciMirrorUrl, RegistryWithPortAndNestedRepository) {
  auto l = parse_mirror_url("oci+http://127.0.0.1:5000/peer/buildcache");
  EXPECT_EQ(l.registry, "127.0.0.1:5000");
  EXPECT_EQ(l.repository, "peer/buildcache");
  EXPECT_FALSE(l.tls);
  EXPECT_EQ(l.api("tags/list"), "http://127.0.0.1:5000/v2/peer/buildcache/tags/list");
}

TEST(OciMirrorUrl, OciIsHttps) {
  auto l = parse_mirror_url("oci://ghcr.io/spack/buildcache/");
  EXPECT_TRUE(l.tls);
  EXPECT_EQ(l.base_url, "https://ghcr.io");
  EXPECT_EQ(l.repository, "spack/buildcache");
  EXPECT_EQ(parse_mirror_url("oci://localhost/cache").registry, "localhost");
}

TEST(OciMirrorUrl, NamesWithoutARegistryAreDockerHubAsInSpack) {
  auto l = parse_mirror_url("oci://myorg/cache");
  EXPECT_EQ(l.registry, "index.docker.io");
  EXPECT_EQ(l.repository, "myorg/cache");
  auto single = parse_mirror_url("oci://cache");
  EXPECT_EQ(single.registry, "index.docker.io");
  EXPECT_EQ(single.repository, "library/cache");
}

TEST(OciMirrorUrl, RefusesWhatIsNotARepository) {
  EXPECT_THROW(parse_mirror_url("https://ghcr.io/a/b"), InputError);
  EXPECT_THROW(parse_mirror_url("oci://ghcr.io/a/b:tag"), InputError);
  EXPECT_THROW(parse_mirror_url("oci://ghcr.io/a/b@sha256:00"), InputError);
  EXPECT_THROW(parse_mirror_url("oci://ghcr.io/Upper/case"), InputError);
  EXPECT_THROW(parse_mirror_url("oci://"), InputError);
  EXPECT_THROW(parse_mirror_url("oci+http://127.0.0.1:5000/"), InputError);  // a registry, no repository
}

}  // namespace
}  // namespace spackext::mirrors::oci
