// mirrors.yaml as `buildcache add-mirror|list-mirrors|sync --from-spack`
// read it: loaded and validated against Spack's schema, then every mirror's
// fetch and push endpoints resolved and the file written back both ways.
#include <buildcache/mirror_config.hpp>

#include "scratch_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const spackext::fuzz::ScratchFolder scratch("mirrors");
  static const auto file = scratch.path() / "mirrors.yaml";
  spackext::fuzz::write_file(file, spackext::fuzz::as_text(data, size));
  spackext::fuzz::expect_clean(file.string(), [&] {
    auto config = spackext::buildcache::MirrorsConfig::load(file);
    for (const auto& [name, entry] : config.mirrors().items()) {
      config.fetch(name);
      config.push(name);
      config.signed_(name);
    }
    config.to_yaml();
    config.to_spack_yaml();
  });
  return 0;
}
