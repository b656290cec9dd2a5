// What every harness under tests/fuzz checks: parsing arbitrary bytes either
// succeeds or ends in the project's own input error, which names where the
// bad input is (file:line, or object name and offset) and maps to exit 2.
// Anything else is a finding: a crash or sanitizer report (libFuzzer catches
// those itself), or a foreign exception (a json type_error, a YAML or
// std::out_of_range exception) that the CLI would turn into a bare exit 1.
// Findings abort, so libFuzzer keeps the input and the corpus driver fails.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include <spackext/errors.hpp>

namespace spackext::fuzz {

[[noreturn]] inline void finding(std::string_view kind, std::string_view what) {
  std::fprintf(stderr, "FUZZ FINDING (%.*s): %.*s\n", static_cast<int>(kind.size()), kind.data(),
               static_cast<int>(what.size()), what.data());
  std::abort();
}

// Runs `parse`; accepts success, or an `Accepted` exception (by default the
// InputError of bad input, exit 2) whose message starts with `origin`, the
// name the harness gave the input. Harnesses of server replies accept
// spackext::Error (exit 1); the plugin manifest reader has ManifestError,
// whose messages the catalog prefixes with the plugin's path (origin "").
template <class Accepted = spackext::InputError, class Fn>
void expect_clean(const std::string& origin, Fn&& parse) {
  try {
    parse();
  } catch (const std::exception& e) {
    const std::string_view what = e.what();
    if (dynamic_cast<const Accepted*>(&e) == nullptr) {
      auto* ours = dynamic_cast<const spackext::Error*>(&e);
      finding(ours ? "error of the wrong kind (exit " + std::to_string(ours->exit_code()) + ")"
                   : std::string("foreign exception"),
              what);
    }
    if (what.substr(0, origin.size()) != origin) finding("error does not name its input '" + origin + "'", what);
    auto* input = dynamic_cast<const spackext::InputError*>(&e);
    if (input && input->exit_code() != spackext::kExitUsage) finding("input error without exit code 2", what);
  }
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace spackext::fuzz
