// On-prem site facts: Slurm (the real client when installed), shared
// filesystems from a mounts table, and the module system from its variables.
#include <gtest/gtest.h>
#include <unistd.h>

#include "site_provider.hpp"
#include "spackext_testing/testing.hpp"

namespace {

using namespace spackext::site;
namespace t = spackext::testing;

std::function<std::optional<std::string>(const std::string&)> env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

TEST(SlurmVersion, ParsesTheBannersSlurmPrints) {
  EXPECT_EQ(parse_slurm_version("slurm 22.05.8\n"), "22.05.8");          // Debian 12 slurm-wlm
  EXPECT_EQ(parse_slurm_version("slurm-wlm 23.11.4\n"), "23.11.4");      // Ubuntu 24.04
  EXPECT_EQ(parse_slurm_version("bash: sinfo: command not found"), "");
}

// The installed client, asked for its version even where no slurm.conf exists.
TEST(SlurmDetection, RealClientWhenInstalled) {
  SiteProbe probe;
  bool installed = false;
  for (const auto* dir : {"/usr/bin", "/usr/local/bin"}) installed |= access((std::string(dir) + "/sinfo").c_str(), X_OK) == 0;
  if (!installed) GTEST_SKIP() << "no Slurm client (sinfo) installed; install slurm-client";
  probe.search_path = {"/usr/local/bin", "/usr/bin"};
  auto slurm = detect_slurm(probe);
  ASSERT_TRUE(slurm.has_value());
  EXPECT_FALSE(slurm->version.empty());
  EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(slurm->version[0])));
}

TEST(SlurmDetection, AbsentWhenNoClientOnThePath) {
  t::TempDir empty;
  SiteProbe probe;
  probe.search_path = {empty.path()};
  EXPECT_FALSE(detect_slurm(probe).has_value());
}

TEST(SharedFilesystems, FromTheMountsTable) {
  const std::string mounts =
      "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n"
      "/dev/nvme0n1p1 / ext4 rw,relatime 0 0\n"
      "nfs01:/export/home /home nfs4 rw,relatime,vers=4.2 0 0\n"
      "10.0.0.5@tcp:/scratch /lustre/scratch lustre rw,flock,lazystatfs 0 0\n"
      "gpfs1 /gpfs/projects gpfs rw,relatime 0 0\n"
      "beegfs_nodev /mnt/beegfs beegfs rw,relatime,cfgFile=/etc/beegfs/beegfs-client.conf 0 0\n"
      "nas:/sw /opt/site\\040software nfs rw,vers=3 0 0\n";
  auto found = parse_mounts(mounts);
  ASSERT_EQ(found.size(), 5u);
  EXPECT_EQ(found[0].type, "nfs4");
  EXPECT_EQ(found[0].mount, "/home");
  EXPECT_EQ(found[1].type, "lustre");
  EXPECT_EQ(found[1].source, "10.0.0.5@tcp:/scratch");
  EXPECT_EQ(found[2].type, "gpfs");
  EXPECT_EQ(found[3].type, "beegfs");
  EXPECT_EQ(found[4].mount, "/opt/site software");  // \040 is a space

  t::TempDir dir;
  t::write_file(dir / "mounts", mounts);
  SiteProbe probe;
  probe.mounts_file = dir / "mounts";
  EXPECT_EQ(shared_filesystems(probe).size(), 5u);
}

TEST(ModuleSystem, LmodFromItsVariables) {
  SiteProbe probe;
  probe.getenv = env_of({{"LMOD_CMD", "/usr/share/lmod/lmod/libexec/lmod"}, {"LMOD_VERSION", "8.6.19"},
                         {"MODULESHOME", "/usr/share/lmod/lmod"}});
  auto m = detect_module_system(probe);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->name, "lmod");
  EXPECT_EQ(m->version, "8.6.19");
}

TEST(ModuleSystem, EnvironmentModulesFromModulesHome) {
  SiteProbe probe;
  probe.getenv = env_of({{"MODULESHOME", "/usr/share/modules"},
                         {"MODULES_CMD", "/usr/lib/x86_64-linux-gnu/modulecmd.tcl"}, {"MODULE_VERSION", "5.2.0"}});
  auto m = detect_module_system(probe);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->name, "environment-modules");
  EXPECT_EQ(m->version, "5.2.0");
  probe.getenv = env_of({});
  EXPECT_FALSE(detect_module_system(probe));
}

TEST(SiteProvider, DetectsASiteFromItsFacts) {
  t::TempDir dir;
  t::write_file(dir / "mounts", "10.0.0.5@tcp:/scratch /scratch lustre rw 0 0\n");
  SiteProbe probe;
  probe.mounts_file = dir / "mounts";
  probe.search_path = {dir.path()};
  probe.getenv = env_of({{"LMOD_CMD", "/usr/share/lmod/lmod/libexec/lmod"}, {"LMOD_VERSION", "8.6.19"}});
  SiteProvider p(probe);
  auto found = p.detect();
  EXPECT_TRUE(found.detected);
  EXPECT_EQ(found.details["filesystems"][0]["mount"], "/scratch");
  EXPECT_EQ(found.details["module_system"]["name"], "lmod");
  EXPECT_TRUE(found.details["slurm"].is_null());

  t::write_file(dir / "mounts", "/dev/sda1 / ext4 rw 0 0\n");
  probe.getenv = env_of({});
  EXPECT_FALSE(SiteProvider(probe).detect().detected);
}

}  // namespace
