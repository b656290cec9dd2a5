// A copy of Spack's OCI registry dump whose images were built at chosen
// times: a registry keeps no push time, so `buildcache prune` on oci:// ages
// an image by the `archive_timestamp` in its config. Each config is
// rewritten with its new time (so its digest and its manifest change); the
// dump's own index image is left out (`buildcache sync` publishes one).
#pragma once

#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include <spackext_testing/testing.hpp>

namespace spackext::test {

// The dump's images (peerhello links peerlib, which links peermpi).
inline const std::string kHello = "peerhello-1.0-5hn2gvdnbmne734ml6ionv2ba7cemxgl.spack";
inline const std::string kLib = "peerlib-1.0-fe2xtrzeuj3aptrt5see46vcskdgwfht.spack";
inline const std::string kMpi = "peermpi-1.0-52khzykl54qj6thnn2sikydwkxf5oeh5.spack";

inline std::string sha256_of_file(const std::filesystem::path& file) {
  auto r = spackext::testing::run({"/usr/bin/sha256sum", file.string()});
  if (r.exit_code != 0 || r.out.size() < 64) throw std::runtime_error("sha256sum failed: " + r.err);
  return r.out.substr(0, 64);
}

// Python's datetime.isoformat() of a UTC time, as Spack writes it.
inline std::string iso_utc(std::chrono::system_clock::time_point t) {
  const auto secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000000+00:00", &tm);
  return buf;
}

// Copies `dump` to `to`; the image whose tag starts with a key of `age`
// gets an archive_timestamp that long ago, every other one now. Returns the
// new manifests' digests by tag.
inline std::map<std::string, std::string> aged_dump(const std::filesystem::path& dump, const std::filesystem::path& to,
                                                    const std::map<std::string, std::chrono::hours>& age) {
  namespace fs = std::filesystem;
  using Json = nlohmann::json;
  fs::create_directories(to / "manifests");
  fs::create_directories(to / "blobs/sha256");
  fs::create_directories(to / "tags");
  const auto now = std::chrono::system_clock::now();
  Json tags = Json::array();
  std::map<std::string, std::string> digests;
  std::set<std::string> old_configs;
  for (const auto& e : fs::directory_iterator(dump / "manifests")) {
    const auto tag = e.path().filename().string();
    if (tag == "index.spack") continue;
    auto manifest = Json::parse(spackext::testing::read_file(e.path()));
    const auto old_config = manifest["config"]["digest"].get<std::string>().substr(7);
    old_configs.insert(old_config);
    auto config = Json::parse(spackext::testing::read_file(dump / "blobs/sha256" / old_config));
    auto when = now;
    for (const auto& [prefix, hours] : age)
      if (tag.rfind(prefix, 0) == 0) when = now - hours;
    config["archive_timestamp"] = iso_utc(when);
    const auto config_text = config.dump();
    const auto tmp = to / "config.tmp";
    spackext::testing::write_file(tmp, config_text);
    const auto config_sha = sha256_of_file(tmp);
    fs::rename(tmp, to / "blobs/sha256" / config_sha);
    manifest["config"]["digest"] = "sha256:" + config_sha;
    manifest["config"]["size"] = config_text.size();
    spackext::testing::write_file(to / "manifests" / tag, manifest.dump());
    digests[tag] = "sha256:" + sha256_of_file(to / "manifests" / tag);
    tags.push_back(tag);
  }
  // Every layer (and nothing else: the old configs and the old index image stay behind).
  for (const auto& e : fs::directory_iterator(dump / "manifests")) {
    if (e.path().filename() == "index.spack") continue;
    const auto m = Json::parse(spackext::testing::read_file(e.path()));
    for (const auto& l : m["layers"]) {
      const auto hex = l["digest"].get<std::string>().substr(7);
      if (!fs::exists(to / "blobs/sha256" / hex)) fs::copy_file(dump / "blobs/sha256" / hex, to / "blobs/sha256" / hex);
    }
  }
  spackext::testing::write_file(to / "tags/list", Json{{"name", "peer/buildcache"}, {"tags", tags}}.dump());
  return digests;
}

}  // namespace spackext::test
