#include <gtest/gtest.h>

#include <spackext/errors.hpp>

#include "pagination.hpp"

namespace spackext::mirrors::oci {
namespace {

TEST(TagPages, RelativeNextLinkAsDistributionSendsIt) {
  auto next = next_page_url(R"(</v2/peer/buildcache/tags/list?last=b&n=2>; rel="next")",
                            "http://127.0.0.1:5000/v2/peer/buildcache/tags/list?n=2");
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, "http://127.0.0.1:5000/v2/peer/buildcache/tags/list?last=b&n=2");
}

TEST(TagPages, AbsoluteLinkUnquotedRelAndOtherRelations) {
  EXPECT_EQ(next_page_url("<https://r.example/v2/a/tags/list?last=x>; rel=next", "https://r.example/v2/a/tags/list"),
            "https://r.example/v2/a/tags/list?last=x");
  EXPECT_EQ(next_page_url(R"(<https://r/first>; rel="first", <https://r/v2/a/tags/list?last=y>; rel="next")",
                          "https://r/v2/a/tags/list"),
            "https://r/v2/a/tags/list?last=y");
  EXPECT_FALSE(next_page_url(R"(<https://r/prev>; rel="prev")", "https://r/v2/a/tags/list"));
  EXPECT_FALSE(next_page_url("", "https://r/v2/a/tags/list"));
}

TEST(TagPages, PagesMergeAndNullMeansNone) {
  std::vector<std::string> tags;
  append_tags_page(R"({"name":"a","tags":["x","y"]})", "p1", tags);
  append_tags_page(R"({"name":"a","tags":["z"]})", "p2", tags);
  append_tags_page(R"({"name":"a","tags":null})", "p3", tags);
  EXPECT_EQ(tags, (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_THROW(append_tags_page("<html>", "p4", tags), InputError);
  EXPECT_THROW(append_tags_page(R"({"tags":"x"})", "p5", tags), InputError);
}

}  // namespace
}  // namespace spackext::mirrors::oci
