// The fake GCS server itself answers as Google documents (so the backend
// tests prove something): raw JSON API requests through the SDK client.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fake_gcs.hpp"
#include "jwt.hpp"
#include "rsa_test_key.hpp"

namespace spackext::mirrors::gcs {
namespace {

using spackext::testing::TempDir;
using spackext::testing::write_file;

class FakeGcsConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    SPACKEXT_REQUIRE_FAKE_GCS();
    key_ = test::generate_rsa_test_key();
    write_file(tmp_ / "pub.pem", key_.public_pem);
    server_ = std::make_unique<spackext::test::FakeGcsServer>(
        tmp_.path(), "bkt", std::vector<std::string>{"--service-account", "sa@x=" + (tmp_ / "pub.pem").string()});
    ASSERT_TRUE(server_->ready()) << server_->log();
    http::ClientOptions o;
    o.max_attempts = 1;
    client_ = std::make_unique<http::Client>(o);
  }
  std::string url(const std::string& path) const { return server_->endpoint() + path; }
  http::Response send(http::Request r) { return client_->send(r); }

  TempDir tmp_;
  test::RsaTestKey key_;
  std::unique_ptr<spackext::test::FakeGcsServer> server_;
  std::unique_ptr<http::Client> client_;
};

TEST_F(FakeGcsConformance, MultipartInsertThenMetadataListAndRangedMedia) {
  const std::string body =
      "--sep\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{\"name\": \"dir/obj\", \"contentType\": "
      "\"text/plain\"}\r\n--sep\r\nContent-Type: text/plain\r\n\r\n0123456789\r\n--sep--\r\n";
  auto ins = send({.method = "POST",
                   .url = url("/upload/storage/v1/b/bkt/o?uploadType=multipart"),
                   .headers = {{"Content-Type", "multipart/related; boundary=sep"}},
                   .body = body});
  ASSERT_EQ(ins.status, 200) << ins.body;
  auto obj = nlohmann::json::parse(ins.body);
  EXPECT_EQ(obj["kind"], "storage#object");
  EXPECT_EQ(obj["size"], "10");  // int64 fields are strings
  EXPECT_TRUE(obj["generation"].is_string());
  EXPECT_EQ(obj["metageneration"], "1");
  EXPECT_EQ(obj["contentType"], "text/plain");
  EXPECT_EQ(obj["updated"].get<std::string>().back(), 'Z');

  auto meta = send({.url = url("/storage/v1/b/bkt/o/dir%2Fobj")});
  ASSERT_EQ(meta.status, 200);
  EXPECT_EQ(nlohmann::json::parse(meta.body)["generation"], obj["generation"]);
  auto list = send({.url = url("/storage/v1/b/bkt/o?prefix=dir%2F")});
  auto page = nlohmann::json::parse(list.body);
  EXPECT_EQ(page["kind"], "storage#objects");
  EXPECT_EQ(page["items"].size(), 1u);
  EXPECT_FALSE(page.contains("nextPageToken"));
  auto ranged = send({.url = url("/storage/v1/b/bkt/o/dir%2Fobj?alt=media"), .headers = {{"Range", "bytes=2-5"}}});
  EXPECT_EQ(ranged.status, 206);
  EXPECT_EQ(ranged.body, "2345");
  EXPECT_EQ(send({.url = url("/storage/v1/b/nobucket/o")}).status, 404);
  EXPECT_EQ(send({.url = url("/storage/v1/b/bkt/o/nothing")}).status, 404);
}

TEST_F(FakeGcsConformance, ResumableSessionRulesAndCancel) {
  auto start = send({.method = "POST",
                     .url = url("/upload/storage/v1/b/bkt/o?uploadType=resumable&name=big"),
                     .headers = {{"X-Upload-Content-Type", "application/octet-stream"}},
                     .body = std::string()});
  ASSERT_EQ(start.status, 200) << start.body;
  const auto session = start.header("location");
  ASSERT_NE(session.find("upload_id="), std::string::npos) << session;
  auto put = [&](const std::string& range, std::string data) {
    return send({.method = "PUT", .url = session, .headers = {{"Content-Range", range}}, .body = std::move(data)});
  };
  auto fresh = put("bytes */*", "");
  EXPECT_EQ(fresh.status, 308);
  EXPECT_EQ(fresh.header("range"), "");  // nothing stored yet
  EXPECT_EQ(put("bytes 0-99/*", std::string(100, 'a')).status, 400);          // not a 256 KiB multiple
  EXPECT_EQ(put("bytes 0-99/*", std::string(99, 'a')).status, 400);           // length mismatch
  EXPECT_EQ(put("bytes 5-262148/*", std::string(262144, 'a')).status, 400);  // not at the stored offset
  auto first = put("bytes 0-262143/*", std::string(262144, 'a'));
  EXPECT_EQ(first.status, 308);
  EXPECT_EQ(first.header("range"), "bytes=0-262143");
  EXPECT_EQ(put("bytes */300000", "").header("range"), "bytes=0-262143");
  auto cancel = send({.method = "DELETE", .url = session});
  EXPECT_EQ(cancel.status, 499);
  EXPECT_EQ(put("bytes */*", "").status, 404);
  EXPECT_EQ(send({.url = url("/storage/v1/b/bkt/o/big")}).status, 404);
}

TEST_F(FakeGcsConformance, GenerationPreconditionsOnMediaUploads) {
  auto up = [&](const std::string& q, const std::string& data) {
    return send({.method = "POST", .url = url("/upload/storage/v1/b/bkt/o?uploadType=media&name=k" + q), .body = data});
  };
  auto created = up("&ifGenerationMatch=0", "one");
  ASSERT_EQ(created.status, 200);
  EXPECT_EQ(up("&ifGenerationMatch=0", "two").status, 412);
  const std::string gen = nlohmann::json::parse(created.body)["generation"];
  EXPECT_EQ(up("&ifGenerationMatch=" + gen, "two").status, 200);
  EXPECT_EQ(up("&ifGenerationMatch=" + gen, "three").status, 412);  // that generation is gone
}

TEST_F(FakeGcsConformance, TokenEndpointChecksGrantSignatureAudienceAndTime) {
  auto exchange = [&](const std::string& grant, const std::string& assertion) {
    return send({.method = "POST",
                 .url = server_->token_uri(),
                 .headers = {{"Content-Type", "application/x-www-form-urlencoded"}},
                 .body = "grant_type=" + http::url_encode(grant) + "&assertion=" + http::url_encode(assertion)});
  };
  const std::string grant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  const auto now = std::chrono::system_clock::now();
  auto good = exchange(grant, sign_jwt_rs256(service_account_claims("sa@x", server_->token_uri(), now), key_.private_pem));
  ASSERT_EQ(good.status, 200) << good.body;
  auto tok = nlohmann::json::parse(good.body);
  EXPECT_EQ(tok["token_type"], "Bearer");
  EXPECT_GT(tok["expires_in"].get<int>(), 0);
  EXPECT_FALSE(tok["access_token"].get<std::string>().empty());

  EXPECT_EQ(exchange("password", "x").status, 400);
  auto other = test::generate_rsa_test_key();
  auto forged = exchange(grant, sign_jwt_rs256(service_account_claims("sa@x", server_->token_uri(), now), other.private_pem));
  EXPECT_EQ(forged.status, 400);
  EXPECT_NE(forged.body.find("Invalid JWT Signature"), std::string::npos);
  EXPECT_EQ(exchange(grant, sign_jwt_rs256(service_account_claims("sa@x", "https://elsewhere/token", now),
                                           key_.private_pem)).status, 400);
  EXPECT_EQ(exchange(grant, sign_jwt_rs256(service_account_claims("sa@x", server_->token_uri(),
                                                                   now - std::chrono::hours(2)), key_.private_pem)).status,
            400);  // expired
  EXPECT_EQ(exchange(grant, sign_jwt_rs256(service_account_claims("nobody@x", server_->token_uri(), now),
                                           key_.private_pem)).status, 400);
}

}  // namespace
}  // namespace spackext::mirrors::gcs
