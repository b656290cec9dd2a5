#include "deploy_command.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <optional>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <thread>

#include "deployment_runner.hpp"
#include "graph_file.hpp"
#include "matrix_expansion.hpp"
#include "schedule_simulator.hpp"
#include "spackext/errors.hpp"

namespace spackext::deploy {
namespace {

constexpr int kBatchJobsInFlight = 10000;

std::atomic<bool> g_cancel{false};
extern "C" void on_cancel_signal(int) { g_cancel.store(true); }

// SIGINT/SIGTERM set the cancel flag while a deployment runs; the scheduler
// then stops the jobs and records it. The previous handlers come back after.
class CancelOnSignals {
 public:
  CancelOnSignals() {
    g_cancel = false;
    struct sigaction sa {};
    sa.sa_handler = on_cancel_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~CancelOnSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  const std::atomic<bool>* flag() const { return &g_cancel; }

 private:
  struct sigaction old_int_ {}, old_term_ {};
};

std::set<std::string> split_stages(const std::string& list) {
  std::set<std::string> out;
  std::stringstream ss(list);
  for (std::string s; std::getline(ss, s, ',');)
    if (!s.empty()) out.insert(s);
  return out;
}

int default_jobs() { return std::max(1u, std::thread::hardware_concurrency()); }

std::string minutes(double m) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << m;
  return s.str();
}

nlohmann::json schedule_json(const BuildGraph& g, const SimulatedSchedule& s) {
  nlohmann::json path = nlohmann::json::array();
  for (auto n : s.critical_path) path.push_back(g.node(n).name);
  return {{"workers", s.workers}, {"policy", s.policy}, {"makespan_min", s.makespan},
          {"lower_bound_min", s.lower_bound}, {"ratio_to_lower_bound", s.ratio_to_lower_bound()},
          {"total_work_min", s.total_work}, {"critical_path_min", s.critical_path_length},
          {"utilisation", s.utilisation}, {"critical_path", path}};
}

void print_schedule(std::ostream& out, const BuildGraph& g, const SimulatedSchedule& s) {
  out << "workers:          " << s.workers << "\n"
      << "nodes:            " << g.size() << "\n"
      << "makespan:         " << minutes(s.makespan) << " min\n"
      << "lower bound:      " << minutes(s.lower_bound) << " min (ratio " << std::setprecision(3)
      << s.ratio_to_lower_bound() << ")\n"
      << "total work:       " << minutes(s.total_work) << " min\n"
      << "utilisation:      " << std::setprecision(1) << std::fixed << s.utilisation * 100 << " %\n"
      << "critical path:    " << minutes(s.critical_path_length) << " min, " << s.critical_path.size()
      << " nodes\n";
  for (auto n : s.critical_path) out << "  " << g.node(n).name << " (" << minutes(g.node(n).duration) << " min)\n";
  out.unsetf(std::ios::fixed);
}

std::string effective_status(const DeploymentRecord& d) {
  if (d.status == "running" && !may_still_run(d)) return "interrupted";
  return d.status;
}

nlohmann::json deployment_json(const DeploymentRecord& d) {
  return {{"id", d.id}, {"name", d.name}, {"config", d.config_path}, {"executor", d.executor},
          {"status", effective_status(d)}, {"created_at", d.created_at}, {"finished_at", d.finished_at},
          {"options", d.options}, {"output_dir", d.output_dir}, {"previous_output", d.previous_output}};
}

}  // namespace

// The words were parsed by the host against "commands" in plugin.json
// (`deploy --config F` is `deploy run --config F`: "default_subcommand").
int DeployCommand::run(const CommandInvocation& inv) {
  const ParsedArgs& vm = inv.parsed;
  const std::string& sub = vm.subcommand();
  const bool json = inv.output.json;

  auto db_path = [&](const ParsedArgs& a) {
    return a.given("state-db") ? fs::path(a.get("state-db")) : host_.paths().state_dir / "deploy.db";
  };
  // A deployment id: the positional ID or the documented --deployment-id.
  auto deployment_id = [&](bool required) -> std::optional<std::int64_t> {
    if (vm.given("deployment-id") && !vm.positionals().empty())
      throw UsageError("give the deployment id once: ID or --deployment-id ID\n" + vm.usage());
    const std::string text = vm.given("deployment-id") ? vm.get("deployment-id") : vm.positional(0);
    if (text.empty()) {
      if (required) throw UsageError("missing deployment ID\n" + vm.usage());
      return std::nullopt;
    }
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size())
      throw InputError("deploy " + sub, "'" + text + "' is not a deployment id (a number, as 'deploy list' shows)");
    return id;
  };
  // The state database of a command that only reads or continues what a
  // run recorded: a missing one is an error, not a new empty database.
  auto recorded_db_path = [&](const ParsedArgs& a) {
    auto path = db_path(a);
    if (!fs::exists(path))
      throw InputError("deploy " + sub, "no deployments recorded (" + path.string() + " does not exist)");
    return path;
  };
  auto log_root = [&](const fs::path& db) { return db.parent_path() / "deploy-logs"; };
  // deploy.state_journal: auto (WAL unless on a network filesystem) or
  // rollback (for a shared filesystem that is not recognised as one).
  const auto journal_setting = host_.config().value<std::string>("deploy.state_journal", "auto");
  if (journal_setting != "auto" && journal_setting != "rollback")
    throw InputError("configuration", "deploy.state_journal is '" + journal_setting +
                                          "'; expected 'auto' or 'rollback'");
  const auto journal = journal_setting == "rollback" ? StateDb::Journal::rollback : StateDb::Journal::automatic;
  auto executor_named = [&](const std::string& name) { return host_.registry().get<Executor>(name); };
  auto report = [&](const DeployResult& r) {
    if (json) {
      inv.out << nlohmann::json{{"id", r.id}, {"status", r.status}, {"succeeded", r.outcome.succeeded},
                                {"failed", r.outcome.failed}, {"skipped", r.outcome.skipped},
                                {"cancelled", r.outcome.cancelled}, {"not_run", r.outcome.not_run}}
                     .dump(2)
              << "\n";
    } else {
      inv.out << "deployment " << r.id << ": " << r.status << " (" << r.outcome.succeeded << " succeeded, "
              << r.outcome.failed << " failed, " << r.outcome.skipped << " skipped, " << r.outcome.cancelled
              << " cancelled, " << r.outcome.not_run << " not run)\n";
    }
    if (r.status == "succeeded") return kExitOk;
    inv.err << "deploy: deployment " << r.id << " " << r.status << "; see 'spack-ext deploy status " << r.id
            << "' for logs, 'spack-ext deploy resume " << r.id << "' to continue\n";
    return r.status == "cancelled" ? 130 : kExitFailure;
  };

  if (sub == "run") {
    if (vm.given("config") == vm.given("env"))
      throw UsageError("deploy run: give exactly one of --config deploy.yaml or --env ENVIRONMENT\n" + vm.usage());
    DeployOptions opt;
    if (vm.given("env")) {
      opt.environment = fs::absolute(vm.get("env")).lexically_normal().string();
      opt.base_path = fs::current_path().string();
    }
    // --spack, else deploy.yaml's deployment.spack, else the configuration.
    if (vm.given("spack")) opt.spack = vm.get("spack");
    const std::string config_path = vm.given("config") ? vm.get("config") : std::string();
    auto spec = deploy_spec_of(config_path, opt);
    if (opt.spack.empty() && spec.spack == "spack") {
      opt.spack = host_.config().value<std::string>("deploy.spack", "");
      if (!opt.spack.empty()) spec.spack = opt.spack;
    }
    if (vm.given("junit")) opt.junit = fs::absolute(vm.get("junit")).string();
    for (const auto& list : vm.all("stages")) opt.stages.merge(split_stages(list));
    opt.executor = vm.given("executor") ? vm.get("executor")
                                        : host_.config().value<std::string>("deploy.executor", "local");
    opt.jobs = static_cast<int>(vm.integer("jobs", default_jobs()));
    if (opt.jobs < 1) throw UsageError("deploy run: --jobs must be at least 1\n" + vm.usage());
    opt.keep_going = vm.given("keep-going");
    if (vm.given("dry-run")) {
      auto g = expand_stages(spec, opt.stages);
      auto path = db_path(vm);
      if (fs::exists(path)) {
        StateDb db(path, journal);
        for (const auto& [node, secs] : db.recorded_durations(spec.name))
          if (auto n = g.find(node)) g.node(*n).duration = secs / 60.0;
      }
      auto plan = plan_schedule(g, opt.jobs);
      std::vector<NodeId> order(g.size());
      for (NodeId i = 0; i < g.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(),
                       [&](NodeId a, NodeId b) { return plan.schedule.start[a] < plan.schedule.start[b]; });
      if (json) {
        auto j = schedule_json(g, plan.schedule);
        j["order"] = nlohmann::json::array();
        for (auto n : order)
          j["order"].push_back({{"node", g.node(n).name}, {"start_min", plan.schedule.start[n]},
                                {"duration_min", g.node(n).duration}});
        j["executor"] = opt.executor;
        inv.out << j.dump(2) << "\n";
      } else {
        inv.out << "dry run of " << spec.name << " on executor " << opt.executor << " with " << opt.jobs
                << " jobs (nothing is run or recorded)\norder:\n";
        for (auto n : order)
          inv.out << "  " << std::setw(8) << minutes(plan.schedule.start[n]) << " min  " << g.node(n).name << "\n";
        print_schedule(inv.out, g, plan.schedule);
        inv.out << "estimated makespan: " << minutes(plan.schedule.makespan) << " min\n";
      }
      return kExitOk;
    }
    auto executor = executor_named(opt.executor);
    // A batch system queues what it cannot run yet: without --jobs, hand it
    // everything (it still waits for dependencies) instead of one per core.
    if (!vm.given("jobs") && executor->handles_dependencies()) opt.jobs = kBatchJobsInFlight;
    auto path = db_path(vm);
    StateDb db(path, journal);
    DeploymentRunner runner(db, host_.bus(), log_root(path));
    CancelOnSignals signals;
    return report(runner.run(spec, opt, *executor, signals.flag()));
  }

  if (sub == "resume") {
    const std::int64_t id = *deployment_id(true);
    auto path = recorded_db_path(vm);
    StateDb db(path, journal);
    auto rec = db.deployment(id);
    if (!rec) throw InputError("deploy resume", "no deployment with id " + std::to_string(id) + " in " + path.string());
    auto executor = executor_named(rec->executor);
    DeploymentRunner runner(db, host_.bus(), log_root(path));
    CancelOnSignals signals;
    return report(runner.resume(id, *executor, signals.flag(), vm.given("takeover")));
  }

  if (sub == "rollback") {
    const std::int64_t id = *deployment_id(true);
    StateDb db(recorded_db_path(vm), journal);
    rollback_deployment(db, host_.bus(), id);
    auto rec = db.deployment(id);
    if (json)
      inv.out << deployment_json(*rec).dump(2) << "\n";
    else
      inv.out << "deployment " << id << " rolled back; current outputs: "
              << (rec->previous_output.empty() ? "none" : rec->previous_output) << "\n";
    return kExitOk;
  }

  if (sub == "status" || sub == "list") {
    const bool as_json = json;
    const auto wanted = sub == "status" ? deployment_id(false) : std::nullopt;
    auto path = db_path(vm);
    if (sub == "list" && !fs::exists(path)) {
      inv.out << (as_json ? "[]\n" : "no deployments recorded\n");
      return kExitOk;
    }
    StateDb db(recorded_db_path(vm), journal);
    auto all = db.deployments();
    if (sub == "list") {
      if (as_json) {
        auto j = nlohmann::json::array();
        for (const auto& d : all) j.push_back(deployment_json(d));
        inv.out << j.dump(2) << "\n";
      } else {
        inv.out << std::left << std::setw(6) << "ID" << std::setw(24) << "NAME" << std::setw(13) << "STATUS"
                << std::setw(10) << "EXECUTOR" << "CREATED\n";
        for (const auto& d : all)
          inv.out << std::setw(6) << d.id << std::setw(24) << d.name << std::setw(13) << effective_status(d)
                  << std::setw(10) << d.executor << d.created_at << "\n";
      }
      return kExitOk;
    }
    if (all.empty()) throw InputError("deploy status", "no deployments recorded in " + path.string());
    auto id = wanted ? *wanted : all.back().id;
    auto rec = db.deployment(id);
    if (!rec) throw InputError("deploy status", "no deployment with id " + std::to_string(id));
    auto nodes = db.nodes(id);
    if (as_json) {
      auto j = deployment_json(*rec);
      j["nodes"] = nlohmann::json::array();
      for (const auto& n : nodes) {
        nlohmann::json nj{{"node", n.name}, {"stage", n.stage}, {"state", n.state}, {"attempts", n.attempts},
                          {"native_id", n.native_id}, {"log", n.log_path}, {"detail", n.detail}};
        nj["exit_code"] = n.exit_code ? nlohmann::json(*n.exit_code) : nlohmann::json(nullptr);
        nj["duration_s"] = n.duration_s ? nlohmann::json(*n.duration_s) : nlohmann::json(nullptr);
        j["nodes"].push_back(nj);
      }
      j["attempts"] = nlohmann::json::array();
      for (const auto& a : db.attempts(id))
        j["attempts"].push_back({{"node", a.node}, {"attempt", a.attempt}, {"state", a.state},
                                 {"native_id", a.native_id}, {"started_at", a.started_at},
                                 {"finished_at", a.finished_at}, {"log", a.log_path}, {"detail", a.detail}});
      j["artifacts"] = nlohmann::json::array();
      for (const auto& [p, size] : db.artifacts(id)) j["artifacts"].push_back({{"path", p}, {"size", size}});
      inv.out << j.dump(2) << "\n";
    } else {
      inv.out << "deployment " << id << " (" << rec->name << "): " << effective_status(*rec) << ", executor "
              << rec->executor << ", started " << rec->created_at << "\n";
      for (const auto& n : nodes) {
        inv.out << "  " << std::left << std::setw(12) << n.state << " " << n.name;
        if (n.attempts > 1) inv.out << " (attempt " << n.attempts << ")";
        if (n.duration_s) inv.out << " " << std::fixed << std::setprecision(1) << *n.duration_s << " s";
        if (!n.detail.empty()) inv.out << " — " << n.detail;
        if (!n.log_path.empty() && n.state != "succeeded") inv.out << "\n      log: " << n.log_path;
        inv.out << "\n";
      }
    }
    return kExitOk;
  }

  if (sub == "plan") {
    if (vm.given("config") == vm.given("graph"))
      throw UsageError("deploy plan: give exactly one of --config deploy.yaml or --graph FILE\n" + vm.usage());
    const int workers = static_cast<int>(vm.integer("workers", default_jobs()));
    if (workers < 1) throw UsageError("deploy plan: --workers must be at least 1\n" + vm.usage());
    BuildGraph g;
    if (vm.given("graph")) {
      g = load_graph_file(vm.get("graph"));
    } else {
      auto spec = load_deploy_spec(vm.get("config"));
      std::set<std::string> stages;
      for (const auto& list : vm.all("stages")) stages.merge(split_stages(list));
      g = expand_stages(spec, stages);
      auto path = db_path(vm);
      if (fs::exists(path)) {
        StateDb db(path, journal);
        for (const auto& [node, secs] : db.recorded_durations(spec.name))
          if (auto n = g.find(node)) g.node(*n).duration = secs / 60.0;
      }
    }
    auto plan = plan_schedule(g, workers);
    if (json) {
      auto j = schedule_json(g, plan.schedule);
      if (vm.given("tiered")) j["tiered"] = schedule_json(g, simulate_tiered_schedule(g, workers));
      inv.out << j.dump(2) << "\n";
    } else {
      print_schedule(inv.out, g, plan.schedule);
      inv.out << "policy:           " << plan.schedule.policy << "\n";
      if (vm.given("tiered")) {
        auto t = simulate_tiered_schedule(g, workers);
        inv.out << "tiers with barriers: " << minutes(t.makespan) << " min (" << std::fixed << std::setprecision(1)
                << 100.0 * (1.0 - plan.schedule.makespan / t.makespan) << " % shorter with the DAG)\n";
      }
    }
    return kExitOk;
  }

  throw UsageError("deploy: unknown subcommand '" + sub + "'\n" + vm.usage());
}

}  // namespace spackext::deploy
