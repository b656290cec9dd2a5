#include "slurm_executor.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "command_runner.hpp"
#include "spackext/errors.hpp"

namespace spackext::executors {
namespace {

namespace fs = std::filesystem;

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string trim(std::string s) {
  auto b = s.find_first_not_of(" \t\r\n");
  auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// "KEY=value" fields of `scontrol show job -o`.
std::map<std::string, std::string> fields(const std::string& line) {
  std::map<std::string, std::string> out;
  std::istringstream ss(line);
  for (std::string tok; ss >> tok;) {
    auto eq = tok.find('=');
    if (eq != std::string::npos) out[tok.substr(0, eq)] = tok.substr(eq + 1);
  }
  return out;
}

int exit_of(const std::string& code) {  // "1:0" -> 1 (exit status : signal)
  try {
    auto colon = code.find(':');
    int status = std::stoi(code.substr(0, colon));
    int sig = colon == std::string::npos ? 0 : std::stoi(code.substr(colon + 1));
    return sig ? 128 + sig : status;
  } catch (const std::exception&) {
    return -1;
  }
}

[[noreturn]] void missing(const std::string& tool) {
  throw Error(tool + " not found: the slurm executor needs the Slurm client commands "
              "(Debian package slurm-client or slurm-wlm); use --executor local to run here");
}

}  // namespace

JobState slurm_state(const std::string& raw) {
  std::string s = raw.substr(0, raw.find(' '));  // "CANCELLED by 0"
  if (s == "PENDING" || s == "CONFIGURING" || s == "REQUEUED" || s == "REQUEUE_HOLD" || s == "SUSPENDED" ||
      s == "RESV_DEL_HOLD" || s == "REQUEUE_FED")
    return JobState::pending;
  if (s == "RUNNING" || s == "COMPLETING" || s == "STAGE_OUT" || s == "SIGNALING" || s == "RESIZING")
    return JobState::running;
  if (s == "COMPLETED") return JobState::succeeded;
  if (s == "CANCELLED" || s == "REVOKED") return JobState::cancelled;
  if (s == "FAILED" || s == "TIMEOUT" || s == "NODE_FAIL" || s == "OUT_OF_MEMORY" || s == "BOOT_FAIL" ||
      s == "DEADLINE" || s == "PREEMPTED" || s == "SPECIAL_EXIT")
    return JobState::failed;
  return JobState::unknown;
}

std::string SlurmExecutor::batch_script(const StageJob& job) {
  std::ostringstream s;
  s << "#!/bin/sh\n";
  s << "#SBATCH --job-name=" << (job.name.empty() ? job.id : job.name) << "\n";
  if (!job.log_path.empty()) s << "#SBATCH --output=" << job.log_path << "\n";
  if (!job.workdir.empty()) s << "#SBATCH --chdir=" << job.workdir << "\n";
  const auto& r = job.resources;
  if (r.contains("cpus")) s << "#SBATCH --cpus-per-task=" << r["cpus"].get<int>() << "\n";
  if (r.contains("memory")) s << "#SBATCH --mem=" << r["memory"].get<std::string>() << "\n";
  if (r.contains("time")) s << "#SBATCH --time=" << r["time"].get<std::string>() << "\n";
  if (r.contains("partition")) s << "#SBATCH --partition=" << r["partition"].get<std::string>() << "\n";
  // find_job() looks for the token in the job's comment.
  if (!job.token.empty()) s << "#SBATCH --comment=" << job.token << "\n";
  if (!job.after.empty()) {
    s << "#SBATCH --dependency=afterok";
    for (const auto& a : job.after) s << ":" << a;
    s << "\n#SBATCH --kill-on-invalid-dep=yes\n";
  }
  // Variables in the script, not via --export: values may hold commas.
  for (const auto& [k, v] : job.environment) s << "export " << k << "=" << quote(v) << "\n";
  s << "export SPACKEXT_EXECUTOR=slurm SPACKEXT_JOB_ID=" << quote(job.id) << "\n";
  if (!job.token.empty()) s << "export SPACKEXT_JOB_TOKEN=" << quote(job.token) << "\n";
  s << "set -e\n";
  for (const auto& c : job.commands) s << c << "\n";
  return s.str();
}

std::string SlurmExecutor::submit(const StageJob& job) {
  fs::path log = job.log_path.empty() ? fs::temp_directory_path() / ("spackext-" + std::to_string(::getpid()) + ".log")
                                      : fs::path(job.log_path);
  fs::create_directories(log.parent_path());
  if (!job.workdir.empty()) fs::create_directories(job.workdir);
  fs::path script = log;
  script.replace_extension(".sbatch");
  {
    fs::path tmp = script;
    tmp += ".tmp";
    std::ofstream out(tmp);
    out << batch_script(job);
    out.close();
    if (!out) throw Error("cannot write batch script " + tmp.string());
    fs::rename(tmp, script);
  }
  auto r = run_command({opt_.sbatch, "--parsable", script.string()});
  if (r.exit_code == 127) missing(opt_.sbatch);
  if (r.exit_code != 0) throw Error("sbatch refused " + job.id + ": " + trim(r.err.empty() ? r.out : r.err));
  auto id = trim(r.out);
  id = id.substr(0, id.find(';'));  // "<id>;<cluster>"
  if (id.empty() || id.find_first_not_of("0123456789_") != std::string::npos)
    throw Error("sbatch printed no job id for " + job.id + ": " + trim(r.out));
  return id;
}

JobStatus SlurmExecutor::query(const std::string& id) {
  // 1. squeue knows queued and running jobs.
  auto q = run_command({opt_.squeue, "-h", "-j", id, "-o", "%T|%r"});
  if (q.exit_code == 127) missing(opt_.squeue);
  auto line = trim(q.out);
  if (q.exit_code == 0 && !line.empty()) {
    auto bar = line.find('|');
    JobStatus st{slurm_state(line.substr(0, bar)), -1, bar == std::string::npos ? "" : line.substr(bar + 1)};
    if (st.state != JobState::unknown && st.state != JobState::succeeded && st.state != JobState::failed &&
        st.state != JobState::cancelled)
      return st;
  }
  // 2. scontrol keeps finished jobs for MinJobAge seconds.
  auto c = run_command({opt_.scontrol, "show", "job", "-o", id});
  if (c.exit_code == 0) {
    auto f = fields(c.out);
    if (f.count("JobState")) {
      JobStatus st{slurm_state(f["JobState"]), exit_of(f["ExitCode"]), f.count("Reason") ? f["Reason"] : ""};
      if (st.detail == "None") st.detail.clear();
      if (st.state == JobState::failed && st.detail.empty()) st.detail = "exit code " + f["ExitCode"];
      return st;
    }
  }
  // 3. The job completion log (works without slurmdbd).
  auto a = run_command({opt_.sacct, "-c", "-n", "-P", "-j", id, "-o", "JobID,State,ExitCode"});
  if (a.exit_code == 0) {
    std::istringstream lines(a.out);
    JobStatus last{JobState::unknown, -1, "not known to squeue, scontrol or sacct -c"};
    for (std::string l; std::getline(lines, l);) {
      std::vector<std::string> cols;
      std::stringstream ss(l);
      for (std::string col; std::getline(ss, col, '|');) cols.push_back(col);
      if (cols.size() >= 3 && cols[0] == id) last = {slurm_state(cols[1]), exit_of(cols[2]), cols[1]};
    }
    return last;
  }
  return {JobState::unknown, -1, "not known to squeue, scontrol or sacct -c"};
}

JobStatus SlurmExecutor::status(const std::string& id) { return watch(id, query(id)); }

JobStatus SlurmExecutor::watch(const std::string& id, JobStatus st) {
  std::lock_guard lock(mutex_);
  auto& seen = seen_[id];
  if (seen.timed_out) return {JobState::failed, -1, "never started: pending longer than the limit"};
  if (st.state == JobState::pending && opt_.pending_timeout.count() > 0 &&
      st.detail.find("Dependency") == std::string::npos) {
    auto now = std::chrono::steady_clock::now();
    if (seen.first_pending == std::chrono::steady_clock::time_point{}) seen.first_pending = now;
    if (now - seen.first_pending > opt_.pending_timeout) {
      seen.timed_out = true;
      run_command({opt_.scancel, id});
      return {JobState::failed, -1, "never started: pending (" + st.detail + ") longer than the limit"};
    }
  }
  return st;
}

std::vector<std::string> SlurmExecutor::wait_any(const std::vector<std::string>& ids,
                                                 std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    // One squeue call for all jobs; those it no longer lists (or lists in a
    // final state) are finished, and status() asks scontrol/sacct about them.
    std::map<std::string, JobStatus> queued;
    for (std::size_t from = 0; from < ids.size(); from += 200) {
      std::string list;
      for (std::size_t i = from; i < std::min(ids.size(), from + 200); ++i) list += (list.empty() ? "" : ",") + ids[i];
      auto q = run_command({opt_.squeue, "-h", "-j", list, "-o", "%i|%T|%r"});
      if (q.exit_code == 127) missing(opt_.squeue);
      std::istringstream lines(q.out);
      for (std::string l; std::getline(lines, l);) {
        std::vector<std::string> cols;
        std::stringstream ss(trim(l));
        for (std::string c; std::getline(ss, c, '|');) cols.push_back(c);
        if (cols.size() >= 2) queued[cols[0]] = {slurm_state(cols[1]), -1, cols.size() > 2 ? cols[2] : ""};
      }
    }
    std::vector<std::string> done;
    for (const auto& id : ids) {
      auto it = queued.find(id);
      if (it != queued.end() && (it->second.state == JobState::pending || it->second.state == JobState::running)) {
        auto st = watch(id, it->second);
        if (st.state == JobState::pending || st.state == JobState::running) continue;
      }
      done.push_back(id);
    }
    if (!done.empty()) return done;
    auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) return {};
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, opt_.poll));
  }
}

std::string SlurmExecutor::find_job(const std::string& token) {
  if (token.empty()) return {};
  // Queued and running jobs, then finished ones scontrol still keeps.
  auto q = run_command({opt_.squeue, "-h", "-o", "%i|%k"});
  if (q.exit_code == 127) missing(opt_.squeue);
  std::istringstream lines(q.out);
  for (std::string l; std::getline(lines, l);) {
    l = trim(l);
    auto bar = l.find('|');
    if (bar != std::string::npos && l.substr(bar + 1) == token) return l.substr(0, bar);
  }
  auto c = run_command({opt_.scontrol, "show", "job", "-o"});
  std::istringstream all(c.out);
  for (std::string l; std::getline(all, l);) {
    auto f = fields(l);
    if (f["Comment"] == token && !f["JobId"].empty()) return f["JobId"];
  }
  return {};
}

void SlurmExecutor::cancel(const std::string& id) {
  auto r = run_command({opt_.scancel, id});
  if (r.exit_code == 127) missing(opt_.scancel);
}

}  // namespace spackext::executors
