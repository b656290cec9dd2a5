// The catalog and the loader in-process: lazy loading through the registry,
// and a plugin file swapped between its checks and its loading.
#include <gtest/gtest.h>

#include "plugins/catalog.hpp"
#include "plugins/loader.hpp"
#include "spackext/services/command.hpp"
#include "spackext/version.hpp"
#include "spackext_testing/testing.hpp"

namespace {

namespace fs = std::filesystem;
using namespace spackext;
using namespace spackext::core;

class MinimalContext final : public HostContext {
 public:
  // Registrations go through the plugin's own handle, as the host's
  // contexts do, so they are owned by the plugin.
  MinimalContext(Registry& r, Bus& b, std::string name, std::string version)
      : r_(r.for_plugin(name, std::move(version))), b_(b), name_(std::move(name)) {}
  Registry& registry() override { return *r_; }
  Bus& bus() override { return b_; }
  std::shared_ptr<spdlog::logger> logger() override { return nullptr; }
  const Config& config() const override { return config_; }
  const Paths& paths() const override { return paths_; }
  const OutputOptions& output() const override { return output_; }
  const std::string& plugin_name() const override { return name_; }

 private:
  std::unique_ptr<Registry> r_;
  Bus& b_;
  std::string name_;
  Config config_;
  Paths paths_;
  OutputOptions output_;
};

class LoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_);
    fs::permissions(dir_, fs::perms(0755));
  }
  void TearDown() override {
    bus_.close();
    registry_.set_resolver(nullptr);
    registry_.clear();
  }
  void install(const std::string& fixture, const std::string& as) {
    fs::copy_file(fs::path(SPACKEXT_CONTRACT_FIXTURE_DIR) / ("fixture-" + fixture + ".so"), dir_ / as,
                  fs::copy_options::overwrite_existing);
    fs::permissions(dir_ / as, fs::perms(0755));
  }
  std::unique_ptr<Catalog> scan() {
    auto c = std::make_unique<Catalog>(std::vector<SearchRoot>{{dir_, "test"}}, cache_,
                                       CatalogOptions{false, kApiMajor, kApiMinor, std::string(kAbiTag)});
    c->scan();
    return c;
  }
  Loader::ContextFactory factory() {
    return [this](const PluginRecord& r) { return std::make_unique<MinimalContext>(registry_, bus_, r.name(), r.manifest->version.str()); };
  }

  spackext::testing::TempDir tmp_{"spackext-loader"};
  fs::path dir_ = tmp_ / "plugins";
  ManifestCache cache_{fs::path()};  // disabled
  Registry registry_;
  Bus bus_;
};

TEST_F(LoaderTest, RegistryMissLoadsTheDeclaringPlugin) {
  install("good", "good.so");
  install("other-good", "other-good.so");
  auto catalog = scan();
  Loader loader(*catalog, registry_, bus_, factory());
  registry_.set_resolver(&loader);
  EXPECT_EQ(registry_.size(), 0u);
  auto cmd = registry_.get<Command>("other-good");
  ASSERT_TRUE(cmd);
  EXPECT_EQ(catalog->usable("other-good")->state, PluginState::loaded);
  EXPECT_EQ(catalog->usable("good")->state, PluginState::available) << "only the provider is loaded";
  auto infos = registry_.list("command");
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_EQ(infos[0].plugin, "other-good");
  EXPECT_EQ(infos[0].plugin_version, "1.0.0");
}

TEST_F(LoaderTest, FileSwappedAfterItsChecksIsNotLoaded) {
  install("good", "good.so");
  auto catalog = scan();
  // Replace the checked file by another library (a new inode) before loading.
  install("other-good", "replacement.so");
  fs::rename(dir_ / "replacement.so", dir_ / "good.so");
  Loader loader(*catalog, registry_, bus_, factory());
  auto* record = catalog->usable("good");
  ASSERT_NE(record, nullptr);
  EXPECT_FALSE(loader.load(*record));
  EXPECT_EQ(record->state, PluginState::load_failed);
  EXPECT_EQ(record->reason, "the file changed after it was checked; not loaded (run the command again)");
  EXPECT_EQ(registry_.size(), 0u);
}

}  // namespace
