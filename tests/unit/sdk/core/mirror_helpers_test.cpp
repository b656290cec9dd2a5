// The mirror helpers backends share: bucket URLs, exact reads, memory sources.
#include <gtest/gtest.h>

#include <spackext/errors.hpp>
#include <spackext/services/mirror.hpp>

namespace spackext {
namespace {

TEST(ParseBucketUrl, BucketAndPrefixWithoutTrailingSlashes) {
  auto b = parse_bucket_url("s3://bucket/a/b//", "s3");
  EXPECT_EQ(b.bucket, "bucket");
  EXPECT_EQ(b.prefix, "a/b");
  EXPECT_EQ(parse_bucket_url("gs://only", "gs").prefix, "");
}

TEST(ParseBucketUrl, WrongSchemeOrNoBucketIsAnInputErrorNamingTheUrl) {
  for (const char* url : {"gs://bucket/p", "s3://", "s3:///p"}) {
    try {
      parse_bucket_url(url, "s3");
      FAIL() << url << " was accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(url), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("s3://bucket[/prefix]"), std::string::npos) << e.what();
    }
  }
}

TEST(ReadExactly, ReadsAcrossShortReadsAndRefusesAShortSource) {
  const std::string data = "0123456789";
  auto src = memory_source(data);
  auto tiny = [&](char* b, std::size_t cap) { return src(b, std::min<std::size_t>(cap, 3)); };
  EXPECT_EQ(read_exactly(tiny, 10, "m: k"), data);
  auto again = memory_source(data);
  try {
    read_exactly(again, 11, "m: k");
    FAIL() << "a short source was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "m: k: the source gave 10 of 11 bytes");
  }
}

}  // namespace
}  // namespace spackext
