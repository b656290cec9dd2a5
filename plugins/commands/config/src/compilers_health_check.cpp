#include "compilers_health_check.hpp"

#include "compiler_discovery.hpp"

namespace spackext::config {

std::vector<HealthResult> CompilersHealthCheck::run(const HealthRequest&) {
  // Discovery only keeps compilers whose version query ran and answered.
  auto found = discover_compilers({}, true, cache_.get());
  cache_->save();
  std::vector<HealthResult> out;
  for (const auto& c : found) {
    std::string langs;
    for (const auto& [lang, path] : c.languages) langs += (langs.empty() ? "" : ", ") + lang;
    HealthResult r{c.package + "@" + c.version, HealthStatus::ok,
                   c.languages.at("c").string() + " (" + langs + ")", "", c.to_json()};
    if (!c.languages.count("cxx")) {
      r.status = HealthStatus::warn;
      r.advice = "install the C++ compiler of " + c.package + " " + c.version + " (most Spack packages need one)";
    }
    out.push_back(std::move(r));
  }
  if (out.empty())
    out.push_back({"compilers", HealthStatus::fail, "no runnable C compiler on PATH (gcc, clang, icx, nvc, ...)",
                   "install one (e.g. apt install build-essential) or add its bin folder to PATH",
                   nlohmann::json::object()});
  return out;
}

}  // namespace spackext::config
