// A file in a plugin folder as the host's discovery reads it, without
// dlopen: the ELF checks and the .spackext_manifest section (libelf), then the
// manifest in it. Every outcome is a status with a reason; nothing may throw
// but the manifest parser's own ManifestError.
#include <spackext/manifest.hpp>

#include "plugins/elf_manifest.hpp"
#include "scratch_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const spackext::fuzz::ScratchFolder scratch("elf");
  static const auto file = scratch.path() / "plugin.so";
  spackext::fuzz::write_file(file, spackext::fuzz::as_text(data, size));
  spackext::fuzz::expect_clean<spackext::ManifestError>("", [&] {
    auto result = spackext::core::read_elf_manifest(file);
    if (result.status == spackext::core::ElfManifestResult::Status::ok)
      spackext::Manifest::from_envelope(result.text);
    else if (result.error.empty() && result.status == spackext::core::ElfManifestResult::Status::bad_file)
      spackext::fuzz::finding("bad file without a reason", file.string());
  });
  return 0;
}
