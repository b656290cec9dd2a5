// mirrors.yaml in Spack's shape: reading Spack's own output, validation
// errors with file:line, and round trips.
#include <gtest/gtest.h>

#include "buildcache/mirror_config.hpp"
#include "buildcache/mirror_access.hpp"
#include "spack_expectations.hpp"
#include <spackext/errors.hpp>

namespace spackext::buildcache {
namespace {

using spackext::testing::TempDir;
using spackext::testing::write_file;

TEST(MirrorsConfig, ReadsSpackGeneratedFile) {
  SPACKEXT_REQUIRE_FIXTURE(file, "fixtures/spack/config/mirrors.generated-by-spack-mirror-add.yaml");
  auto cfg = MirrorsConfig::load(file);
  EXPECT_EQ(cfg.mirrors().size(), 4u);
  auto s3 = cfg.fetch("s3cache");
  ASSERT_TRUE(s3);
  EXPECT_EQ(s3->url, "s3://bucket/spack-cache");
  EXPECT_EQ(s3->settings["profile"], "site");
  EXPECT_EQ(s3->settings["endpoint_url"], "https://minio.example.invalid");
  EXPECT_EQ(s3->settings["access_pair"]["id_variable"], "AWS_ID");
  auto push = cfg.push("s3cache");
  ASSERT_TRUE(push);
  EXPECT_EQ(push->url, "s3://bucket/push-only");
  EXPECT_EQ(push->settings["access_pair"]["id_variable"], "PUSH_ID");
  EXPECT_EQ(push->settings["profile"], "site");  // top-level connection keys still apply
  EXPECT_FALSE(cfg.signed_("ocicache"));
  EXPECT_TRUE(cfg.signed_("localcache"));
  EXPECT_EQ(cfg.fetch("gcscache")->settings["access_token_variable"], "TOKVAR");
}

TEST(MirrorsConfig, RoundTripKeepsEverything) {
  SPACKEXT_REQUIRE_FIXTURE(file, "fixtures/spack/config/mirrors.generated-by-spack-mirror-add.yaml");
  TempDir tmp;
  auto cfg = MirrorsConfig::load(file);
  cfg.save(tmp / "mirrors.yaml");
  auto back = MirrorsConfig::load(tmp / "mirrors.yaml");
  EXPECT_EQ(back.mirrors(), cfg.mirrors());
  EXPECT_EQ(back.mirrors()["localcache"]["autopush"], true);  // booleans stay booleans
}

TEST(MirrorsConfig, SchemaErrorsNameFileAndLine) {
  TempDir tmp;
  struct Case {
    const char* yaml;
    const char* message;
    int line;
  } cases[] = {
      {"mirrors:\n  a:\n    url: s3://b\n    bogus: 1\n", "'bogus' was unexpected", 3},
      {"mirrors:\n  a:\n    binary: true\n", "needs 'url' or 'fetch'", 3},
      {"mirrors:\n  a:\n    url: s3://b\n    access_pair:\n      id: x\n", "secret_variable", 3},
      {"mirrors:\n  a:\n    url: s3://b\n    access_pair: [x, y]\n", "must be an object", 3},
      // Was a JSON type error (exit 1) when the S3 credentials were resolved.
      {"mirrors:\n  a:\n    url: s3://b\n    access_pair: {id: [1], secret_variable: S}\n", "'id' must be a string", 3},
      {"mirrors:\n  a:\n    url: s3://b\n    signed: maybe\n", "'signed' must be true or false", 3},
      {"mirrors: [\n", "YAML syntax error", 2},
  };
  for (const auto& c : cases) {
    write_file(tmp / "m.yaml", c.yaml);
    try {
      MirrorsConfig::load(tmp / "m.yaml");
      ADD_FAILURE() << c.yaml;
    } catch (const InputError& e) {
      std::string what = e.what();
      EXPECT_NE(what.find(c.message), std::string::npos) << what;
      EXPECT_NE(what.find((tmp / "m.yaml").string() + ":" + std::to_string(c.line)), std::string::npos) << what;
    }
  }
}

TEST(MirrorsConfig, AddRemoveAndFetchOnly) {
  MirrorsConfig cfg;
  cfg.add("a", Json("file:///tmp/a"));
  EXPECT_THROW(cfg.add("a", Json("file:///tmp/b")), InputError);
  Json fetch_only = Json::object();
  fetch_only["fetch"] = "https://example.invalid/m";
  cfg.add("ro", fetch_only);
  EXPECT_TRUE(cfg.fetch("ro"));
  EXPECT_FALSE(cfg.push("ro"));
  cfg.remove("a");
  EXPECT_FALSE(cfg.contains("a"));
  EXPECT_THROW(cfg.remove("a"), InputError);
}

TEST(MirrorAccess, UrlsAndRedaction) {
  EXPECT_EQ(url_scheme("s3://bucket/p"), "s3");
  EXPECT_EQ(url_scheme("oci+http://h:5000/r"), "oci+http");
  EXPECT_THROW(url_scheme("bucket/p"), InputError);
  EXPECT_THROW(url_scheme("s 3://x"), InputError);
  EXPECT_EQ(redact_url("https://user:secret@host/p"), "https://***@host/p");
  EXPECT_EQ(redact_url("https://host/p@x"), "https://host/p@x");
}

TEST(MirrorsConfig, ExtensionKeysReachTheBackendButNotSpackExports) {
  TempDir tmp;
  auto file = tmp / "mirrors.yaml";
  write_file(file,
             "mirrors:\n"
             "  site:\n"
             "    url: https://cache.example.invalid/spack\n"
             "    ca_bundle: /etc/site/ca.pem\n"
             "    push:\n"
             "      url: gs://bucket/cache\n"
             "      credentials_file: /etc/site/sa.json\n");
  auto cfg = MirrorsConfig::load(file);
  EXPECT_EQ(cfg.fetch("site")->settings["ca_bundle"], "/etc/site/ca.pem");
  EXPECT_EQ(cfg.push("site")->settings["credentials_file"], "/etc/site/sa.json");
  const auto spack = cfg.to_spack_yaml();
  EXPECT_EQ(spack.find("ca_bundle"), std::string::npos) << spack;
  EXPECT_EQ(spack.find("credentials_file"), std::string::npos) << spack;
  EXPECT_NE(spack.find("gs://bucket/cache"), std::string::npos) << spack;
  EXPECT_NE(cfg.to_yaml().find("ca_bundle"), std::string::npos);  // our own copy keeps them
}

TEST(MirrorsConfig, ExtensionKeysMustBeStrings) {
  TempDir tmp;
  auto file = tmp / "mirrors.yaml";
  write_file(file, "mirrors:\n  site:\n    url: https://x.invalid\n    ca_bundle: [1, 2]\n");
  try {
    MirrorsConfig::load(file);
    FAIL() << "accepted a list as ca_bundle";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'ca_bundle' must be a string"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace spackext::buildcache
