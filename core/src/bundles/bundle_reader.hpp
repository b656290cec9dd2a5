// Reads a bundle and proves it before anything is written: the signature of
// MANIFEST.json by a trusted publisher, then every member against the
// manifest (safe path, regular file, no special bits, declared size and
// sha256, no extras, nothing missing), then every plugin's embedded manifest
// against the host's loader rules. Members are held in memory (within
// `ReadLimits`), so what was checked is exactly what gets installed: the
// bundle file is read once and never reopened.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "bundles/bundle_command.hpp"
#include "bundles/bundle_manifest.hpp"

namespace spackext::bundles {

class TrustedKeyring;

struct ReadLimits {
  std::uint64_t max_total_bytes = 512ull << 20;  // all members, uncompressed (zip bombs stop here)
  std::size_t max_members = 4096;
  std::size_t max_manifest_bytes = 4u << 20;
  std::size_t max_signature_bytes = 64u << 10;
};

struct ReadOptions {
  TrustedKeyring* keyring = nullptr;
  bool allow_unsigned = false;  // unsigned or untrusted (never a BAD signature)
  ReadLimits limits;
  std::function<PluginImageCheck(std::string_view)> check_plugin_image;
  std::function<void(const std::string&)> warn;
};

struct VerifiedBundle {
  BundleManifest manifest;
  std::string manifest_text;
  std::string signature;  // empty: unsigned
  std::string signer;     // fingerprint of the trusted publisher, if signed and trusted
  std::map<std::string, std::string> contents;  // member path -> bytes
};

// Throws InputError("<bundle>: refused: <reason>") on the first problem.
VerifiedBundle read_verified_bundle(const std::filesystem::path& bundle, const ReadOptions& options);

// Checks a signature (or its absence) under the rules of `options`; returns
// the signer's fingerprint or "" (accepted as unsigned/untrusted), throws
// InputError(where, ...) when refused.
std::string check_signature(const std::string& where, const std::string& manifest_text,
                            const std::string& signature, const ReadOptions& options);

}  // namespace spackext::bundles
