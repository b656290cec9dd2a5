// Deployment state in one SQLite database: deployments, their nodes (stage
// builds), every attempt, recorded durations, log paths and artifacts. Every
// change is one transaction, so a host killed at any instant leaves a
// consistent record (at worst an attempt still marked submitting or running,
// which resume recognises).
//
// The schema carries a version (PRAGMA user_version) and is migrated
// forward when opened. On a network filesystem the database uses a rollback
// journal instead of WAL (see state_filesystem.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spackext/process_identity.hpp"

struct sqlite3;

namespace spackext::deploy {

namespace fs = std::filesystem;

struct DeploymentRecord {
  std::int64_t id = 0;
  std::string name;
  std::string config_path;
  std::string executor;
  std::string status;  // running, succeeded, failed, cancelled, rolled_back
  std::string created_at, finished_at;
  long host_pid = 0;            // databases from before owners were recorded have only this
  std::string owner;            // the host process running it (ProcessIdentity::str())
  nlohmann::json options = nlohmann::json::object();  // stages, jobs, keep_going
  std::string output_dir;       // this deployment's artifacts
  std::string previous_output;  // what `current` pointed to before it
};

struct NodeRecord {
  std::string name, stage, state;
  int attempts = 0;
  std::string native_id, log_path;
  std::optional<int> exit_code;
  std::optional<double> duration_s;
  std::string detail;
};

struct AttemptRecord {
  std::string node;
  int attempt = 0;
  std::string native_id, state, log_path, started_at, finished_at, detail;
  std::string token;  // recorded before submission; the job carries it (StageJob::token)
  std::optional<int> exit_code;
  std::optional<double> duration_s;
};

inline constexpr int kStateSchemaVersion = 2;

// Files a node produced (artifacts, published config scope files) with their sizes.
using FileList = std::vector<std::pair<std::string, std::uintmax_t>>;

class StateDb {
 public:
  enum class Journal {
    automatic,  // WAL, or a rollback journal on a network filesystem
    rollback,   // always a rollback journal (a shared filesystem we cannot recognise)
  };
  // Opens (creating if needed) and migrates the database.
  explicit StateDb(const fs::path& file, Journal journal = Journal::automatic);
  ~StateDb();
  StateDb(const StateDb&) = delete;
  StateDb& operator=(const StateDb&) = delete;

  // A new deployment with every node pending; returns its id.
  std::int64_t create_deployment(const DeploymentRecord& d,
                                 const std::vector<std::pair<std::string, std::string>>& nodes);
  // Adds nodes the deployment does not have yet (a resumed deployment whose
  // deploy.yaml grew); existing ones are left as they are.
  void ensure_nodes(std::int64_t id, const std::vector<std::pair<std::string, std::string>>& nodes);
  void set_output(std::int64_t id, const std::string& output_dir, const std::string& previous);
  void set_status(std::int64_t id, const std::string& status, bool finished);

  // Makes `me` the host process of deployment `id` and marks it running, in
  // one write transaction, so of two processes resuming at once exactly one
  // gets it. Refused (spackext::Error) while the recorded owner provably
  // runs, or runs on another host that this one cannot check (unless
  // `takeover`). Returns the owner it replaced ("" if none).
  std::string claim(std::int64_t id, const ProcessIdentity& me, bool takeover);

  // Records that an attempt is about to be submitted, with the token the
  // job carries, before the executor is asked: a host killed between the
  // submission and attempt_started() leaves this row, and resume finds the
  // job by its token instead of orphaning or duplicating it.
  void attempt_intent(std::int64_t id, const std::string& node, int attempt, const std::string& token,
                      const std::string& log_path);
  void attempt_started(std::int64_t id, const std::string& node, int attempt,
                       const std::string& native_id, const std::string& log_path);
  // Ends an attempt and sets the node's state ("succeeded", "failed", ...);
  // `files` (what a succeeded node produced) are recorded in the same
  // transaction, so a node is never done without them.
  void attempt_finished(std::int64_t id, const std::string& node, int attempt,
                        const std::string& state, std::optional<int> exit_code,
                        const std::string& detail, double seconds, const std::string& node_state,
                        const FileList& files = {});
  void set_node_state(std::int64_t id, const std::string& node, const std::string& state,
                      const std::string& detail = {}, const FileList& files = {});

  // Durations of successful attempts, by deployment name and node.
  std::map<std::string, double> recorded_durations(const std::string& deployment_name) const;
  void add_artifacts(std::int64_t id, const std::string& node, const FileList& files);
  FileList artifacts(std::int64_t id) const;

  std::optional<DeploymentRecord> deployment(std::int64_t id) const;
  std::vector<DeploymentRecord> deployments() const;
  std::vector<NodeRecord> nodes(std::int64_t id) const;
  std::vector<AttemptRecord> attempts(std::int64_t id) const;

  int schema_version() const;
  std::string journal_mode() const;  // "wal", or "delete" on a network filesystem

 private:
  class Statement;
  void exec(const std::string& sql) const;
  template <class Fn>
  void transaction(Fn&& fn);
  void migrate();
  void insert_artifacts(std::int64_t id, const std::string& node, const FileList& files);
  sqlite3* db_ = nullptr;
  fs::path file_;
};

}  // namespace spackext::deploy
