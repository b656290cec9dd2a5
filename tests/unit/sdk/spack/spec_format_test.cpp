// Spec formatting and install prefixes, checked against the names and paths
// Spack 1.1 wrote for the fixture specs (shared/fixtures/spack/modules: the
// tcl file names and the install prefixes inside the module files).
#include <gtest/gtest.h>

#include <spackext/errors.hpp>
#include <spackext/spack/install_layout.hpp>
#include <spackext/spack/lockfile.hpp>
#include <spackext/spack/spec_format.hpp>
#include <spackext_testing/testing.hpp>

namespace {

using namespace spackext::spack;

TEST(SpecFormat, TclProjectionsOfTheFixture) {
  SPACKEXT_REQUIRE_FIXTURE(lock, "fixtures/spack/env/spack.lock");
  auto set = read_lockfile(lock);
  const std::string projection = "{name}/{version}-{compiler.name}-{compiler.version}";
  EXPECT_EQ(format_spec(set.at("fe2xtrzeuj3aptrt5see46vcskdgwfht"), projection), "peerlib/1.0-gcc-12.2.0");
  EXPECT_EQ(format_spec(set.at("52khzykl54qj6thnn2sikydwkxf5oeh5"), projection), "peermpi/1.0-none-none");
  EXPECT_EQ(format_spec(set.at("5hn2gvdnbmne734ml6ionv2ba7cemxgl"), "{name}/{version}-{hash:4}"), "peerhello/1.0-5hn2");
  EXPECT_EQ(format_spec(set.at("5hn2gvdnbmne734ml6ionv2ba7cemxgl"), "{name}{@version}{/hash:7}"),
            "peerhello@1.0/5hn2gvd");
  SpecFormatOptions upper;
  upper.transform = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  };
  EXPECT_EQ(format_spec(set.at("uetbtlo5yobcgprdwflxunpfozgfoktw"), "{name}_ROOT", upper), "GCC-RUNTIME_ROOT");
  EXPECT_THROW(format_spec(set.at("uetbtlo5yobcgprdwflxunpfozgfoktw"), "{nope}"), spackext::InputError);
  EXPECT_THROW(format_spec(set.at("uetbtlo5yobcgprdwflxunpfozgfoktw"), "{name"), spackext::InputError);
}

TEST(InstallLayout, DefaultProjectionGivesSpacksPrefixes) {
  SPACKEXT_REQUIRE_FIXTURE(lock, "fixtures/spack/env/spack.lock");
  auto set = read_lockfile(lock);
  InstallLayout layout{"/opt/spack-peer/spack/opt/spack/", {}};
  // As in the fixture module files Spack wrote for these specs.
  EXPECT_EQ(layout.prefix_for(set.at("5hn2gvdnbmne734ml6ionv2ba7cemxgl")),
            "/opt/spack-peer/spack/opt/spack/linux-x86_64_v4/peerhello-1.0-5hn2gvdnbmne734ml6ionv2ba7cemxgl");
  EXPECT_EQ(layout.prefix_for(set.at("2piry453r4ujwneqffiwxpflvkz6bsro")), "/usr");  // external
  layout.projections["peerlib"] = "{name}/{version}/{hash:7}";
  EXPECT_EQ(layout.prefix_for(set.at("fe2xtrzeuj3aptrt5see46vcskdgwfht")),
            "/opt/spack-peer/spack/opt/spack/peerlib/1.0/fe2xtrz");
}

}  // namespace
