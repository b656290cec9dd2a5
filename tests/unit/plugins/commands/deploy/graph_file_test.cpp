// Build-graph files (`deploy plan --graph`) that are wrong: each is an
// InputError naming the file and the node, never a JSON library exception.
#include "graph_file.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "spackext/errors.hpp"
#include "spackext_testing/testing.hpp"

namespace {

namespace sd = spackext::deploy;
namespace st = spackext::testing;

std::string refusal(const std::string& text) {
  st::TempDir dir;
  const auto file = dir / "graph.json";
  st::write_file(file, text);
  try {
    sd::load_graph_file(file);
  } catch (const spackext::InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted: " << text;
  return "";
}

TEST(GraphFile, ReadsNodesTiersAndEdges) {
  st::TempDir dir;
  st::write_file(dir / "g.json", R"({"nodes": [{"name": "a", "duration_min": 2},
    {"name": "b", "tier": 3, "duration_min": 1.5, "deps": ["a"]}]})");
  auto g = sd::load_graph_file(dir / "g.json");
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g.node(1).tier, 3);
  EXPECT_DOUBLE_EQ(g.total_work(), 3.5);
  EXPECT_EQ(g.node(1).deps, std::vector<sd::NodeId>{0});
}

TEST(GraphFile, WrongTypesAndShapesAreInputErrors) {
  EXPECT_NE(refusal(R"({"nodes": [{"name": "a", "tier": "x", "duration_min": 1}]})").find("nodes[0]"), std::string::npos);
  EXPECT_NE(refusal(R"({"nodes": [{"name": "a", "tier": -1, "duration_min": 1}]})").find("'tier'"), std::string::npos);
  EXPECT_NE(refusal(R"({"nodes": [{"name": "a", "tier": 1e300, "duration_min": 1}]})").find("'tier'"), std::string::npos);
  EXPECT_NE(refusal(R"({"nodes": [{"name": "a", "duration_min": "1"}]})").find("duration_min"), std::string::npos);
  EXPECT_NE(refusal(R"({"nodes": [{"name": 1, "duration_min": 1}]})").find("'name'"), std::string::npos);
  EXPECT_NE(refusal(R"({"nodes": [{"name": "a", "duration_min": 1, "deps": [7]}]})").find("unknown dependency"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"nodes": {"a": 1}})").find("'nodes' list"), std::string::npos);
  EXPECT_NE(refusal("{\"nodes\": [\n  {\"name\": \"a\",}\n]}").find("graph.json:2"), std::string::npos);
  EXPECT_NE(refusal(R"({"nodes": [{"name": "a", "duration_min": 1e9999}]})").find("out of range"), std::string::npos);
}

}  // namespace
