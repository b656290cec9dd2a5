// Expected values read straight from the files Spack wrote in the fixtures
// (indexes, manifests, spec files) with plain nlohmann::json — never from the
// code under test.
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>
#include <spackext/errors.hpp>
#include <spackext_testing/testing.hpp>

namespace spackext::buildcache::test {

namespace fs = std::filesystem;

inline nlohmann::json json_file(const fs::path& p) { return nlohmann::json::parse(::spackext::testing::read_file(p)); }

// The JSON inside a clearsigned file, taken between the header's blank line
// and the signature block with plain string search.
inline std::string naive_payload(const std::string& text) {
  auto start = text.find("\n\n");
  auto end = text.find("\n-----BEGIN PGP SIGNATURE-----");
  if (text.rfind("-----BEGIN PGP SIGNED MESSAGE-----", 0) != 0) return text;
  return text.substr(start + 2, end - start - 2);
}

inline nlohmann::json manifest_file(const fs::path& p) {
  return nlohmann::json::parse(naive_payload(::spackext::testing::read_file(p)));
}

inline std::string v3_blob(const std::string& sha) { return "blobs/sha256/" + sha.substr(0, 2) + "/" + sha; }

// Hashes Spack's index marks in_buildcache.
inline std::set<std::string> in_buildcache(const nlohmann::json& index) {
  std::set<std::string> out;
  for (auto& [h, rec] : index["database"]["installs"].items())
    if (rec["in_buildcache"].get<bool>()) out.insert(h);
  return out;
}

inline nlohmann::json v3_index(const fs::path& mirror) {
  auto m = manifest_file(mirror / "v3/manifests/index/index.manifest.json");
  return json_file(mirror / v3_blob(m["data"][0]["checksum"].get<std::string>()));
}
inline nlohmann::json v2_index(const fs::path& mirror) { return json_file(mirror / "build_cache/index.json"); }
inline nlohmann::json oci_index(const fs::path& repo) {
  auto m = json_file(repo / "manifests/index.spack");
  return json_file(repo / ("blobs/sha256/" + m["layers"][0]["digest"].get<std::string>().substr(7)));
}

// tarball key -> sha256 from every v3 spec manifest of a mirror.
inline std::map<std::string, std::string> v3_tarballs(const fs::path& mirror) {
  std::map<std::string, std::string> out;
  for (auto& e : fs::recursive_directory_iterator(mirror / "v3/manifests/spec")) {
    if (!e.is_regular_file()) continue;
    auto m = manifest_file(e.path());
    for (auto& r : m["data"])
      if (r["mediaType"].get<std::string>().find("install") != std::string::npos)
        out[v3_blob(r["checksum"])] = r["checksum"];
  }
  return out;
}

// spec-file stem -> sha256 of the tarball, from every v2 spec file.
inline std::map<std::string, std::string> v2_checksums(const fs::path& mirror) {
  std::map<std::string, std::string> out;
  for (auto& e : fs::directory_iterator(mirror / "build_cache")) {
    auto name = e.path().filename().string();
    if (name.find(".spec.json") == std::string::npos) continue;
    auto doc = nlohmann::json::parse(naive_payload(::spackext::testing::read_file(e.path())));
    out[doc["spec"]["nodes"][0]["hash"]] = doc["binary_cache_checksum"]["hash"];
  }
  return out;
}

// hash -> "compiler@version" as Spack records it: the v4 node key, or (v5)
// annotations.compiler of converted nodes, or the dependency providing "c"
// and that node's version; "" without one.
inline std::map<std::string, std::string> compilers(const nlohmann::json& index) {
  std::map<std::string, std::string> out;
  const auto& installs = index["database"]["installs"];
  for (auto& [h, rec] : installs.items()) {
    const auto& spec = rec["spec"];
    std::string c;
    if (spec.contains("compiler"))
      c = spec["compiler"]["name"].get<std::string>() + "@" + spec["compiler"]["version"].get<std::string>();
    else if (spec.contains("annotations") && spec["annotations"].contains("compiler")) {
      c = spec["annotations"]["compiler"].get<std::string>();  // "gcc@=12.2.0" (converted from v4)
      if (auto eq = c.find("@="); eq != std::string::npos) c.erase(eq + 1, 1);
    } else if (spec.contains("dependencies"))
      for (auto& d : spec["dependencies"])
        for (auto& v : d["parameters"]["virtuals"])
          if (v == "c") c = d["name"].get<std::string>() + "@" + installs[d["hash"].get<std::string>()]["spec"]["version"].get<std::string>();
    out[h] = c;
  }
  return out;
}

inline const char* const kFixtureMirrors[] = {
    "fixtures/spack/buildcache-v3-signed",  "fixtures/spack/buildcache-v3-unsigned",
    "fixtures/spack/buildcache-v2-signed",  "fixtures/spack/buildcache-v2-unsigned",
    "fixtures/spack/buildcache-v2-and-v3-migrated-signed",
    "fixtures/spack/oci/registry-dump/v2/peer/buildcache"};

}  // namespace spackext::buildcache::test
