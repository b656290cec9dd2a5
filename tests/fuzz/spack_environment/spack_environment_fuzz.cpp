// A Spack environment's spack.lock or an install database (index.json), as
// `modules generate --from` and `snapshot` read them through the SDK, then
// planned into Lmod and Tcl modules with Spack's default modules.yaml: the
// DAG walks (autoloads, providers, compilers of v5 nodes) and the spec
// formatting of projections run on whatever the file held.
#include <spackext/json_input.hpp>
#include <spackext/spack/install_database.hpp>
#include <spackext/spack/lockfile.hpp>

#include "fuzz_target.hpp"
#include "module_planner.hpp"
#include "modules_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace sp = spackext::spack;
  namespace sm = spackext::modules;
  const std::string origin = "fuzz/spack.lock";
  static const sm::ModulesConfig config = sm::ModulesConfig::defaults();
  spackext::fuzz::expect_clean(origin, [&] {
    const auto doc = spackext::parse_json_input(spackext::fuzz::as_text(data, size), origin,
                                                "a spack.lock or a Spack database index.json");
    // The same choice the modules command makes between the two formats.
    const sp::SpecSet set = doc.is_object() && doc.contains("_meta") ? sp::parse_lockfile(doc, origin)
                                                                      : sp::parse_install_database(doc, origin);
    for (const auto& [hash, spec] : set.all()) {
      spec.format();
      set.provider(spec, "mpi");
    }
    sm::PlanInput input;
    input.specs = &set;
    input.explicit_hashes.insert(set.roots().begin(), set.roots().end());
    // Prefixes that cannot exist: a planner that looks inside them finds
    // nothing, whatever paths the input names.
    input.prefix_of = [](const sp::ConcreteSpec& spec) { return "/nonexistent-fuzz-prefix/" + spec.hash; };
    input.install_root = "/nonexistent-fuzz-prefix";
    input.config = &config;
    for (const char* system : {"lmod", "tcl"}) {
      input.system = system;
      sm::plan_modules(input);
    }
  });
  return 0;
}
