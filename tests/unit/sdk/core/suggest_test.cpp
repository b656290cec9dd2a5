#include <gtest/gtest.h>

#include "spackext/suggest.hpp"

TEST(Suggest, EditDistanceIgnoresCase) {
  EXPECT_EQ(spackext::edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(spackext::edit_distance("HPC7A", "hpc7a"), 0u);
  EXPECT_EQ(spackext::edit_distance("", "abc"), 3u);
}

TEST(Suggest, ClosestNamesInOrderWithinTheLimit) {
  std::vector<std::string> known{"hpc7a.96xlarge", "hpc7g.16xlarge", "c7i.48xlarge"};
  EXPECT_EQ(spackext::closest_name("hpc7a.96xlarg", known), "hpc7a.96xlarge");
  EXPECT_EQ(spackext::closest_names("hpc7x.16xlarge", known, 2),
            (std::vector<std::string>{"hpc7g.16xlarge", "hpc7a.96xlarge"}));
  EXPECT_EQ(spackext::closest_name("zzz", known, 2), "");
  EXPECT_EQ(spackext::closest_name("x", {}), "");
}
