// The PROPFIND multistatus parser on replies as real servers write them.
#include <gtest/gtest.h>

#include <spackext/errors.hpp>

#include "multistatus.hpp"

namespace {

using namespace spackext::mirrors::https;

// nginx 1.22 + dav-ext 3.0 (Depth: 1 on a folder), as captured.
const char* kNginxReply = R"(<?xml version="1.0" encoding="utf-8" ?>
<D:multistatus xmlns:D="DAV:">
<D:response>
<D:href>/d/sub/</D:href>
<D:propstat>
<D:prop>
<D:getlastmodified>Sat, 21 Nov 2026 08:06:00 GMT</D:getlastmodified>
<D:resourcetype><D:collection/></D:resourcetype>
</D:prop>
<D:status>HTTP/1.1 200 OK</D:status>
</D:propstat>
</D:response>
<D:response>
<D:href>/d/sub/a%20b+c.txt</D:href>
<D:propstat>
<D:prop>
<D:displayname>a b+c.txt</D:displayname>
<D:getcontentlength>3</D:getcontentlength>
<D:getlastmodified>Sat, 21 Nov 2026 08:06:01 GMT</D:getlastmodified>
<D:resourcetype></D:resourcetype>
</D:prop>
<D:status>HTTP/1.1 200 OK</D:status>
</D:propstat>
</D:response>
<D:response>
<D:href>/d/sub/nested/</D:href>
<D:propstat>
<D:prop>
<D:resourcetype><D:collection/></D:resourcetype>
</D:prop>
<D:status>HTTP/1.1 200 OK</D:status>
</D:propstat>
</D:response>
</D:multistatus>
)";

// Apache mod_dav style: other prefixes, absolute hrefs, etags, a 404 block
// for a property the server lacks.
const char* kApacheStyleReply = R"(<?xml version="1.0" encoding="utf-8"?>
<D:multistatus xmlns:D="DAV:" xmlns:ns0="DAV:">
<D:response xmlns:lp1="DAV:" xmlns:lp2="http://apache.org/dav/props/">
<D:href>https://dav.example.org:8443/mirror/build_cache/index.json</D:href>
<D:propstat>
<D:prop>
<lp1:resourcetype/>
<lp1:getcontentlength>6473</lp1:getcontentlength>
<lp1:getlastmodified>Tue, 04 Mar 2025 10:11:12 GMT</lp1:getlastmodified>
<lp1:getetag>"1949-62f8b3c1a2d40"</lp1:getetag>
</D:prop>
<D:status>HTTP/1.1 200 OK</D:status>
</D:propstat>
<D:propstat>
<D:prop><ns0:quota-used-bytes/></D:prop>
<D:status>HTTP/1.1 404 Not Found</D:status>
</D:propstat>
</D:response>
<D:response>
<D:href>https://dav.example.org:8443/mirror/build_cache/_pgp/</D:href>
<D:propstat>
<D:prop><lp1:resourcetype><D:collection/></lp1:resourcetype><lp1:getetag>W/"weak-1"</lp1:getetag></D:prop>
<D:status>HTTP/1.1 200 OK</D:status>
</D:propstat>
</D:response>
</D:multistatus>
)";

// A default namespace instead of a prefix (some Go and Python servers).
const char* kDefaultNamespaceReply = R"(<?xml version="1.0"?>
<multistatus xmlns="DAV:">
  <response>
    <href>/root/v3/layout.json</href>
    <propstat>
      <prop>
        <resourcetype/>
        <getcontentlength> 19 </getcontentlength>
      </prop>
      <status>HTTP/1.1 200 OK</status>
    </propstat>
  </response>
  <response>
    <href>/root/v3/manifests</href>
    <propstat>
      <prop><resourcetype><collection/></resourcetype></prop>
      <status>HTTP/1.1 200 OK</status>
    </propstat>
  </response>
</multistatus>
)";

TEST(Multistatus, NginxReplyWithEncodedHrefsAndCollections) {
  auto entries = parse_multistatus(kNginxReply, "test");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].path, "/d/sub/");
  EXPECT_TRUE(entries[0].collection);
  EXPECT_EQ(entries[1].path, "/d/sub/a b+c.txt");
  EXPECT_FALSE(entries[1].collection);
  EXPECT_EQ(entries[1].size, 3u);
  EXPECT_TRUE(entries[1].etag.empty()) << "dav-ext sends no getetag; nothing is made up";
  ASSERT_TRUE(entries[1].modified);
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*entries[1].modified), 1795248361);  // 2026-11-21T08:06:01Z
  EXPECT_EQ(entries[2].path, "/d/sub/nested/");
  EXPECT_TRUE(entries[2].collection);
  EXPECT_FALSE(entries[2].modified);
}

TEST(Multistatus, AbsoluteHrefsOtherPrefixesEtagsAndMissingProperties) {
  auto entries = parse_multistatus(kApacheStyleReply, "test");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].path, "/mirror/build_cache/index.json");
  EXPECT_FALSE(entries[0].collection);
  EXPECT_EQ(entries[0].size, 6473u);
  EXPECT_EQ(entries[0].etag, "1949-62f8b3c1a2d40");
  ASSERT_TRUE(entries[0].modified);
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*entries[0].modified), 1741083072);  // 2025-03-04T10:11:12Z
  EXPECT_EQ(entries[1].path, "/mirror/build_cache/_pgp/");
  EXPECT_TRUE(entries[1].collection);
  EXPECT_EQ(entries[1].etag, "weak-1");
}

TEST(Multistatus, DefaultNamespace) {
  auto entries = parse_multistatus(kDefaultNamespaceReply, "test");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].path, "/root/v3/layout.json");
  EXPECT_EQ(entries[0].size, 19u);
  EXPECT_FALSE(entries[0].collection);
  EXPECT_EQ(entries[1].path, "/root/v3/manifests");
  EXPECT_TRUE(entries[1].collection);
}

TEST(Multistatus, MalformedOrForeignDocumentsAreErrorsNamingTheContext) {
  try {
    parse_multistatus("<D:multistatus xmlns:D=\"DAV:\"><D:response>", "mirror https://x: listing 'v3/'");
    FAIL();
  } catch (const spackext::Error& e) {
    EXPECT_NE(std::string(e.what()).find("mirror https://x: listing 'v3/'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_multistatus("<html><body>Index of /</body></html>", "t"), spackext::Error);
  EXPECT_THROW(parse_multistatus(R"(<multistatus xmlns="DAV:"><response><href>/a</href><propstat><prop>
    <getcontentlength>lots</getcontentlength></prop><status>HTTP/1.1 200 OK</status></propstat></response>
    </multistatus>)", "t"),
               spackext::Error);
  EXPECT_TRUE(parse_multistatus("<D:multistatus xmlns:D=\"DAV:\"/>", "t").empty());
}

// Found by libFuzzer: an href that is only a query names no resource, and
// used to become a listing entry with an empty path.
TEST(Multistatus, HrefWithoutAPathIsAnErrorNamingIt) {
  try {
    parse_multistatus(R"(<D:multistatus xmlns:D="DAV:"><D:response><D:href>?d/sub/</D:href>
      </D:response></D:multistatus>)", "mirror https://x: listing 'v3/'");
    FAIL();
  } catch (const spackext::Error& e) {
    EXPECT_NE(std::string(e.what()).find("href '?d/sub/' names no path"), std::string::npos) << e.what();
  }
}

TEST(Multistatus, Helpers) {
  EXPECT_EQ(percent_decode("a%20b%2Bc%2fd"), "a b+c/d");
  EXPECT_EQ(percent_decode("100%"), "100%");
  EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
  EXPECT_EQ(href_path("https://h:1/a%20b/"), "/a b/");
  EXPECT_EQ(href_path("http://host"), "/");
  EXPECT_EQ(href_path("/x?y=1"), "/x");
  EXPECT_EQ(bare_etag("\"6b0150e8-3\""), "6b0150e8-3");
  EXPECT_EQ(bare_etag("W/\"x\""), "x");
  EXPECT_EQ(bare_etag(""), "");
  EXPECT_FALSE(parse_http_date("yesterday"));
  ASSERT_TRUE(parse_http_date("Thu, 01 Jan 1970 00:01:40 GMT"));
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*parse_http_date("Thu, 01 Jan 1970 00:01:40 GMT")), 100);
}

}  // namespace
