// objects.list pages and object resources in the shape Google documents
// (int64 as strings, RFC 3339 times), and what is refused.
#include <gtest/gtest.h>

#include <spackext/errors.hpp>

#include "object_json.hpp"

namespace spackext::mirrors::gcs {
namespace {

using std::chrono::system_clock;

// Shaped like the objects.list example in Google's JSON API reference.
const char* kPage = R"({
  "kind": "storage#objects",
  "nextPageToken": "CgtibGFoLnR4dA==",
  "prefixes": [],
  "items": [
    {"kind": "storage#object", "id": "bkt/v3/layout.json/1712345678901234", "name": "v3/layout.json",
     "bucket": "bkt", "generation": "1712345678901234", "metageneration": "1", "contentType": "application/json",
     "storageClass": "STANDARD", "size": "21", "md5Hash": "1B2M2Y8AsgTpgAmY7PhCfg==", "crc32c": "AAAAAA==",
     "etag": "CPLx3Ljf7oQDEAE=", "timeCreated": "2024-04-05T18:54:38.913Z", "updated": "2024-04-05T18:54:38.913Z"},
    {"kind": "storage#object", "name": "blobs/sha256/ab/abcd", "bucket": "bkt", "generation": "7",
     "size": "18446744073709551615", "updated": "2024-04-05T20:54:38+02:00"}
  ]
})";

TEST(GcsObjectJson, ListPageItemsAndToken) {
  auto page = parse_list_page(kPage, "test");
  EXPECT_EQ(page.next_page_token, "CgtibGFoLnR4dA==");
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].name, "v3/layout.json");
  EXPECT_EQ(page.items[0].size, 21u);
  EXPECT_EQ(page.items[0].generation, "1712345678901234");
  ASSERT_TRUE(page.items[0].updated);
  EXPECT_EQ(*page.items[0].updated,
            system_clock::from_time_t(1712343278) + std::chrono::milliseconds(913));  // 2024-04-05T18:54:38.913Z
  EXPECT_EQ(page.items[1].size, 18446744073709551615ull);  // int64 as a string loses nothing
  EXPECT_EQ(*page.items[1].updated, system_clock::from_time_t(1712343278));  // +02:00 is 18:54:38Z
}

TEST(GcsObjectJson, LastAndEmptyPages) {
  auto last = parse_list_page(R"({"kind": "storage#objects", "items": [{"name": "a", "size": 3, "generation": 5}]})", "t");
  EXPECT_TRUE(last.next_page_token.empty());
  ASSERT_EQ(last.items.size(), 1u);
  EXPECT_EQ(last.items[0].size, 3u);  // numbers are accepted too
  EXPECT_EQ(last.items[0].generation, "5");
  auto empty = parse_list_page(R"({"kind": "storage#objects"})", "t");  // Google omits "items" when none match
  EXPECT_TRUE(empty.items.empty());
  EXPECT_TRUE(empty.next_page_token.empty());
}

TEST(GcsObjectJson, MalformedRepliesAreErrorsNamingTheRequest) {
  for (const char* bad : {"<html>", "[]", R"({"items": {}})", R"({"items": [{"size": "1"}]})",
                          R"({"items": [{"name": "a", "size": "12x"}]})", R"({"items": [{"name": "a", "size": true}]})"}) {
    try {
      parse_list_page(bad, "gs://bkt: listing 'v3/'");
      ADD_FAILURE() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("gs://bkt: listing 'v3/'"), std::string::npos) << e.what();
    }
  }
}

TEST(GcsObjectJson, Rfc3339) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), system_clock::from_time_t(0));
  EXPECT_EQ(parse_rfc3339("1970-01-01T01:00:00.5+01:00"), system_clock::from_time_t(0) + std::chrono::milliseconds(500));
  EXPECT_EQ(parse_rfc3339("1969-12-31T23:30:00-00:30"), system_clock::from_time_t(0));
  EXPECT_FALSE(parse_rfc3339("2024-04-05 18:54"));
  EXPECT_FALSE(parse_rfc3339("2024-04-05T18:54:38"));  // no offset
  EXPECT_FALSE(parse_rfc3339("2024-04-05T18:54:38.Z"));
  EXPECT_FALSE(parse_rfc3339("2024-04-05T18:54:38Zjunk"));
}

}  // namespace
}  // namespace spackext::mirrors::gcs
