// The store follows a paginated tag list to its end and merges the pages.
// docker-registry 2.8 ignores tags/list?n= (it always answers in one page),
// so the pages come from a scripted server shaped like distribution's
// replies: a relative Link first, an absolute one next, none at the end.
#include <gtest/gtest.h>

#include <httplib.h>

#include <thread>

#include <nlohmann/json.hpp>

#include <spackext_testing/testing.hpp>

#include "oci_store.hpp"
#include "spackext_testing/server_ready.hpp"

namespace spackext::mirrors::oci {
namespace {

TEST(OciTagPaging, PagesAreFollowedAndMerged) {
  httplib::Server server;
  const int port = spackext::testing::free_port();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  std::vector<std::string> asked;
  server.Get("/v2/peer/buildcache/tags/list", [&](const httplib::Request& req, httplib::Response& res) {
    const auto last = req.get_param_value("last");
    asked.push_back(last);
    if (last.empty()) {
      res.set_header("Link", R"(</v2/peer/buildcache/tags/list?last=b&n=2>; rel="next")");
      res.set_content(R"({"name":"peer/buildcache","tags":["a","b"]})", "application/json");
    } else if (last == "b") {
      res.set_header("Link", "<" + base + R"(/v2/peer/buildcache/tags/list?last=d&n=2>; rel="next")");
      res.set_content(R"({"name":"peer/buildcache","tags":["c","d"]})", "application/json");
    } else {
      res.set_content(R"({"name":"peer/buildcache","tags":["e"]})", "application/json");
    }
  });
  ASSERT_TRUE(server.bind_to_port("127.0.0.1", port));
  std::thread t([&] { server.listen_after_bind(); });
  spackext::testing::wait_until_running(server);
  OciStoreOptions o;
  o.http.max_attempts = 1;
  OciStore store("oci+http://127.0.0.1:" + std::to_string(port) + "/peer/buildcache", {}, o);
  auto tags = store.tags();
  std::string doc;
  store.get("tags/list", [&](const char* d, std::size_t n) {
    doc.append(d, n);
    return true;
  });
  server.stop();
  t.join();
  ASSERT_TRUE(tags);
  EXPECT_EQ(*tags, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(nlohmann::json::parse(doc)["tags"].size(), 5u);
  EXPECT_EQ(asked, (std::vector<std::string>{"", "b", "d", "", "b", "d"}));
}

}  // namespace
}  // namespace spackext::mirrors::oci
