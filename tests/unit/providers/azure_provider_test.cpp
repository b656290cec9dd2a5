// Azure detection: DMI (vendor plus Azure's chassis asset tag) and the
// Instance Metadata Service served locally as Microsoft documents it: the
// request needs "Metadata: true" and an api-version parameter.
#include <gtest/gtest.h>

#include "azure_provider.hpp"
#include "metadata_server.hpp"
#include "spackext_testing/testing.hpp"

namespace {

using spackext::azure::AzureProvider;
namespace t = spackext::testing;

constexpr const char* kInstance = R"({
  "compute": {
    "azEnvironment": "AzurePublicCloud",
    "location": "southcentralus",
    "name": "hbv4-node-0",
    "offer": "almalinux-hpc",
    "osType": "Linux",
    "sku": "8_7-hpc-gen2",
    "vmId": "02aab8a4-74ef-476e-8182-f6d2ba4166a6",
    "vmSize": "Standard_HB176rs_v4",
    "zone": "1"
  },
  "network": {"interface": []}
})";

void serve(MetadataServer& server) {
  server.routes().Get("/metadata/instance", [&](const httplib::Request& req, httplib::Response& res) {
    ++server.requests;
    if (req.get_header_value("Metadata") != "true") {
      res.status = 400;
      res.set_content(R"({"error": "Bad request. Required metadata header not specified"})", "application/json");
      return;
    }
    if (!req.has_param("api-version")) {
      res.status = 400;
      res.set_content(R"({"error": "Bad request. api-version was not specified in the request"})",
                      "application/json");
      return;
    }
    res.set_content(kInstance, "application/json");
  });
  server.start();
}

TEST(AzureDetection, ImdsGivesVmSizeAndLocation) {
  MetadataServer server;
  serve(server);
  t::TempDir dmi;
  AzureProvider p(spackext::CloudProbe{dmi.path(), server.url(), true});
  auto found = p.detect();
  EXPECT_TRUE(found.detected);
  EXPECT_EQ(found.details["instance_type"], "Standard_HB176rs_v4");
  EXPECT_EQ(found.details["region"], "southcentralus");
  auto ctx = p.site_context({});
  EXPECT_EQ(ctx["microarch"], "zen4");
  EXPECT_EQ(ctx["fabric"], "infiniband");
}

TEST(AzureDetection, HyperVWithoutTheAzureAssetTagIsNotAzure) {
  t::TempDir dmi;
  t::write_file(dmi / "sys_vendor", "Microsoft Corporation\n");
  t::write_file(dmi / "chassis_asset_tag", "0000-0000-0000\n");
  AzureProvider p(spackext::CloudProbe{dmi.path(), "http://127.0.0.1:9", false});
  EXPECT_FALSE(p.detect().detected);
  t::write_file(dmi / "chassis_asset_tag", "7783-7084-3265-9085-8269-3286-77\n");
  EXPECT_TRUE(p.detect().detected);
}

}  // namespace
