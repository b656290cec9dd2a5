// deploy.yaml as `deploy run|plan --config FILE` reads it: parsed, validated
// and expanded into the build graph (matrix nodes, dependencies, cycles).
// The file sits in a scratch folder holding one Spack environment, `env`, so
// inputs that name it get past the environment checks.
#include "deploy_spec.hpp"
#include "matrix_expansion.hpp"
#include "scratch_file.hpp"

namespace {

std::filesystem::path deploy_file() {
  static const spackext::fuzz::ScratchFolder scratch("deploy");
  const auto& folder = scratch.path();
  std::filesystem::create_directories(folder / "env");
  spackext::fuzz::write_file(folder / "env" / "spack.yaml", "spack:\n  specs: [zlib]\n");
  return folder / "deploy.yaml";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path file = deploy_file();
  const std::string text(spackext::fuzz::as_text(data, size));
  spackext::fuzz::expect_clean(file.string(), [&] {
    auto spec = spackext::deploy::parse_deploy_spec(text, file);
    spackext::deploy::expand_stages(spec);
  });
  return 0;
}
