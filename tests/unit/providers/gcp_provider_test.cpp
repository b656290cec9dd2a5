// GCE detection: DMI as Compute Engine presents it, and the metadata server
// (recursive instance document) served locally the way Google documents it:
// the request must carry Metadata-Flavor: Google and so does the answer.
#include <gtest/gtest.h>

#include "gcp_provider.hpp"
#include "metadata_server.hpp"
#include "spackext_testing/testing.hpp"

namespace {

using spackext::gcp::GcpProvider;
namespace t = spackext::testing;

constexpr const char* kInstance = R"({
  "cpuPlatform": "Intel Sapphire Rapids",
  "hostname": "node-0.c.example-project.internal",
  "id": 4520031799277581759,
  "image": "projects/cloud-hpc-image-public/global/images/hpc-rocky-linux-8-v20240126",
  "machineType": "projects/123456789012/machineTypes/h3-standard-88",
  "name": "node-0",
  "zone": "projects/123456789012/zones/us-central1-a"
})";

void serve(MetadataServer& server, bool answer_with_flavor) {
  server.routes().Get("/computeMetadata/v1/instance/", [&, answer_with_flavor](const httplib::Request& req,
                                                                               httplib::Response& res) {
    ++server.requests;
    if (req.get_header_value("Metadata-Flavor") != "Google" || req.get_param_value("recursive") != "true") {
      res.status = 403;
      return;
    }
    if (answer_with_flavor) res.set_header("Metadata-Flavor", "Google");
    res.set_content(kInstance, "application/json");
  });
  server.start();
}

TEST(GcpDetection, MetadataServerGivesMachineTypeAndRegion) {
  MetadataServer server;
  serve(server, true);
  t::TempDir dmi;
  GcpProvider p(spackext::CloudProbe{dmi.path(), server.url(), true});
  auto found = p.detect();
  EXPECT_TRUE(found.detected);
  EXPECT_EQ(found.details["instance_type"], "h3-standard-88");
  EXPECT_EQ(found.details["zone"], "us-central1-a");
  EXPECT_EQ(found.details["region"], "us-central1");
  auto ctx = p.site_context({});
  EXPECT_EQ(ctx["microarch"], "sapphirerapids");
  EXPECT_EQ(ctx["region"], "us-central1");
}

TEST(GcpDetection, AnAnswerWithoutTheFlavorHeaderIsNotGce) {
  MetadataServer server;
  serve(server, false);
  t::TempDir dmi;
  GcpProvider p(spackext::CloudProbe{dmi.path(), server.url(), true});
  EXPECT_FALSE(p.detect().detected);
  EXPECT_EQ(server.requests, 1);
}

TEST(GcpDetection, DmiProductName) {
  t::TempDir dmi;
  t::write_file(dmi / "product_name", "Google Compute Engine\n");
  t::write_file(dmi / "sys_vendor", "Google\n");
  GcpProvider p(spackext::CloudProbe{dmi.path(), "http://127.0.0.1:9", false});
  auto found = p.detect();
  EXPECT_TRUE(found.detected);
  EXPECT_EQ(found.details["source"], "dmi");
  EXPECT_FALSE(found.details.contains("instance_type"));
}

}  // namespace
