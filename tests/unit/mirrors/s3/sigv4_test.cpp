// Our SigV4 signatures equal botocore's for the same requests (botocore runs
// in Debian's python3; without python3 the test skips, saying so, and
// without botocore it fails: python3-botocore is a test dependency).
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include <nlohmann/json.hpp>
#include <spackext_testing/testing.hpp>

#include "sigv4.hpp"

namespace spackext::mirrors::s3 {
namespace {

namespace fs = std::filesystem;

// Debian's python3 first: python3-botocore (the declared test dependency)
// installs there, so every machine compares with what a fresh one has,
// whatever other Python comes first on PATH.
std::optional<fs::path> find_python() {
  if (const char* p = std::getenv("SPACKEXT_PYTHON")) return fs::path(p);
  if (fs::exists("/usr/bin/python3")) return fs::path("/usr/bin/python3");
  std::istringstream path(std::getenv("PATH") ? std::getenv("PATH") : "");
  std::string dir;
  while (std::getline(path, dir, ':'))
    if (fs::exists(fs::path(dir) / "python3")) return fs::path(dir) / "python3";
  return std::nullopt;
}

std::string to_hex(const std::string& s) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) out += d[c >> 4], out += d[c & 15];
  return out;
}

struct Case {
  std::string method, host, path;
  std::vector<std::pair<std::string, std::string>> query, headers;
  std::string body;
  std::string token;
};

class BotocoreComparison : public ::testing::Test {
 protected:
  void SetUp() override {
    python_ = find_python();
    if (!python_) GTEST_SKIP() << "python3 not found: cannot compare with botocore";
    auto probe = spackext::testing::run({python_->string(), "-c", "import botocore.auth"});
    // python3-botocore is a test dependency (scripts/deps/mirrors.txt): its
    // absence is a broken set-up, not a reason to skip the comparison.
    if (probe.exit_code != 0)
      FAIL() << "botocore is not importable by " << *python_ << " (run scripts/install-deps.sh): " << probe.err;
  }
  std::optional<fs::path> python_;
};

TEST_F(BotocoreComparison, SameAuthorizationForTypicalS3Requests) {
  const auto script = spackext::testing::source_dir() / "tests/unit/mirrors/s3/botocore_sign.py";
  std::vector<Case> cases = {
      {"GET", "127.0.0.1:4568", "/buildcache/", {{"list-type", "2"}, {"prefix", "v3/manifests/spec/"}}, {}, "", ""},
      {"GET", "127.0.0.1:4568", "/buildcache/", {{"list-type", "2"}, {"prefix", "a b+c"}, {"continuation-token", "1/x=="}}, {}, "", ""},
      {"HEAD", "127.0.0.1:4568", "/buildcache/blobs/sha256/ab/abcdef", {}, {}, "", ""},
      {"PUT", "s3.us-east-1.amazonaws.com", "/bucket/build_cache/linux-debian12-x86_64_v4-gcc-12.2.0-p@1 ~x.spec.json", {},
       {{"Content-Type", "application/json"}}, "{\"spec\": 1}", "session/token+value"},
      {"POST", "localhost:9000", "/b/k", {{"uploads", ""}}, {}, "", ""},
      {"PUT", "localhost:9000", "/b/k", {{"partNumber", "2"}, {"uploadId", "VXBsb2FkIElE=="}}, {}, std::string(1000, 'z'), ""},
      {"DELETE", "bucket.s3.eu-west-1.amazonaws.com", "/k/%41", {}, {{"If-Match", "\"etag\""}}, "", ""},
  };
  const auto time = std::chrono::system_clock::from_time_t(1795240800);  // 2026-11-21T06:00:00Z
  for (const auto& c : cases) {
    Credentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", c.token};
    SignedRequestInput in;
    in.method = c.method;
    in.host = c.host;
    in.path = c.path;
    in.query = c.query;
    in.headers = c.headers;
    in.payload_sha256 = hex_sha256(c.body);
    in.region = c.host.find("eu-west-1") != std::string::npos ? "eu-west-1" : "us-east-1";
    in.time = time;
    auto ours = sign_v4(in, creds);

    std::string url = "http://" + c.host + encode_path(c.path);
    std::string q;
    for (const auto& [k, v] : c.query) q += (q.empty() ? "?" : "&") + encode_query_component(k) + "=" + encode_query_component(v);
    nlohmann::json headers = nlohmann::json::object();
    for (const auto& [k, v] : c.headers) headers[k] = v;
    nlohmann::json spec = {{"timestamp", "20261121T060000Z"}, {"access_key", creds.access_key_id},
                           {"secret_key", creds.secret_access_key}, {"token", c.token},
                           {"method", c.method}, {"url", url + q}, {"headers", headers},
                           {"body_hex", to_hex(c.body)}, {"region", in.region}};
    spackext::testing::RunOptions o;
    o.input = spec.dump();
    auto r = spackext::testing::run({python_->string(), script.string()}, o);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto theirs = nlohmann::json::parse(r.out);
    EXPECT_EQ(ours.authorization, theirs["authorization"].get<std::string>())
        << c.method << " " << c.path << "\nour canonical request:\n" << ours.canonical_request;
    for (const auto& [k, v] : ours.headers) {
      std::string lk = k;
      for (auto& ch : lk) ch = static_cast<char>(std::tolower(ch));
      if (theirs.contains(lk)) EXPECT_EQ(v, theirs[lk].get<std::string>()) << lk;
    }
  }
}

TEST(SigV4, AwsDocumentedExample) {
  // The GET Object example of the S3 SigV4 documentation ("Example: GET Object",
  // examplebucket, 20130524): its published signature.
  Credentials creds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
  SignedRequestInput in;
  in.method = "GET";
  in.host = "examplebucket.s3.amazonaws.com";
  in.path = "/test.txt";
  in.headers = {{"Range", "bytes=0-9"}};
  in.payload_sha256 = hex_sha256("");
  in.region = "us-east-1";
  in.time = std::chrono::system_clock::from_time_t(1369353600);  // 20130524T000000Z
  auto s = sign_v4(in, creds);
  EXPECT_NE(s.authorization.find("Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"),
            std::string::npos)
      << s.canonical_request;
}

}  // namespace
}  // namespace spackext::mirrors::s3
