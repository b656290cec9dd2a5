// Each optimizer plugin, loaded through its exported entry point into a
// minimal host context: the service it registers (kind, name, priority order)
// and one manifest-checked answer per family it covers.
#include <boost/dll/import.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <spackext/spackext.hpp>
#include <spackext_testing/testing.hpp>

namespace {

namespace fs = std::filesystem;
using spackext::testing::read_file;

class MiniHost final : public spackext::HostContext {
 public:
  spackext::Registry& registry() override { return registry_; }
  spackext::Bus& bus() override { return bus_; }
  std::shared_ptr<spdlog::logger> logger() override { return logger_; }
  const spackext::Config& config() const override { return config_; }
  const spackext::Paths& paths() const override { return paths_; }
  const spackext::OutputOptions& output() const override { return output_; }
  const std::string& plugin_name() const override { return name_; }

 private:
  spackext::Registry registry_;
  spackext::Bus bus_;
  spackext::Config config_;
  spackext::Paths paths_;
  spackext::OutputOptions output_;
  std::string name_ = "test";
  std::shared_ptr<spdlog::logger> logger_ =
      std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
};

// Libraries outlive the plugin objects, which outlive the host's services.
struct Loaded {
  std::vector<std::function<spackext::PluginFactory>> factories;
  std::vector<std::unique_ptr<spackext::Plugin>> plugins;
  MiniHost host;
  ~Loaded() { host.registry().clear(); }

  void load(const fs::path& so) {
    factories.push_back(boost::dll::import_alias<spackext::PluginFactory>(
        boost::dll::fs::path(so), spackext::kEntryPoint, boost::dll::load_mode::rtld_now));
    plugins.push_back(factories.back()());
    plugins.back()->register_services(host);
  }
};

fs::path plugin(const std::string& name) { return fs::path(SPACKEXT_PLUGIN_DIR) / (name + ".so"); }

std::optional<spackext::MicroarchDetection> detect_sample(spackext::Optimizer& o, const fs::path& dir,
                                                          const std::string& sample, const std::string& machine) {
  return o.detect({machine, read_file(dir / sample), sample, {}, nullptr});
}

TEST(OptimizerPlugins, EachFamilyPluginAnswersForItsMachinesOnly) {
  SPACKEXT_REQUIRE_FIXTURE(dir, "fixtures/cpuinfo");
  const auto manifest = nlohmann::json::parse(read_file(dir / "manifest.json"));
  struct Case {
    const char* plugin;
    const char* service;
    std::vector<const char*> samples;
  };
  const std::vector<Case> cases = {
      {"optimizer-x86_64", "x86_64", {"linux-rhel7-haswell"}},
      {"optimizer-aarch64", "aarch64", {"linux-amazon-neoverse_n1"}},
      {"optimizer-ppc64le", "ppc64le", {"linux-centos7-power8le", "linux-unknown-power10"}},
      {"optimizer-riscv64", "riscv64", {"linux-sifive-u74mc"}},
  };
  for (const auto& c : cases) {
    Loaded l;
    l.load(plugin(c.plugin));
    auto infos = l.host.registry().list("optimizer");
    ASSERT_EQ(infos.size(), 1u) << c.plugin;
    EXPECT_EQ(infos[0].name, c.service);
    auto opt = l.host.registry().get<spackext::Optimizer>(c.service);
    for (const auto& [sample, e] : manifest.items()) {
      auto d = detect_sample(*opt, dir, sample, e.at("family"));
      const bool mine = std::find_if(c.samples.begin(), c.samples.end(),
                                     [&](const char* s) { return s == sample; }) != c.samples.end();
      if (mine) {
        ASSERT_TRUE(d) << c.plugin << " " << sample;
        EXPECT_EQ(d->name, e.at("expected")) << sample;
      }
      // Never an answer for another family's machine.
      const std::string fam = e.at("family");
      const bool handles = fam == c.service || (std::string(c.service) == "ppc64le" && fam == "ppc64");
      EXPECT_EQ(d.has_value(), handles) << c.plugin << " on " << sample;
    }
  }
}

// A 32-bit Arm host: archspec's database has only the generic `arm` root for
// it, whose one compiler rule is clang's; gcc gets no opinion (no flags). The
// cpuinfo is the format a Raspberry Pi 3 (Cortex-A53 in 32-bit mode) prints.
TEST(OptimizerPlugins, ArmPluginDetectsThe32BitFamilyWithArchspecsFlags) {
  const std::string cpuinfo =
      "processor\t: 0\nmodel name\t: ARMv7 Processor rev 4 (v7l)\nBogoMIPS\t: 38.40\n"
      "Features\t: half thumb fastmult vfp edsp neon vfpv3 tls vfpv4 idiva idivt vfpd32 lpae evtstrm crc32\n"
      "CPU implementer\t: 0x41\nCPU architecture: 7\nCPU variant\t: 0x0\nCPU part\t: 0xd03\n"
      "CPU revision\t: 4\n\nHardware\t: BCM2835\n";
  Loaded l;
  l.load(plugin("optimizer-arm"));
  auto opt = l.host.registry().get<spackext::Optimizer>("arm");
  for (const char* machine : {"armv7l", "armv6l", "armv8l", "arm"}) {
    auto d = opt->detect({machine, cpuinfo, "rpi3", {}, nullptr});
    ASSERT_TRUE(d) << machine;
    EXPECT_EQ(d->name, "arm") << machine;
    EXPECT_EQ(d->family, "arm") << machine;
    EXPECT_EQ(d->generic, "arm") << machine;
  }
  EXPECT_FALSE(opt->detect({"aarch64", cpuinfo, "rpi3", {}, nullptr}));
  EXPECT_FALSE(opt->detect({"x86_64", "vendor_id: GenuineIntel\nflags: sse\n", "x", {}, nullptr}));
  auto advice = opt->flags({"arm", "gcc", "12.2", nullptr});
  ASSERT_TRUE(advice);
  EXPECT_EQ(advice->flags, "");
  advice = opt->flags({"arm", "clang", "15.0", nullptr});
  ASSERT_TRUE(advice);
  EXPECT_EQ(advice->flags, "-march=arm -mcpu=generic");
  EXPECT_EQ(opt->targets(nullptr), std::vector<std::string>{"arm"});
}

TEST(OptimizerPlugins, VendorPluginOutranksTheFamilyPlugin) {
  Loaded l;
  l.load(plugin("optimizer-x86_64"));
  l.load(fs::path(SPACKEXT_VENDOR_OPTIMIZER_DIR) / "fixture-acme-optimizer.so");
  auto all = l.host.registry().all<spackext::Optimizer>();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0], l.host.registry().get<spackext::Optimizer>("acme"));  // priority 100 first
  EXPECT_EQ(all[0]->targets(nullptr), std::vector<std::string>{"acme_x1"});
  auto advice = all[0]->flags({"acme_x1", "gcc", "13.2", nullptr});
  ASSERT_TRUE(advice);
  EXPECT_EQ(advice->flags, "-march=znver4 -mtune=znver4 -macme-tensor");
  EXPECT_FALSE(all[0]->flags({"zen4", "gcc", "13.2", nullptr}));  // not its CPU
  EXPECT_TRUE(all[1]->flags({"zen4", "gcc", "13.2", nullptr}));
}

}  // namespace
