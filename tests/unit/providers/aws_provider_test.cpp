// EC2 detection: DMI as the Nitro hypervisor presents it, and IMDSv2 served
// by a local HTTP server answering as the EC2 documentation shows (a session
// token from PUT /latest/api/token is required for every GET).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "aws_provider.hpp"
#include "metadata_server.hpp"
#include "spackext_testing/testing.hpp"

namespace {

using spackext::aws::AwsProvider;
namespace t = spackext::testing;

constexpr const char* kToken = "AQAEAFTNrA4eEGx0AQgJ1arIq_Cc-t4tWt3fB0Hd8RKhXlKc5ccvhg==";

// The identity document, shaped like the example in the EC2 user guide.
constexpr const char* kIdentityDocument = R"({
    "accountId" : "0123456789",
    "architecture" : "x86_64",
    "availabilityZone" : "eu-west-1b",
    "billingProducts" : null,
    "devpayProductCodes" : null,
    "marketplaceProductCodes" : null,
    "imageId" : "ami-5fb8c835",
    "instanceId" : "i-1234567890abcdef0",
    "instanceType" : "hpc7a.96xlarge",
    "kernelId" : null,
    "pendingTime" : "2016-11-19T16:32:11Z",
    "privateIp" : "10.158.112.84",
    "ramdiskId" : null,
    "region" : "eu-west-1",
    "version" : "2017-09-30"
})";

void serve_imdsv2(MetadataServer& server) {
  server.routes().Put("/latest/api/token", [&](const httplib::Request& req, httplib::Response& res) {
    ++server.requests;
    if (!req.has_header("X-aws-ec2-metadata-token-ttl-seconds")) {
      res.status = 400;
      return;
    }
    res.set_content(kToken, "text/plain");
  });
  server.routes().Get("/latest/dynamic/instance-identity/document",
                      [&](const httplib::Request& req, httplib::Response& res) {
                        ++server.requests;
                        if (req.get_header_value("X-aws-ec2-metadata-token") != kToken) {
                          res.status = 401;  // IMDSv2 required
                          return;
                        }
                        res.set_content(kIdentityDocument, "text/plain");
                      });
  server.start();
}

void write_dmi(const t::TempDir& dir, const std::map<std::string, std::string>& fields) {
  for (const auto& [k, v] : fields) t::write_file(dir / k, v + "\n");
}

TEST(AwsDetection, MetadataServiceGivesTypeAndRegion) {
  MetadataServer server;
  serve_imdsv2(server);
  t::TempDir dmi;
  AwsProvider p(spackext::CloudProbe{dmi.path(), server.url(), true});
  auto found = p.detect();
  EXPECT_TRUE(found.detected);
  EXPECT_DOUBLE_EQ(found.confidence, 0.95);
  EXPECT_EQ(found.details["instance_type"], "hpc7a.96xlarge");
  EXPECT_EQ(found.details["region"], "eu-west-1");
  EXPECT_EQ(found.details["availability_zone"], "eu-west-1b");
  EXPECT_EQ(server.requests, 2);  // token, then the document

  // site_context({}) uses the detection: the catalog entry for that type.
  auto ctx = p.site_context({});
  EXPECT_EQ(ctx["microarch"], "zen4");
  EXPECT_EQ(ctx["region"], "eu-west-1");
}

// The metadata service is link-local: a configured proxy must not be used
// (it could not reach it, and would see the query). The proxy here is a port
// nothing listens on, so going through it would fail detection.
TEST(AwsDetection, MetadataIsNeverFetchedThroughAProxy) {
  MetadataServer server;
  serve_imdsv2(server);
  t::TempDir dmi;
  const std::string dead_proxy = "http://127.0.0.1:" + std::to_string(t::free_port());
  setenv("http_proxy", dead_proxy.c_str(), 1);
  setenv("HTTP_PROXY", dead_proxy.c_str(), 1);
  AwsProvider p(spackext::CloudProbe{dmi.path(), server.url(), true});
  auto found = p.detect();
  unsetenv("http_proxy");
  unsetenv("HTTP_PROXY");
  EXPECT_TRUE(found.detected);
  EXPECT_EQ(found.details["instance_type"], "hpc7a.96xlarge");
}

TEST(AwsDetection, NitroDmiAloneNamesTheInstanceType) {
  t::TempDir dmi;
  write_dmi(dmi, {{"sys_vendor", "Amazon EC2"}, {"board_vendor", "Amazon EC2"}, {"product_name", "c7g.16xlarge"}});
  // Nothing listens on the discard port: the metadata step fails fast.
  AwsProvider p(spackext::CloudProbe{dmi.path(), "http://127.0.0.1:9", false});
  auto found = p.detect();
  EXPECT_TRUE(found.detected);
  EXPECT_DOUBLE_EQ(found.confidence, 0.7);
  EXPECT_EQ(found.details["instance_type"], "c7g.16xlarge");
  EXPECT_EQ(found.details["source"], "dmi");
}

TEST(AwsDetection, OtherHardwareIsNotEc2AndMetadataIsNotAsked) {
  MetadataServer server;
  serve_imdsv2(server);
  t::TempDir dmi;
  write_dmi(dmi, {{"sys_vendor", "Dell Inc."}, {"product_name", "PowerEdge R650"}});
  AwsProvider p(spackext::CloudProbe{dmi.path(), server.url(), false});
  EXPECT_FALSE(p.detect().detected);
  EXPECT_EQ(server.requests, 0);
}

TEST(AwsDetection, AServiceThatIsNotImdsIsIgnored) {
  MetadataServer server;
  server.routes().Put("/latest/api/token", [](const httplib::Request&, httplib::Response& res) {
    res.status = 404;
  });
  server.start();
  t::TempDir dmi;
  AwsProvider p(spackext::CloudProbe{dmi.path(), server.url(), true});
  EXPECT_FALSE(p.detect().detected);
}

// A service that accepts the connection and never answers: detection gives
// up after the probe's short limit instead of hanging.
TEST(AwsDetection, ASilentServiceIsNotWaitedForForever) {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(listener, 4), 0);  // connections queue; nothing accepts or answers
  socklen_t len = sizeof addr;
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  t::TempDir dmi;
  spackext::CloudProbe probe{dmi.path(), "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)), true};
  probe.timeout = std::chrono::milliseconds(200);
  EXPECT_FALSE(AwsProvider(probe).detect().detected);
  close(listener);
}

TEST(AwsDetection, EnvironmentOverridesTheAddress) {
  setenv("SPACK_EXT_AWS_METADATA_URL", "http://127.0.0.1:4242", 1);
  setenv("SPACK_EXT_DMI_ROOT", "/tmp/dmi-root", 1);
  auto o = AwsProvider::default_probe();
  unsetenv("SPACK_EXT_AWS_METADATA_URL");
  unsetenv("SPACK_EXT_DMI_ROOT");
  EXPECT_EQ(o.metadata_url, "http://127.0.0.1:4242");
  EXPECT_TRUE(o.always_query_metadata);
  EXPECT_EQ(o.dmi_root, "/tmp/dmi-root");
  EXPECT_FALSE(AwsProvider::default_probe().always_query_metadata);
  EXPECT_EQ(AwsProvider::default_probe().metadata_url, "http://169.254.169.254");
}

}  // namespace
