// spack-ext's own configuration (config.yaml scopes, --config FILE): the
// input is the --config file, merged over a user scope; then the same text
// as the value of a SPACK_EXT_* environment variable.
#include "config/config_loader.hpp"
#include "scratch_file.hpp"

namespace {

struct Scopes {
  spackext::fuzz::ScratchFolder scratch{"config"};
  spackext::core::ConfigSources sources;
  Scopes() {
    const auto& dir = scratch.path();
    std::filesystem::create_directories(dir / "site");
    std::filesystem::create_directories(dir / "user");
    spackext::fuzz::write_file(dir / "user" / "config.yaml",
                               "deploy:\n  jobs: 4\n  executor: local\nbuildcache:\n  jobs: 8\n");
    sources.site_dir = dir / "site";
    sources.user_dir = dir / "user";
    sources.working_dir = dir;
    sources.explicit_file = dir / "input.yaml";
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Scopes scopes;
  spackext::fuzz::write_file(*scopes.sources.explicit_file, spackext::fuzz::as_text(data, size));
  spackext::fuzz::expect_clean(scopes.sources.explicit_file->string(), [&] {
    auto config = spackext::core::load_config(scopes.sources);
    config.at("deploy.jobs");
  });
  spackext::fuzz::expect_clean("environment variable SPACK_EXT_FUZZ", [&] {
    spackext::core::yaml_to_json(std::string(spackext::fuzz::as_text(data, size)), "environment variable SPACK_EXT_FUZZ");
  });
  return 0;
}
