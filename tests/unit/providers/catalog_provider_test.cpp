// The catalog side shared by the cloud providers: lookups, family
// inheritance, suggestions and region checks, on the real catalogs.
#include <gtest/gtest.h>

#include "aws_provider.hpp"
#include "azure_provider.hpp"
#include "gcp_provider.hpp"
#include "spackext/errors.hpp"

namespace {

// Providers that never probe the machine (empty DMI root, no metadata).
spackext::aws::AwsProvider aws() {
  return spackext::aws::AwsProvider(spackext::CloudProbe{"/nonexistent", "http://127.0.0.1:9", false});
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const spackext::InputError& e) {
    EXPECT_EQ(e.exit_code(), 2);
    return e.what();
  }
  return "no error";
}

TEST(ClosestName, PicksTheSmallestEditDistance) {
  EXPECT_EQ(spackext::closest_name("hpc7a.96xlarg", {"hpc7g.16xlarge", "hpc7a.96xlarge", "c7i.48xlarge"}),
            "hpc7a.96xlarge");
  EXPECT_EQ(spackext::closest_name("ZEN4", {"zen3", "zen4"}), "zen4");
  EXPECT_EQ(spackext::closest_name("x", {}), "");
}

TEST(AwsCatalog, HpcFamiliesHaveTheirMicroarchitectureAndFabric) {
  auto p = aws();
  // Facts from the EC2 documentation: hpc7a is AMD Genoa with 192 cores and
  // 768 GiB, hpc7g is Graviton3E, hpc6id is Ice Lake; all have EFA.
  auto hpc7a = p.instance("hpc7a.96xlarge");
  EXPECT_EQ(hpc7a["microarch"], "zen4");
  EXPECT_EQ(hpc7a["vcpus"], 192);
  EXPECT_EQ(hpc7a["memory_gib"], 768);
  EXPECT_EQ(hpc7a["fabric"], "efa");
  EXPECT_EQ(hpc7a["mpi"]["provider"], "openmpi");
  EXPECT_EQ(p.instance("hpc7g.16xlarge")["microarch"], "neoverse_v1");
  EXPECT_EQ(p.instance("hpc7g.16xlarge")["family_arch"], "aarch64");
  EXPECT_EQ(p.instance("hpc6id.32xlarge")["microarch"], "icelake");
  EXPECT_EQ(p.instance("c7i.48xlarge")["microarch"], "sapphirerapids");
  EXPECT_EQ(p.instance("c7i.48xlarge")["fabric"], "efa");
  EXPECT_EQ(p.instance("c7i.large")["fabric"], "ena");
  EXPECT_EQ(p.instance("p5.48xlarge")["gpus"], 8);
  EXPECT_EQ(p.instance("p5.48xlarge")["gpu_model"], "H100");
  EXPECT_EQ(p.instance("g5.xlarge")["gpu_model"], "A10G");
  for (const auto* t : {"c7g.16xlarge", "c6i.32xlarge", "hpc7g.4xlarge"}) EXPECT_NO_THROW(p.instance(t)) << t;
}

TEST(AwsCatalog, UnknownInstanceTypeSuggestsTheClosest) {
  auto p = aws();
  auto what = error_of([&] { p.instance("hpc7a.96xlarg"); });
  EXPECT_NE(what.find("unknown aws instance type 'hpc7a.96xlarg'"), std::string::npos) << what;
  EXPECT_NE(what.find("did you mean 'hpc7a.96xlarge'?"), std::string::npos) << what;
}

TEST(AwsCatalog, SiteContextChecksTheRegionTheUserGave) {
  auto p = aws();
  auto ctx = p.site_context({{"instance_type", "hpc7g.16xlarge"}, {"region", "eu-west-1"}});
  EXPECT_EQ(ctx["provider"], "aws");
  EXPECT_EQ(ctx["region"], "eu-west-1");
  EXPECT_EQ(ctx["instance_type"], "hpc7g.16xlarge");
  EXPECT_EQ(p.site_context({{"instance_type", "c7g.large"}})["region"], "us-east-1");
  auto what = error_of([&] { p.site_context({{"instance_type", "c7g.large"}, {"region", "us-east-7"}}); });
  EXPECT_NE(what.find("unknown aws region 'us-east-7'"), std::string::npos) << what;
  EXPECT_NE(what.find("did you mean 'us-east-1'"), std::string::npos) << what;
}

TEST(AwsCatalog, SiteContextWithoutATypeNeedsADetectableInstance) {
  auto p = aws();
  auto what = error_of([&] { p.site_context({}); });
  EXPECT_NE(what.find("give --instance-type"), std::string::npos) << what;
}

TEST(GcpCatalog, ComputeAndAcceleratorFamilies) {
  spackext::gcp::GcpProvider p(spackext::CloudProbe{"/nonexistent", "http://127.0.0.1:9", false});
  EXPECT_EQ(p.instance("c3-standard-176")["microarch"], "sapphirerapids");
  EXPECT_EQ(p.instance("c3-standard-176")["memory_gib"], 704);
  EXPECT_EQ(p.instance("c3d-standard-360")["microarch"], "zen4");
  EXPECT_EQ(p.instance("h3-standard-88")["vcpus"], 88);
  EXPECT_EQ(p.instance("c2d-standard-112")["microarch"], "zen3");
  EXPECT_EQ(p.instance("a3-highgpu-8g")["gpus"], 8);
  EXPECT_EQ(p.instance("a3-highgpu-8g")["cuda_arch"], "90");
  auto what = error_of([&] { p.instance("c3-standrd-88"); });
  EXPECT_NE(what.find("did you mean 'c3-standard-88'"), std::string::npos) << what;
}

TEST(AzureCatalog, HpcSizesCarryInfiniBand) {
  spackext::azure::AzureProvider p(spackext::CloudProbe{"/nonexistent", "http://127.0.0.1:9", false});
  auto hbv4 = p.instance("Standard_HB176rs_v4");
  EXPECT_EQ(hbv4["microarch"], "zen4");
  EXPECT_EQ(hbv4["vcpus"], 176);
  EXPECT_EQ(hbv4["fabric"], "infiniband");
  EXPECT_EQ(hbv4["infiniband"], "NDR");
  EXPECT_EQ(hbv4["mpi"]["variants"], "fabrics=ucx");
  EXPECT_EQ(p.instance("Standard_HB120rs_v3")["microarch"], "zen3");
  EXPECT_EQ(p.instance("Standard_HC44rs")["microarch"], "skylake_avx512");
  EXPECT_EQ(p.instance("Standard_HX176rs")["memory_gib"], 1408);
  EXPECT_EQ(p.instance("Standard_ND96isr_H100_v5")["gpus"], 8);
  auto what = error_of([&] { p.instance("Standard_HB176rs_v5"); });
  EXPECT_NE(what.find("did you mean 'Standard_HB176rs_v4'"), std::string::npos) << what;
  EXPECT_FALSE(p.regions().empty());
}

}  // namespace
