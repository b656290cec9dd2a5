// `provider` services: where spack-ext runs (a cloud or an on-prem site).
// Each provider detects itself, knows its instance catalog and supplies the
// variables that site-config templates are rendered with.
//
// Cloud providers mostly differ in data: CatalogProvider below implements the
// catalog side (lookup, suggestions for a mistyped instance type, regions,
// template variables) from a JSON catalog, so a provider plugin supplies the
// catalog and its own detection only.
#pragma once

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "spackext/errors.hpp"
#include "spackext/http/client.hpp"
#include "spackext/service.hpp"
#include "spackext/suggest.hpp"

namespace spackext {

struct ProviderDetection {
  bool detected = false;
  double confidence = 0.0;  // 0..1; the host picks the most confident provider
  nlohmann::json details = nlohmann::json::object();  // instance type, region, ...
};

class Provider : public Service {
 public:
  static constexpr const char* kKind = "provider";
  virtual ProviderDetection detect() = 0;
  // Families/types with microarchitecture, vCPUs, memory, GPUs, fabric, MPI hints.
  virtual nlohmann::json instance_catalog() const = 0;
  // Template variables for a site config, from a request such as
  // {"instance_type": "...", "region": "..."} or {} for the detected machine.
  // An unknown instance type or region is a spackext::InputError that names
  // the closest known one.
  virtual nlohmann::json site_context(const nlohmann::json& request) = 0;
  // The regions (or sites) this provider knows; empty when it has none.
  virtual std::vector<std::string> regions() const = 0;
};

// --- helpers for provider implementations (header-only) -----------------------

// One field of the firmware's DMI table (<root>/<field>, root normally
// /sys/class/dmi/id), trimmed; "" when absent or unreadable.
inline std::string read_dmi_field(const std::filesystem::path& root, const std::string& field) {
  std::ifstream in(root / field);
  std::string value;
  std::getline(in, value);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.pop_back();
  return value;
}

// Where a cloud provider looks for itself. Every source can be redirected so
// tests (and unusual machines) need no real cloud.
struct CloudProbe {
  std::filesystem::path dmi_root = "/sys/class/dmi/id";
  std::string metadata_url;  // the metadata service's base address
  // Ask the metadata service even without the cloud's DMI signature: set
  // when the address was given explicitly (a test server, an unusual VM).
  bool always_query_metadata = false;
  // Metadata services answer in milliseconds; a machine elsewhere must not
  // wait long for a link-local address that never answers.
  std::chrono::milliseconds timeout{300};

  // `default_url`, overridden by the environment: SPACK_EXT_DMI_ROOT and
  // `url_variable` (e.g. SPACK_EXT_AWS_METADATA_URL).
  static CloudProbe from_environment(const char* url_variable, std::string default_url) {
    CloudProbe probe;
    probe.metadata_url = std::move(default_url);
    if (const char* dmi = std::getenv("SPACK_EXT_DMI_ROOT")) probe.dmi_root = dmi;
    if (const char* url = std::getenv(url_variable)) {
      probe.metadata_url = url;
      probe.always_query_metadata = true;
    }
    return probe;
  }
};

// One metadata-service request: one attempt, the probe's timeout, no
// redirects. nullopt unless the service answered 200.
inline std::optional<http::Response> query_metadata(const CloudProbe& probe, http::Request request) {
  http::ClientOptions options;
  options.timeout = probe.timeout;
  options.connect_timeout = probe.timeout;
  options.max_attempts = 1;
  options.follow_redirects = false;
  options.use_proxy = false;  // link-local: a proxy would swallow or leak the query
  if (request.url.rfind("http", 0) != 0) request.url = probe.metadata_url + request.url;
  try {
    http::Client client(options);
    auto response = client.send(request);
    if (response.status != 200) return std::nullopt;
    return response;
  } catch (const Error&) {
    return std::nullopt;  // nothing listening, timed out: not this cloud
  }
}

// A provider whose instance types come from a JSON catalog:
//   {"provider": "aws", "default_region": "...", "regions": [...],
//    "families": {"hpc7a": {"microarch": "zen4", "fabric": "efa", "mpi": {...}, ...}},
//    "instance_types": {"hpc7a.96xlarge": {"family": "hpc7a", "vcpus": 192, ...}}}
// A type's entry inherits its family's fields; site_context() returns that
// merged entry plus provider, instance_type and region.
class CatalogProvider : public Provider {
 public:
  explicit CatalogProvider(nlohmann::json catalog) : catalog_(std::move(catalog)) {}

  nlohmann::json instance_catalog() const override { return catalog_; }

  std::vector<std::string> regions() const override {
    return catalog_.value("regions", std::vector<std::string>{});
  }

  std::vector<std::string> instance_types() const {
    std::vector<std::string> names;
    for (const auto& [name, entry] : catalog_.at("instance_types").items()) names.push_back(name);
    return names;
  }

  // The merged family + type entry; InputError with a suggestion if unknown.
  nlohmann::json instance(const std::string& type) const {
    const auto& types = catalog_.at("instance_types");
    auto it = types.find(type);
    if (it == types.end()) {
      throw InputError("--instance-type", "unknown " + provider_name() + " instance type '" + type +
                                               "'; did you mean '" + closest_name(type, instance_types()) +
                                               "'?");
    }
    nlohmann::json entry = catalog_.at("families").value(it->value("family", ""), nlohmann::json::object());
    entry.merge_patch(*it);
    entry["instance_type"] = type;
    return entry;
  }

  nlohmann::json site_context(const nlohmann::json& request) override {
    nlohmann::json wanted = request;
    if (!wanted.contains("instance_type")) {
      auto found = detect();
      if (!found.detected || !found.details.contains("instance_type")) {
        throw InputError("--instance-type", "this machine is not a detectable " + provider_name() +
                                                " instance; give --instance-type");
      }
      for (const auto& key : {"instance_type", "region"}) {
        if (found.details.contains(key) && !wanted.contains(key)) wanted[key] = found.details[key];
      }
    }
    nlohmann::json context = instance(wanted.at("instance_type").get<std::string>());
    std::string region = wanted.value("region", catalog_.value("default_region", ""));
    auto known = regions();
    // A region the metadata service reports is trusted (new regions appear);
    // one the user typed is checked.
    if (request.contains("region") && !known.empty() && std::find(known.begin(), known.end(), region) == known.end()) {
      throw InputError("--region", "unknown " + provider_name() + " region '" + region + "'; did you mean '" +
                                       closest_name(region, known) + "'?");
    }
    context["provider"] = provider_name();
    context["region"] = region;
    return context;
  }

 protected:
  std::string provider_name() const { return catalog_.value("provider", "provider"); }

 private:
  nlohmann::json catalog_;
};

}  // namespace spackext

// Assembles a text file (a provider's catalog.json) into the library as the
// NUL-terminated `extern "C" const char symbol[]`, so a plugin needs no
// installed data file. `path` is a string literal, usually a compile definition.
#define SPACKEXT_EMBED_TEXT_FILE(symbol, path) \
  asm(".section .rodata\n.balign 8\n.hidden " #symbol "\n.globl " #symbol "\n" #symbol ":\n" \
      ".incbin \"" path "\"\n.byte 0\n.previous\n");                                          \
  extern "C" const char symbol[]
