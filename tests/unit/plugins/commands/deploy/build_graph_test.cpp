#include <gtest/gtest.h>

#include "build_graph.hpp"
#include "spackext/errors.hpp"

namespace sd = spackext::deploy;

namespace {
// a(3) -> b(5) -> d(1); a -> c(1) -> d; e(4) alone.
sd::BuildGraph diamond() {
  sd::BuildGraph g;
  for (auto [name, d] : std::vector<std::pair<std::string, double>>{{"a", 3}, {"b", 5}, {"c", 1}, {"d", 1}, {"e", 4}}) {
    sd::BuildNode n;
    n.name = name;
    n.duration = d;
    g.add_node(n);
  }
  g.add_edge(0, 1);
  g.add_edge(0, 2);
  g.add_edge(1, 3);
  g.add_edge(2, 3);
  g.add_edge(2, 3);  // duplicate: ignored
  return g;
}
}  // namespace

TEST(BuildGraph, TopologicalOrderPutsDependenciesFirst) {
  auto g = diamond();
  EXPECT_EQ(g.edge_count(), 4u);
  auto order = g.topological_order();
  ASSERT_EQ(order.size(), 5u);
  std::vector<int> pos(5);
  for (int i = 0; i < 5; ++i) pos[order[i]] = i;
  EXPECT_LT(pos[0], pos[1]);
  EXPECT_LT(pos[0], pos[2]);
  EXPECT_LT(pos[1], pos[3]);
  EXPECT_LT(pos[2], pos[3]);
}

TEST(BuildGraph, BottomLevelsAndCriticalPath) {
  auto g = diamond();
  auto level = g.bottom_levels();
  EXPECT_DOUBLE_EQ(level[0], 9.0);  // a + b + d
  EXPECT_DOUBLE_EQ(level[1], 6.0);
  EXPECT_DOUBLE_EQ(level[2], 2.0);
  EXPECT_DOUBLE_EQ(level[3], 1.0);
  EXPECT_DOUBLE_EQ(level[4], 4.0);
  double len = 0;
  auto path = g.critical_path(&len);
  EXPECT_DOUBLE_EQ(len, 9.0);
  EXPECT_EQ(path, (std::vector<sd::NodeId>{0, 1, 3}));
  EXPECT_DOUBLE_EQ(g.total_work(), 14.0);
  auto tiers = g.tiers();
  EXPECT_EQ(tiers, (std::vector<int>{1, 2, 2, 3, 1}));
}

TEST(BuildGraph, CycleIsNamed) {
  auto g = diamond();
  g.add_edge(3, 0);  // d -> a closes a -> b -> d -> a
  try {
    g.topological_order();
    FAIL();
  } catch (const spackext::InputError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("dependency cycle: "), std::string::npos) << msg;
    EXPECT_NE(msg.find(" -> a"), std::string::npos) << msg;
  }
  sd::BuildNode again;
  again.name = "a";
  EXPECT_THROW(g.add_node(again), spackext::InputError);
}
