// A plugin manifest as the host reads it from a .so's section: the stamped
// envelope ({"api_version", "abi", "manifest"}), and the same input as the
// author's plugin.json wrapped in a valid envelope, so plugin.json files seed
// the inner fields. What parses must survive its own round trip.
#include <spackext/manifest.hpp>

#include "fuzz_target.hpp"

namespace {

void round_trip(const spackext::Manifest& m) {
  const auto again = spackext::Manifest::from_json(m.to_json());
  if (again.to_json() != m.to_json()) spackext::fuzz::finding("round trip", m.to_json().dump());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = spackext::fuzz::as_text(data, size);
  spackext::fuzz::expect_clean<spackext::ManifestError>("", [&] { round_trip(spackext::Manifest::from_envelope(text)); });
  auto body = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!body.is_discarded()) {
    nlohmann::json envelope{{"api_version", "1.0"}, {"abi", "gcc/libstdc++-cxx11"}, {"manifest", body}};
    spackext::fuzz::expect_clean<spackext::ManifestError>("", [&] { round_trip(spackext::Manifest::from_json(envelope)); });
  }
  return 0;
}
