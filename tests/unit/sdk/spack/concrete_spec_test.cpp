#include <gtest/gtest.h>

#include <spackext/errors.hpp>
#include <spackext/spack/concrete_spec.hpp>

namespace {

using spackext::spack::parse_spec_node;

// Specfile v1 (YAML era, converted to JSON) keyed dependencies by name.
TEST(ConcreteSpec, ReadsDependencyMapOfOldSpecfiles) {
  auto node = nlohmann::json::parse(R"({"name": "a", "version": "1", "hash": "h1",
    "dependencies": {"zz": {"hash": "h3", "type": ["link"]}, "b": {"hash": "h2", "type": ["build", "link"]}}})");
  auto spec = parse_spec_node(node, "test");
  ASSERT_EQ(spec.dependencies.size(), 2u);
  EXPECT_EQ(spec.dependencies[0].name, "b");  // sorted by name, as Spack writes edges
  EXPECT_TRUE(spec.dependencies[0].has_type("build"));
  EXPECT_EQ(spec.dependencies[1].hash, "h3");
}

TEST(ConcreteSpec, MissingFieldsNameTheNode) {
  try {
    parse_spec_node(nlohmann::json::parse(R"({"name": "zlib", "hash": "h"})"), "f.json: key");
    ADD_FAILURE();
  } catch (const spackext::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("f.json: key (zlib): spec node has no 'version'"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(parse_spec_node(nlohmann::json::array(), "x"), spackext::InputError);
}

// Optional fields of the wrong type read as absent (as the buildcache's own
// reader treats them), never a JSON type error escaping to the command.
TEST(ConcreteSpec, OptionalFieldsOfTheWrongTypeReadAsAbsent) {
  auto spec = parse_spec_node(nlohmann::json::parse(R"({"name": "a", "version": "1", "hash": "h",
    "namespace": 3, "arch": {"platform": [], "platform_os": {}, "target": {"name": 5}},
    "compiler": {"name": 1, "version": true}})"), "test");
  EXPECT_EQ(spec.namespace_name, "");
  EXPECT_EQ(spec.arch.platform, "");
  EXPECT_EQ(spec.arch.os, "");
  EXPECT_EQ(spec.arch.target, "");
  ASSERT_TRUE(spec.compiler.has_value());
  EXPECT_EQ(spec.compiler->name, "");
  EXPECT_EQ(spec.format(), "a@1");
}

}  // namespace
