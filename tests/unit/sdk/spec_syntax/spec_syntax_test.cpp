// Spack's spec grammar: the forms Spack 1.x accepts (its spec_parser.py
// grammar and the spec strings of Spack's own docs and lockfiles), written
// back canonically, and malformed strings rejected at the right column.
#include <gtest/gtest.h>

#include "spackext/spack/spec_syntax.hpp"

namespace {

using spackext::spack::compare_versions;
using spackext::spack::parse_spec;
using spackext::spack::parse_specs;
using spackext::spack::SpecSyntaxError;
using spackext::spack::version_within;

int error_column(const std::string& text) {
  try {
    parse_spec(text);
  } catch (const SpecSyntaxError& e) {
    EXPECT_EQ(e.exit_code(), 2);
    return e.column();
  }
  ADD_FAILURE() << "no error for '" << text << "'";
  return 0;
}

TEST(SpecSyntax, NameVersionVariantsFlagsAndTarget) {
  auto s = parse_spec("hdf5@1.14: +mpi ~fortran cflags=\"-O3 -g\" target=zen4");
  EXPECT_EQ(s.name, "hdf5");
  ASSERT_EQ(s.versions.size(), 1u);
  EXPECT_TRUE(s.versions[0].range);
  EXPECT_EQ(s.versions[0].low, "1.14");
  EXPECT_EQ(s.versions[0].high, "");
  ASSERT_EQ(s.variants.size(), 4u);
  EXPECT_EQ(s.variant("mpi")->value, "true");
  EXPECT_EQ(s.variant("fortran")->value, "false");
  EXPECT_EQ(s.variant("cflags")->value, "-O3 -g");
  EXPECT_TRUE(s.variant("cflags")->is_flag());
  EXPECT_TRUE(s.variant("target")->is_arch());
  EXPECT_EQ(s.to_string(), "hdf5@1.14:+mpi~fortran cflags='-O3 -g' target=zen4");
}

TEST(SpecSyntax, VersionListsAndRanges) {
  auto s = parse_spec("mvapich@1.0,1.2:1.4, 1.6:");
  ASSERT_EQ(s.versions.size(), 3u);
  EXPECT_FALSE(s.versions[0].range);
  EXPECT_EQ(s.versions[1].high, "1.4");
  EXPECT_EQ(s.versions_string(), "1.0,1.2:1.4,1.6:");
  EXPECT_EQ(parse_spec("python@:3.12").versions[0].low, "");
  EXPECT_EQ(parse_spec("gcc@=12.2.0").versions_string(), "=12.2.0");
  EXPECT_EQ(parse_spec("zlib@git.v1.2.13=1.2.13").versions_string(), "git.v1.2.13=1.2.13");
  // A range end followed by `=` is a key, not a version: `@1.0:target=x` is not valid Spack,
  // but `@1.0: target=x` is a range and a key=value.
  auto t = parse_spec("foo@1.0: target=zen4");
  EXPECT_EQ(t.versions_string(), "1.0:");
  EXPECT_EQ(t.variant("target")->value, "zen4");
}

TEST(SpecSyntax, DependenciesCompilersAndVirtuals) {
  auto s = parse_spec("mpileaks ^openmpi@4.1 +cuda %gcc@12 ^builtin.zlib %c,cxx=clang");
  EXPECT_EQ(s.name, "mpileaks");
  ASSERT_EQ(s.dependencies.size(), 2u);
  const auto& ompi = s.dependencies[0];
  EXPECT_FALSE(ompi.direct);
  EXPECT_EQ(ompi.target().name, "openmpi");
  ASSERT_EQ(ompi.target().dependencies.size(), 1u);  // %gcc binds to the ^ dependency before it
  EXPECT_TRUE(ompi.target().dependencies[0].direct);
  EXPECT_EQ(ompi.target().dependencies[0].target().versions_string(), "12");
  const auto& zlib = s.dependencies[1];
  EXPECT_EQ(zlib.target().namespace_, "builtin");
  ASSERT_EQ(zlib.target().dependencies.size(), 1u);
  EXPECT_EQ(zlib.target().dependencies[0].virtuals, (std::vector<std::string>{"c", "cxx"}));
  EXPECT_EQ(zlib.target().dependencies[0].target().name, "clang");

  auto e = parse_spec("hdf5 ^[virtuals=mpi deptypes=build,link] mpich");
  EXPECT_EQ(e.dependencies[0].virtuals, std::vector<std::string>{"mpi"});
  EXPECT_EQ(e.dependencies[0].deptypes, (std::vector<std::string>{"build", "link"}));
  EXPECT_EQ(e.to_string(), "hdf5 ^[deptypes=build,link virtuals=mpi] mpich");
}

TEST(SpecSyntax, AnonymousPropagatedAndConcreteForms) {
  auto v = parse_spec("+optimization +avx512");
  EXPECT_TRUE(v.name.empty());
  EXPECT_EQ(v.to_string(), "+optimization+avx512");
  auto p = parse_spec("gcc@12.2.0 languages:='c,c++,fortran' ++shared ~~debug build_type==Release");
  EXPECT_TRUE(p.variant("languages")->concrete);
  EXPECT_EQ(p.variant("languages")->value, "c,c++,fortran");
  EXPECT_TRUE(p.variant("shared")->propagate);
  EXPECT_TRUE(p.variant("build_type")->propagate);
  EXPECT_EQ(parse_spec("/5hn2gvd").hash, "5hn2gvd");
  EXPECT_EQ(parse_spec("foo -bar").variant("bar")->value, "false");
}

TEST(SpecSyntax, SeveralSpecs) {
  auto specs = parse_specs("a@1 b +x ^c");
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[1].name, "b");
  EXPECT_EQ(specs[1].dependencies.size(), 1u);
  EXPECT_TRUE(parse_specs("   ").empty());
  EXPECT_EQ(error_column("a@1 b"), 5);
}

TEST(SpecSyntax, ErrorsPointAtTheColumn) {
  EXPECT_EQ(error_column("hdf5@"), 5);
  EXPECT_EQ(error_column("hdf5 +"), 6);
  EXPECT_EQ(error_column("hdf5 $mpi"), 6);
  EXPECT_EQ(error_column("hdf5 cflags="), 6);
  EXPECT_EQ(error_column("hdf5@1.2 @1.4"), 10);
  EXPECT_EQ(error_column("hdf5 +mpi ~mpi"), 11);
  EXPECT_EQ(error_column("hdf5 ^"), 6);
  EXPECT_EQ(error_column("hdf5 ^[virtuals=mpi"), 20);
  EXPECT_EQ(error_column("hdf5 ^[colour=red] mpich"), 8);
  EXPECT_EQ(error_column("hdf5 cflags='-O3"), 13);
  EXPECT_EQ(error_column(""), 1);
  try {
    parse_spec("hdf5 $mpi");
  } catch (const SpecSyntaxError& e) {
    EXPECT_EQ(std::string(e.what()), "invalid spec 'hdf5 $mpi' at column 6: unexpected character '$'");
  }
}

TEST(SpecSyntax, VersionOrder) {
  EXPECT_LT(compare_versions("3.9", "3.13"), 0);
  EXPECT_LT(compare_versions("1.2", "1.2.1"), 0);
  EXPECT_EQ(compare_versions("1.02", "1.2"), 0);
  EXPECT_GT(compare_versions("develop", "99.0"), 0);
  EXPECT_GT(compare_versions("1.0.1", "1.0a"), 0);
  EXPECT_TRUE(version_within("3.12.4", "3.12"));
  EXPECT_FALSE(version_within("3.1", "3.12"));
  EXPECT_FALSE(version_within("3.13", "3.12"));
}

}  // namespace
