#include "ci_command.hpp"

#include <sstream>

#include "pipeline_generator.hpp"
#include "spackext/errors.hpp"

namespace spackext::ci {
namespace {

namespace fs = std::filesystem;

// "a,b" and repeated options both give lists.
std::vector<std::string> comma_list(const std::vector<std::string>& given) {
  std::vector<std::string> out;
  for (const auto& g : given) {
    std::stringstream ss(g);
    for (std::string s; std::getline(ss, s, ',');)
      if (!s.empty()) out.push_back(s);
  }
  return out;
}

}  // namespace

int CiCommand::run(const CommandInvocation& inv) {
  const auto& a = inv.parsed;
  if (a.subcommand() != "generate") throw UsageError("ci: unknown subcommand '" + a.subcommand() + "'\n" + a.usage());
  GenerateRequest req;
  if (a.given("config") == a.given("graph"))
    throw UsageError("ci generate: give exactly one of --config deploy.yaml or --graph FILE\n" + a.usage());
  for (const char* key : {"config", "graph"})
    if (a.given(key)) {
      fs::path p = a.get(key);
      if (!fs::is_regular_file(p)) throw InputError(p.string(), "no such file");
      (std::string(key) == "config" ? req.plan.config : req.plan.graph) = p;
    }
  for (const auto& s : comma_list(a.all("stages"))) req.plan.stages.insert(s);
  req.backend = a.get("backend");
  auto& o = req.options;
  o.output = a.get("output");
  if (a.given("split")) {
    long n = a.integer("split", 0);
    if (n < 1) throw UsageError("ci generate: --split must be at least 1\n" + a.usage());
    if (req.backend != "gitlab") throw UsageError("ci generate: --split applies to the gitlab backend only");
    o.split = static_cast<std::size_t>(n);
  }
  o.image = a.get("image");
  o.tags = comma_list(a.all("tags"));
  o.runs_on = a.get("runs-on");
  o.namespace_name = a.get("namespace");
  o.volume_claim = a.get("volume-claim");
  o.kind = a.get("kind");
  req.orchestrate = a.given("orchestrate");

  auto result = generate_pipeline(host_.registry(), req);
  for (const auto& w : result.rendering.warnings) inv.err << "ci generate: warning: " << w << "\n";
  if (result.written.empty() && !inv.output.json) {
    inv.out << result.rendering.files.front().content;
    return kExitOk;
  }
  if (inv.output.json) {
    nlohmann::json files = nlohmann::json::array();
    for (std::size_t i = 0; i < result.rendering.files.size(); ++i) {
      nlohmann::json f{{"path", result.written.empty() ? result.rendering.files[i].path : result.written[i].string()},
                       {"bytes", result.rendering.files[i].content.size()}};
      if (result.written.empty()) f["content"] = result.rendering.files[i].content;
      files.push_back(f);
    }
    inv.out << nlohmann::json{{"backend", req.backend}, {"deployment", result.plan.deployment},
                              {"jobs", result.plan.jobs.size()}, {"files", files},
                              {"warnings", result.rendering.warnings}}
                   .dump(2)
            << "\n";
    return kExitOk;
  }
  for (const auto& p : result.written) inv.err << "wrote " << p.string() << "\n";
  inv.err << "ci generate: " << result.plan.jobs.size() << " jobs of '" << result.plan.deployment << "' for "
          << req.backend << "\n";
  return kExitOk;
}

}  // namespace spackext::ci
