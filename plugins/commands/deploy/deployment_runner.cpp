#include "deployment_runner.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "junit_report.hpp"
#include "matrix_expansion.hpp"
#include "schedule_simulator.hpp"
#include "stage_commands.hpp"
#include "spackext/atomic_file.hpp"
#include "spackext/errors.hpp"
#include "spackext/process_identity.hpp"
#include "spackext/progress.hpp"

namespace spackext::deploy {

namespace {

constexpr const char* kSource = "deploy";

FileList list_files(const fs::path& dir) {
  FileList out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file(ec)) out.emplace_back(it->path().string(), it->file_size(ec));
  return out;
}

// Copies the files of `names` that a node left in its artifact folder into
// its config scope, each atomically (temporary name, then rename), so a
// dependent's Spack never reads half a file; returns what it published.
// Temporary files a killed host left are removed first.
FileList publish_scope(const fs::path& artifacts, const fs::path& scope, const std::vector<std::string>& names) {
  FileList out;
  if (names.empty()) return out;
  std::error_code ec;
  for (auto it = fs::directory_iterator(scope, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (name.starts_with(".") && name.find(".tmp-") != std::string::npos) fs::remove(it->path(), ec);
  }
  for (const auto& name : names) {
    const fs::path from = artifacts / name;
    if (!fs::is_regular_file(from, ec)) continue;
    std::ifstream in(from, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    if (!in && !in.eof()) throw Error("cannot read " + from.string() + " to propagate it");
    write_file_atomically(scope / name, content.str());
    out.emplace_back((scope / name).string(), content.str().size());
  }
  return out;
}

// Replaces `link` atomically: a new symlink under a temp name, renamed over it.
void point_link(const fs::path& link, const fs::path& target) {
  auto tmp = link.parent_path() / (link.filename().string() + ".tmp-" + std::to_string(::getpid()));
  fs::remove(tmp);
  if (target.empty()) {
    fs::remove(link);
    return;
  }
  fs::create_directory_symlink(target, tmp);
  fs::rename(tmp, link);
}

const char* state_of(JobState s) {
  switch (s) {
    case JobState::succeeded: return "succeeded";
    case JobState::cancelled: return "cancelled";
    default: return "failed";
  }
}

// Writes every transition to the database and the bus.
class Recorder final : public ScheduleObserver {
 public:
  Recorder(StateDb& db, Bus& bus, std::int64_t id, const BuildGraph& g,
           const std::vector<fs::path>& artifact_dirs, const std::vector<fs::path>& scope_dirs,
           const std::vector<std::string>& propagate_files, const std::vector<int>& attempt_offset,
           std::size_t total, std::size_t already_done)
      : db_(db), bus_(bus), id_(id), g_(g), artifact_dirs_(artifact_dirs), scope_dirs_(scope_dirs),
        propagate_files_(propagate_files), offset_(attempt_offset),
        progress_(bus, "deploy-" + std::to_string(id), "deployment " + std::to_string(id), total, "nodes", kSource),
        started_topic_(bus.topic("deploy.stage.started")),
        finished_topic_(bus.topic("deploy.stage.finished")),
        failed_topic_(bus.topic("deploy.stage.failed")) {
    progress_.set(already_done);
  }
  nlohmann::json base(NodeId n, int attempt) const {
    return {{"deployment", id_}, {"node", g_.node(n).name}, {"stage", g_.groups()[g_.node(n).group].name},
            {"attempt", attempt}};
  }
  void started(NodeId n, int attempt, const std::string& native_id) override {
    attempt += offset_[n];
    db_.attempt_started(id_, g_.node(n).name, attempt, native_id, log_of(n, attempt));
    auto p = base(n, attempt);
    p["native_id"] = native_id;
    bus_.publish(started_topic_, p, kSource);
  }
  void finished(NodeId n, int attempt, const JobStatus& st, double seconds) override {
    attempt += offset_[n];
    std::string state = state_of(st.state);
    std::optional<int> code = st.exit_code >= 0 ? std::optional<int>(st.exit_code) : std::nullopt;
    FileList files;
    if (st.state == JobState::succeeded) {
      // Published before the node is recorded done (its dependents start
      // only after that), and recorded in the same transaction.
      files = list_files(artifact_dirs_[n]);
      for (auto& f : publish_scope(artifact_dirs_[n], scope_dirs_[n], propagate_files_)) files.push_back(std::move(f));
    }
    db_.attempt_finished(id_, g_.node(n).name, attempt, state, code, st.detail, seconds, state, files);
    if (st.state == JobState::succeeded) progress_.advance();
    auto p = base(n, attempt);
    p["state"] = state;
    p["seconds"] = seconds;
    if (code) p["exit_code"] = *code;
    if (!st.detail.empty()) p["detail"] = st.detail;
    bus_.publish(finished_topic_, p, kSource);
    // Its own topic too, so a webhook or alert subscribes to failures alone.
    if (state == "failed") bus_.publish(failed_topic_, p, kSource);
  }
  void retrying(NodeId n, int next_attempt, double delay) override {
    db_.set_node_state(id_, g_.node(n).name, "retrying",
                       "attempt " + std::to_string(next_attempt + offset_[n]) + " after " + std::to_string(delay) + " s");
    auto p = base(n, next_attempt + offset_[n]);
    p["delay_s"] = delay;
    bus_.publish("deploy.stage.retrying", p, kSource);
  }
  void skipped(NodeId n, NodeId failed) override {
    db_.set_node_state(id_, g_.node(n).name, "skipped", "dependency " + g_.node(failed).name + " failed");
    auto p = base(n, 0);
    p["failed_dependency"] = g_.node(failed).name;
    bus_.publish("deploy.stage.skipped", p, kSource);
  }
  void cancelled(NodeId n, int attempt) override {
    db_.set_node_state(id_, g_.node(n).name, "cancelled", "cancelled by signal");
    bus_.publish("deploy.stage.cancelled", base(n, attempt + offset_[n]), kSource);
  }
  void requeued(NodeId n, int attempt) override {
    db_.set_node_state(id_, g_.node(n).name, "pending", "waiting for a retried dependency");
    bus_.publish("deploy.stage.requeued", base(n, attempt + offset_[n]), kSource);
  }
  std::string log_of(NodeId n, int attempt) const {
    return (log_root(id_) / g_.node(n).name / ("attempt-" + std::to_string(attempt) + ".log")).string();
  }
  std::function<fs::path(std::int64_t)> log_root;
  void finish(bool ok) { progress_.finish(ok); }

 private:
  StateDb& db_;
  Bus& bus_;
  std::int64_t id_;
  const BuildGraph& g_;
  const std::vector<fs::path>& artifact_dirs_;
  const std::vector<fs::path>& scope_dirs_;
  const std::vector<std::string>& propagate_files_;
  const std::vector<int>& offset_;
  Progress progress_;
  Bus::Topic started_topic_, finished_topic_, failed_topic_;
};

// 128 random bits, hex: the token a job carries from before its submission.
std::string new_job_token() {
  std::random_device device;  // the kernel's random source
  unsigned long long hi = (static_cast<unsigned long long>(device()) << 32) | device();
  unsigned long long lo = (static_cast<unsigned long long>(device()) << 32) | device();
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", hi, lo);
  return buf;
}

// Created by the job itself after its last command, so a success is known
// even if the host died before it could record it (its existence is all
// that counts).
fs::path success_marker(const std::string& log_path) {
  return fs::path(log_path).replace_extension(".succeeded");
}

}  // namespace

nlohmann::json options_to_json(const DeployOptions& o) {
  nlohmann::json j{{"stages", std::vector<std::string>(o.stages.begin(), o.stages.end())},
                   {"executor", o.executor}, {"jobs", o.jobs}, {"keep_going", o.keep_going}};
  if (!o.spack.empty()) j["spack"] = o.spack;
  if (!o.junit.empty()) j["junit"] = o.junit;
  if (!o.environment.empty()) j["environment"] = o.environment, j["base_path"] = o.base_path;
  return j;
}

DeploySpec deploy_spec_of(const std::string& config_path, const DeployOptions& options) {
  auto spec = options.environment.empty() ? load_deploy_spec(config_path)
                                          : environment_deploy_spec(options.environment, options.base_path);
  if (!options.spack.empty()) spec.spack = options.spack;
  return spec;
}

fs::path scope_dir(const fs::path& deployment_output, const std::string& node) {
  return deployment_output / "scopes" / node;
}

fs::path junit_path(const fs::path& deployment_output, const DeployOptions& options) {
  return options.junit.empty() ? deployment_output / "junit.xml" : fs::path(options.junit);
}

DeployOptions options_from_json(const nlohmann::json& j) {
  DeployOptions o;
  if (!j.is_object()) return o;
  for (const auto& s : j.value("stages", std::vector<std::string>{})) o.stages.insert(s);
  o.executor = j.value("executor", std::string("local"));
  o.jobs = j.value("jobs", 1);
  o.keep_going = j.value("keep_going", false);
  o.spack = j.value("spack", std::string());
  o.junit = j.value("junit", std::string());
  o.environment = j.value("environment", std::string());
  o.base_path = j.value("base_path", std::string());
  return o;
}

DeployResult DeploymentRunner::run(const DeploySpec& spec, const DeployOptions& options,
                                   Executor& executor, const std::atomic<bool>* cancel) {
  auto g = expand_stages(spec, options.stages);  // validates --stages before anything is recorded
  std::vector<std::pair<std::string, std::string>> nodes;
  for (const auto& n : g.nodes()) nodes.emplace_back(n.name, g.groups()[n.group].name);
  DeploymentRecord rec;
  rec.name = spec.name;
  rec.config_path = spec.file.string();
  rec.executor = options.executor;
  auto me = current_process();
  rec.host_pid = me.pid;
  rec.owner = me.str();
  rec.options = options_to_json(options);
  auto id = db_.create_deployment(rec, nodes);  // the deployment and its nodes in one transaction
  return execute(id, spec, options, executor, cancel);
}

bool may_still_run(const DeploymentRecord& d) {
  if (d.status != "running") return false;
  if (auto owner = ProcessIdentity::parse(d.owner)) return !on_this_host(*owner) || is_running(*owner);
  return d.host_pid > 0 && ::kill(static_cast<pid_t>(d.host_pid), 0) == 0;  // recorded by an older spack-ext
}

DeployResult DeploymentRunner::resume(std::int64_t id, Executor& executor, const std::atomic<bool>* cancel,
                                      bool takeover) {
  // Claimed first, atomically: a second resume started at the same moment
  // is refused here, before it can stop or re-run anything.
  db_.claim(id, current_process(), takeover);
  auto rec = db_.deployment(id);
  auto options = options_from_json(rec->options);
  auto spec = deploy_spec_of(rec->config_path, options);
  recover_leftovers(*rec, spec, executor, cancel);
  bus_.publish("deploy.resumed", {{"deployment", id}}, kSource);
  return execute(id, spec, options, executor, cancel);
}

void DeploymentRunner::recover_leftovers(const DeploymentRecord& rec, const DeploySpec& spec, Executor& executor,
                                         const std::atomic<bool>* cancel) {
  // Attempts the dead host submitted (or was about to) and never saw end.
  for (const auto& a : db_.attempts(rec.id)) {
    if (a.state != "running" && a.state != "submitting") continue;
    // Killed between the submission and recording its id: find it by token.
    std::string native = a.native_id.empty() ? executor.find_job(a.token) : a.native_id;
    if (!native.empty()) {
      if (a.native_id.empty()) db_.attempt_started(rec.id, a.node, a.attempt, native, a.log_path);
      wait_for_leftover(a.node, native, executor, cancel);
    }
    std::error_code ec;
    if (!a.log_path.empty() && fs::exists(success_marker(a.log_path), ec)) {
      // What the dead host did not get to: publish its files, record them
      // with the node's success.
      FileList files;
      if (!rec.output_dir.empty()) {
        const fs::path out(rec.output_dir);
        files = list_files(out / a.node);
        for (auto& f : publish_scope(out / a.node, scope_dir(out, a.node), spec.propagate_files))
          files.push_back(std::move(f));
      }
      db_.set_node_state(rec.id, a.node, "succeeded", "finished while its host was down", files);
    } else {
      db_.set_node_state(rec.id, a.node, "interrupted", "host stopped while it ran");
    }
  }
  for (const auto& n : db_.nodes(rec.id))
    if (n.state == "running" || n.state == "submitting")  // no attempt row: recorded by an older spack-ext
      db_.set_node_state(rec.id, n.name, "interrupted", "host stopped while it ran");
}

void DeploymentRunner::wait_for_leftover(const std::string& node, const std::string& native, Executor& executor,
                                         const std::atomic<bool>* cancel) {
  // A job the dead host left is waited for, not stopped: one stopped after
  // its last command but before its success marker would run a second time.
  // SIGINT/SIGTERM (the cancel flag) stop it instead.
  bool announced = false;
  for (;;) {
    if (cancel && cancel->load()) {
      executor.cancel(native);
      return;
    }
    auto st = executor.status(native);
    if (st.state != JobState::pending && st.state != JobState::running) return;
    if (!announced) {
      bus_.publish("deploy.stage.waiting", {{"node", node}, {"native_id", native},
                                            {"reason", "left running by the stopped host"}}, kSource);
      announced = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

DeployResult DeploymentRunner::execute(std::int64_t id, const DeploySpec& spec,
                                       const DeployOptions& options, Executor& executor,
                                       const std::atomic<bool>* cancel) {
  auto g = expand_stages(spec, options.stages);
  // Recorded durations (seconds) replace the estimates (minutes) for priorities.
  for (const auto& [node, secs] : db_.recorded_durations(spec.name))
    if (auto n = g.find(node)) g.node(*n).duration = secs / 60.0;
  auto plan = plan_schedule(g, options.jobs);
  std::vector<std::pair<std::string, std::string>> node_names;
  for (const auto& n : g.nodes()) node_names.emplace_back(n.name, g.groups()[n.group].name);
  db_.ensure_nodes(id, node_names);

  const fs::path out_root = spec.artifacts_output;
  const fs::path out_dir = out_root / "deployments" / std::to_string(id);
  std::error_code ec;
  auto previous = fs::read_symlink(out_root / "current", ec);
  auto rec = db_.deployment(id);
  if (rec->output_dir.empty()) db_.set_output(id, out_dir.string(), ec ? std::string() : previous.string());

  std::vector<fs::path> artifact_dirs(g.size()), scope_dirs(g.size());
  for (NodeId n = 0; n < g.size(); ++n) {
    artifact_dirs[n] = out_dir / g.node(n).name;
    scope_dirs[n] = scope_dir(out_dir, g.node(n).name);
  }
  // A node's Spack commands see the config scopes of everything it depends
  // on (directly or not), farthest first: nearer scopes take precedence.
  std::vector<std::uint32_t> topo_pos(g.size());
  {
    auto order = g.topological_order();
    for (std::uint32_t i = 0; i < order.size(); ++i) topo_pos[order[i]] = i;
  }
  auto scopes_of = [&](NodeId n) {
    std::vector<std::string> out;
    if (spec.propagate_files.empty()) return out;
    std::vector<char> seen(g.size(), 0);
    std::vector<NodeId> stack(g.node(n).deps.begin(), g.node(n).deps.end()), ancestors;
    while (!stack.empty()) {
      NodeId d = stack.back();
      stack.pop_back();
      if (seen[d]) continue;
      seen[d] = 1;
      ancestors.push_back(d);
      for (NodeId e : g.node(d).deps) stack.push_back(e);
    }
    std::sort(ancestors.begin(), ancestors.end(), [&](NodeId a, NodeId b) { return topo_pos[a] < topo_pos[b]; });
    std::error_code ec;
    for (NodeId d : ancestors)  // only scopes with files: Spack refuses a -C folder that does not exist
      if (fs::is_directory(scope_dirs[d], ec) && !fs::is_empty(scope_dirs[d], ec)) out.push_back(scope_dirs[d].string());
    return out;
  };
  std::vector<char> done(g.size(), 0);
  std::vector<int> offset(g.size(), 0);
  std::size_t already = 0;
  for (const auto& rec_node : db_.nodes(id)) {
    auto n = g.find(rec_node.name);
    if (!n) continue;
    offset[*n] = rec_node.attempts;
    if (rec_node.state == "succeeded") done[*n] = 1, ++already;
  }

  std::vector<RetryPolicy> retry(g.groups().size());
  std::vector<const StageSpec*> stage_of(g.groups().size());
  for (std::size_t i = 0; i < g.groups().size(); ++i) {
    stage_of[i] = spec.find_stage(g.groups()[i].name);
    retry[i] = {stage_of[i]->retries, stage_of[i]->retry_backoff_s};
  }

  Recorder recorder(db_, bus_, id, g, artifact_dirs, scope_dirs, spec.propagate_files, offset, g.size(), already);
  recorder.log_root = [this](std::int64_t i) { return log_root_ / std::to_string(i); };
  JobMaker make = [&](NodeId n, int attempt, const std::vector<std::string>& after) {
    const auto& node = g.node(n);
    const auto& stage = *stage_of[node.group];
    StageJob job;
    job.id = node.name + "#" + std::to_string(attempt + offset[n]);
    job.name = spec.name + ":" + node.name;
    job.workdir = spec.base_path.string();
    job.log_path = recorder.log_of(n, attempt + offset[n]);
    job.token = new_job_token();
    job.after = after;
    job.resources = stage.resources.to_json();
    job.environment = stage.env;
    job.environment["SPACKEXT_DEPLOYMENT"] = spec.name;
    job.environment["SPACKEXT_DEPLOYMENT_ID"] = std::to_string(id);
    job.environment["SPACKEXT_STAGE"] = stage.name;
    job.environment["SPACKEXT_NODE"] = node.name;
    job.environment["SPACKEXT_ATTEMPT"] = std::to_string(attempt + offset[n]);
    for (const auto& [k, v] : node.axes) {
      std::string key = k;
      std::transform(key.begin(), key.end(), key.begin(), ::toupper);
      job.environment["SPACKEXT_" + key] = v;
    }
    job.environment["SPACKEXT_ARTIFACTS"] = artifact_dirs[n].string();
    std::string inputs;
    for (NodeId d : node.deps) inputs += (inputs.empty() ? "" : ":") + artifact_dirs[d].string();
    if (spec.propagate) job.environment["SPACKEXT_INPUTS"] = inputs;
    const auto scopes = scopes_of(n);
    std::string scope_list;
    for (const auto& sc : scopes) scope_list += (scope_list.empty() ? "" : ":") + sc;
    if (!spec.propagate_files.empty()) job.environment["SPACKEXT_SCOPES"] = scope_list;
    if (stage.kind == "tests") job.environment["SPACKEXT_JUNIT"] = (artifact_dirs[n] / "junit.xml").string();
    job.commands = node_preamble(spec.propagate);
    for (auto& c : node_commands(spec, stage, node, scopes)) job.commands.push_back(std::move(c));
    // A shell builtin, not a program: no gap between the stage's last command
    // and its success being known in which a resume could stop it.
    job.commands.push_back(": > " + shell_quote(success_marker(job.log_path).string()));
    // The submission intent, recorded before the executor sees the job.
    db_.attempt_intent(id, node.name, attempt + offset[n], job.token, job.log_path);
    return job;
  };

  SchedulerOptions sopt;
  sopt.jobs = options.jobs;
  sopt.keep_going = options.keep_going;
  sopt.retry = retry;
  sopt.cancel = cancel;
  // A dependent must see the files its dependencies publish when they end:
  // no submitting it ahead of them (Slurm's afterok would start it before
  // this host has published them).
  sopt.submit_ahead = spec.propagate_files.empty();
  bus_.publish("deploy.started", {{"deployment", id}, {"name", spec.name}, {"nodes", g.size()},
                                  {"already_done", already}, {"executor", options.executor},
                                  {"estimated_makespan_min", plan.schedule.makespan}}, kSource);
  DeployResult result;
  result.id = id;
  result.outcome = run_schedule(g, plan.priority, executor, make, recorder, sopt, done);
  result.status = result.outcome.ok() ? "succeeded" : result.outcome.interrupted ? "cancelled" : "failed";
  if (result.outcome.ok()) {
    fs::create_directories(out_dir);
    point_link(out_root / "current", fs::path("deployments") / std::to_string(id));
  }
  // The report before the status: a host killed in between leaves the
  // deployment running, and its resume writes the report again. A report
  // that cannot be written fails the command, after the status is recorded.
  std::exception_ptr junit_error;
  try {
    write_junit(id, spec, options, g, out_dir);
  } catch (...) {
    junit_error = std::current_exception();
  }
  db_.set_status(id, result.status, true);
  recorder.finish(result.outcome.ok());
  bus_.publish("deploy.finished", {{"deployment", id}, {"status", result.status},
                                   {"succeeded", result.outcome.succeeded}, {"failed", result.outcome.failed},
                                   {"skipped", result.outcome.skipped}, {"cancelled", result.outcome.cancelled},
                                   {"not_run", result.outcome.not_run}}, kSource);
  if (junit_error) std::rethrow_exception(junit_error);
  return result;
}

void DeploymentRunner::write_junit(std::int64_t id, const DeploySpec& spec, const DeployOptions& options,
                                   const BuildGraph& g, const fs::path& out_dir) {
  std::map<std::string, NodeRecord> recorded;
  for (auto& n : db_.nodes(id)) recorded.emplace(n.name, std::move(n));
  std::vector<JunitCase> cases;
  for (const auto& node : g.nodes()) {
    const auto& stage = *spec.find_stage(g.groups()[node.group].name);
    if (stage.kind != "tests") continue;
    JunitCase c;
    c.suite = stage.name;
    c.name = node.name;
    c.state = "pending";
    if (auto it = recorded.find(node.name); it != recorded.end()) {
      c.state = it->second.state;
      c.seconds = it->second.duration_s;
      c.exit_code = it->second.exit_code;
      c.detail = it->second.detail;
      c.log_path = it->second.log_path;
    }
    if (c.state == "pending" && c.detail.empty()) c.detail = "not run: the deployment stopped before it";
    cases.push_back(std::move(c));
  }
  if (cases.empty()) return;
  const auto file = junit_path(out_dir, options);
  write_junit_report(file, spec.name, db_.deployment(id)->created_at, cases);
  bus_.publish("deploy.junit.written", {{"deployment", id}, {"file", file.string()}, {"tests", cases.size()}}, kSource);
}

void rollback_deployment(StateDb& db, Bus& bus, std::int64_t id) {
  auto rec = db.deployment(id);
  if (!rec) throw InputError("deploy rollback", "no deployment with id " + std::to_string(id));
  if (rec->status != "succeeded")
    throw Error("deployment " + std::to_string(id) + " is " + rec->status +
                "; only a succeeded deployment published outputs to roll back");
  fs::path out_dir = rec->output_dir;
  fs::path root = out_dir.parent_path().parent_path();
  std::error_code ec;
  auto now_current = fs::read_symlink(root / "current", ec);
  if (ec || root / now_current != out_dir)
    throw Error("the current outputs in " + root.string() + " are not deployment " + std::to_string(id) +
                "'s; roll back the newer deployment first");
  point_link(root / "current", rec->previous_output);
  db.set_status(id, "rolled_back", true);
  bus.publish("deploy.rolled_back", {{"deployment", id}, {"restored", rec->previous_output}}, kSource);
}

}  // namespace spackext::deploy
