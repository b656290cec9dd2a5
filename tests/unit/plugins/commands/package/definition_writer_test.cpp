// package create's text validates as written; --deps splitting.
#include <gtest/gtest.h>

#include "definition_writer.hpp"
#include "package_definition.hpp"

namespace {

using namespace spackext::package;

TEST(DefinitionWriter, SplitsDependencyLists) {
  EXPECT_EQ(split_dependency_list("python,numpy,scipy"), (std::vector<std::string>{"python", "numpy", "scipy"}));
  EXPECT_EQ(split_dependency_list("hdf5@1.10,1.12:,zlib"), (std::vector<std::string>{"hdf5@1.10,1.12:", "zlib"}));
  EXPECT_EQ(split_dependency_list(" a , b+x "), (std::vector<std::string>{"a", "b+x"}));
  EXPECT_TRUE(split_dependency_list("").empty());
}

TEST(DefinitionWriter, WrittenDefinitionValidates) {
  NewDefinition d{"my-neuroscience-tool", "neuroscience", "2.10", "", {"python@3.11:", "numpy", "scipy"}};
  auto text = definition_yaml(d);
  auto r = load_definition_text(text, "my-neuroscience-tool.yaml");
  ASSERT_TRUE(r.ok()) << r.issues[0].to_string() << "\n" << text;
  EXPECT_EQ(r.definitions[0].version, "2.10");
  EXPECT_EQ(r.definitions[0].dependencies.size(), 3u);
  EXPECT_EQ(r.definitions[0].dependencies[0].text, "python@3.11:");
}

}  // namespace
