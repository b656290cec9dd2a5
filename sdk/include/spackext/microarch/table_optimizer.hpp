// An Optimizer over the microarchitecture database: what the family plugins
// are, and what a vendor plugin becomes by adding its own table.
//
//   // vendor plugin: a child of zen4 that needs one more feature
//   auto opt = std::make_shared<spackext::microarch::TableOptimizer>(
//       std::vector<std::string>{"x86_64"}, kAcmeTable, "acme-optimizer");
//   host.registry().add<spackext::Optimizer>("acme", opt, {.priority = 100});
//
// With an extra table, detect() answers only when the winner is one of the
// table's own targets, and flags()/targets() cover only those targets, so the
// family optimizer keeps answering for everything else.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "spackext/host_context.hpp"
#include "spackext/microarch/database.hpp"
#include "spackext/plugin.hpp"
#include "spackext/services/optimizer.hpp"

namespace spackext::microarch {

class TableOptimizer : public Optimizer {
 public:
  // `families`: the machines handled (e.g. {"ppc64", "ppc64le"}).
  // `extra_table`: targets in spack-ext's table format (may be empty).
  TableOptimizer(std::vector<std::string> families, std::string extra_table = {},
                 std::string table_origin = {});

  std::optional<MicroarchDetection> detect(const CpuDescription& cpu) override;
  std::optional<FlagsAdvice> flags(const FlagsRequest& request) override;
  std::vector<std::string> targets(const std::shared_ptr<const Database>& base) override;

  // The base table merged with the extra one (cached per base).
  std::shared_ptr<const Database> database(const std::shared_ptr<const Database>& base);
  const std::vector<std::string>& families() const { return families_; }

 private:
  bool handles_family(const std::string& family) const;
  bool owns(const std::string& target) const;

  std::vector<std::string> families_;
  std::string extra_table_;
  std::string table_origin_;
  std::vector<std::string> own_targets_;  // names defined by the extra table
  std::mutex mutex_;
  std::map<const Database*, std::shared_ptr<const Database>> merged_;
  std::vector<std::shared_ptr<const Database>> keep_alive_;  // keys stay valid
};

// A whole optimizer plugin in one line: registers a TableOptimizer under
// `service_name` with `priority`.
//
//   struct AcmePlugin final : spackext::microarch::TableOptimizerPlugin {
//     AcmePlugin() : TableOptimizerPlugin("acme", {"x86_64"}, kAcmeTable, "acme table", 100) {}
//   };
//   SPACKEXT_PLUGIN(AcmePlugin)
class TableOptimizerPlugin : public Plugin {
 public:
  TableOptimizerPlugin(std::string service_name, std::vector<std::string> families,
                       std::string extra_table = {}, std::string table_origin = {}, int priority = 0);
  void register_services(HostContext& host) override;

 private:
  std::string service_name_;
  std::vector<std::string> families_;
  std::string extra_table_;
  std::string table_origin_;
  int priority_;
};

// Converts a detection into the service answer (generic level, features, ancestors).
MicroarchDetection describe_detection(const Database& db, const Microarchitecture& target);

}  // namespace spackext::microarch
