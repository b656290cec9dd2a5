#include <gtest/gtest.h>

#include <spackext/errors.hpp>

#include "build_profiles.hpp"
#include "compiler_spec.hpp"

namespace {

using namespace spackext::optimize;

TEST(BuildProfiles, DefaultsParseAndRenderSpecs) {
  const auto& p = default_profiles();
  ASSERT_TRUE(p.count("fftw"));
  EXPECT_EQ(p.at("fftw").spec(), "cflags=\"-O3\" +openmp");
  EXPECT_EQ(p.at("openblas").spec(), "threads=openmp");
}

TEST(BuildProfiles, ErrorsNameFileLineAndKey) {
  try {
    parse_profiles("profiles:\n  fftw:\n    cflag: -O3\n", "p.yaml");
    FAIL();
  } catch (const spackext::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("p.yaml:3"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("unknown key 'cflag'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_profiles("profiles: [a, b]\n", "p.yaml"), spackext::InputError);
  EXPECT_THROW(parse_profiles("profiles:\n  fftw: {cflags: [a]}\n", "p.yaml"), spackext::InputError);
  EXPECT_THROW(parse_profiles("profiles: {fftw: {cflags: '\"x'}}\n", "p.yaml"), spackext::InputError);
  EXPECT_THROW(parse_profiles("profiles: {a: [\n", "p.yaml"), spackext::InputError);
  EXPECT_THROW(load_profiles("/nonexistent/profiles.yaml"), spackext::InputError);
}

TEST(CompilerSpec, NameAtVersion) {
  auto c = parse_compiler_spec("gcc@13.2.0");
  EXPECT_EQ(c.name, "gcc");
  EXPECT_EQ(c.version, "13.2.0");
  for (const char* bad : {"gcc", "@13", "gcc@", "gcc@13.x", "gcc@v13"})
    EXPECT_THROW(parse_compiler_spec(bad), spackext::InputError) << bad;
}

}  // namespace
