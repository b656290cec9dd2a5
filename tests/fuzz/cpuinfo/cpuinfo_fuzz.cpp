// /proc/cpuinfo text as `optimize detect --cpuinfo FILE` reads it: the
// machine guessed from the text, then parsing and detection for it and for
// every machine the optimizers know (a user may force any with --machine).
#include <spackext/microarch/microarch.hpp>

#include "cpu_source.hpp"
#include "fuzz_target.hpp"

namespace ma = spackext::microarch;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto db = ma::Database::builtin();
  const std::string text(spackext::fuzz::as_text(data, size));
  const std::string origin = "fuzz/cpuinfo";
  std::vector<std::string> machines = {"x86_64", "aarch64", "ppc64le", "ppc64", "riscv64"};
  if (auto guess = spackext::optimize::guess_machine(text); !guess.empty()) machines.insert(machines.begin(), guess);
  for (const auto& machine : machines)
    spackext::fuzz::expect_clean(origin, [&] { ma::detect(*db, ma::parse_cpuinfo(text, machine, *db, origin)); });
  return 0;
}
