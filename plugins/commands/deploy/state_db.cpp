#include "state_db.hpp"

#include <signal.h>
#include <sqlite3.h>

#include <iterator>

#include "spackext/errors.hpp"
#include "spackext/event.hpp"
#include "state_filesystem.hpp"

namespace spackext::deploy {

// A prepared statement with positional binding and column reads.
class StateDb::Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK)
      throw Error(std::string("state database: ") + sqlite3_errmsg(db));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement& bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, const char* v) { return bind(i, std::string(v)); }
  Statement& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  Statement& bind(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  Statement& bind(int i, std::optional<int> v) {
    if (v) return bind(i, *v);
    sqlite3_bind_null(stmt_, i);
    return *this;
  }
  // True while there is a row.
  bool step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw Error(std::string("state database: ") + sqlite3_errmsg(db_));
  }
  // Executes and resets, so the statement can be bound and run again.
  void run() {
    step();
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string text(int c) const {
    auto p = sqlite3_column_text(stmt_, c);
    return p ? reinterpret_cast<const char*>(p) : "";
  }
  std::int64_t integer(int c) const { return sqlite3_column_int64(stmt_, c); }
  bool null(int c) const { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }
  std::optional<int> opt_int(int c) const {
    return null(c) ? std::nullopt : std::optional<int>(static_cast<int>(integer(c)));
  }
  std::optional<double> opt_double(int c) const {
    return null(c) ? std::nullopt : std::optional<double>(sqlite3_column_double(stmt_, c));
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

namespace {

// Version 1 (no user_version yet) is the schema of the first releases; each
// step below turns version N-1 into N. A new database is created at version 1
// and migrated like any other, so there is one path to the current schema.
constexpr const char* kSchemaV1 = R"(
CREATE TABLE deployments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL, config_path TEXT NOT NULL, executor TEXT NOT NULL,
  status TEXT NOT NULL, created_at TEXT NOT NULL, finished_at TEXT,
  host_pid INTEGER, options TEXT NOT NULL DEFAULT '{}',
  output_dir TEXT NOT NULL DEFAULT '', previous_output TEXT NOT NULL DEFAULT '');
CREATE TABLE nodes (
  deployment_id INTEGER NOT NULL REFERENCES deployments(id), node TEXT NOT NULL,
  stage TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  native_id TEXT NOT NULL DEFAULT '', log_path TEXT NOT NULL DEFAULT '',
  exit_code INTEGER, duration_s REAL, detail TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (deployment_id, node));
CREATE TABLE attempts (
  deployment_id INTEGER NOT NULL, node TEXT NOT NULL, attempt INTEGER NOT NULL,
  native_id TEXT NOT NULL DEFAULT '', state TEXT NOT NULL, log_path TEXT NOT NULL DEFAULT '',
  started_at TEXT NOT NULL, finished_at TEXT, exit_code INTEGER, duration_s REAL,
  detail TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (deployment_id, node, attempt));
CREATE TABLE durations (
  deployment_name TEXT NOT NULL, node TEXT NOT NULL, last_s REAL NOT NULL,
  runs INTEGER NOT NULL, PRIMARY KEY (deployment_name, node));
CREATE TABLE artifacts (
  deployment_id INTEGER NOT NULL, node TEXT NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL,
  PRIMARY KEY (deployment_id, path));
)";

// Version 2: the owner of a deployment is a provable process identity (host,
// PID, start time), not a bare PID; an attempt records the token its job
// carries before it is submitted.
constexpr const char* kMigrationToV2 = R"(
ALTER TABLE deployments ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE attempts ADD COLUMN token TEXT NOT NULL DEFAULT '';
)";

constexpr const char* kMigrations[] = {kSchemaV1, kMigrationToV2};
static_assert(std::size(kMigrations) == kStateSchemaVersion);

std::string now() { return format_timestamp(Clock::now()); }

}  // namespace

StateDb::StateDb(const fs::path& file, Journal journal) : file_(file) {
  if (file.has_parent_path()) fs::create_directories(file.parent_path());
  if (sqlite3_open(file.c_str(), &db_) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw Error("cannot open the state database " + file.string() + ": " + msg);
  }
  sqlite3_busy_timeout(db_, 10000);
  // WAL's shared-memory index is not coherent across the hosts of a network
  // filesystem: two login nodes could both write and corrupt the database.
  // A rollback journal with synchronous=FULL only needs POSIX locks.
  bool local = journal == Journal::automatic && network_filesystem_of(fs::absolute(file).parent_path()).empty();
  if (local)
    exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  else
    exec("PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;");
  exec("PRAGMA foreign_keys=ON;");
  migrate();
}

void StateDb::migrate() {
  transaction([&] {
    int version = schema_version();
    if (version == 0) {
      // Databases made before the schema had a version have its tables already.
      Statement q(db_, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='deployments'");
      q.step();
      if (q.integer(0) > 0) version = 1;
    }
    if (version > kStateSchemaVersion)
      throw Error("state database " + file_.string() + " has schema version " + std::to_string(version) +
                  ", newer than this spack-ext understands (" + std::to_string(kStateSchemaVersion) +
                  "); use a newer spack-ext or another --state-db");
    for (int v = version; v < kStateSchemaVersion; ++v) exec(kMigrations[v]);
    if (version != kStateSchemaVersion) exec("PRAGMA user_version=" + std::to_string(kStateSchemaVersion));
  });
}

int StateDb::schema_version() const {
  Statement q(db_, "PRAGMA user_version");
  q.step();
  return static_cast<int>(q.integer(0));
}

std::string StateDb::journal_mode() const {
  Statement q(db_, "PRAGMA journal_mode");
  q.step();
  return q.text(0);
}

StateDb::~StateDb() { sqlite3_close(db_); }

void StateDb::exec(const std::string& sql) const {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw Error("state database " + file_.string() + ": " + msg);
  }
}

template <class Fn>
void StateDb::transaction(Fn&& fn) {
  exec("BEGIN IMMEDIATE");
  try {
    fn();
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::int64_t StateDb::create_deployment(const DeploymentRecord& d,
                                        const std::vector<std::pair<std::string, std::string>>& nodes) {
  std::int64_t id = 0;
  transaction([&] {
    Statement(db_, "INSERT INTO deployments (name, config_path, executor, status, created_at, host_pid, options, owner) "
                   "VALUES (?,?,?,?,?,?,?,?)")
        .bind(1, d.name).bind(2, d.config_path).bind(3, d.executor).bind(4, "running")
        .bind(5, now()).bind(6, static_cast<std::int64_t>(d.host_pid)).bind(7, d.options.dump())
        .bind(8, d.owner)
        .run();
    id = sqlite3_last_insert_rowid(db_);
    Statement ins(db_, "INSERT INTO nodes (deployment_id, node, stage, state) VALUES (?,?,?,'pending')");
    for (const auto& [node, stage] : nodes) ins.bind(1, id).bind(2, node).bind(3, stage).run();
  });
  return id;
}

void StateDb::ensure_nodes(std::int64_t id, const std::vector<std::pair<std::string, std::string>>& nodes) {
  transaction([&] {
    Statement ins(db_, "INSERT OR IGNORE INTO nodes (deployment_id, node, stage, state) VALUES (?,?,?,'pending')");
    for (const auto& [node, stage] : nodes) ins.bind(1, id).bind(2, node).bind(3, stage).run();
  });
}

void StateDb::set_output(std::int64_t id, const std::string& output_dir, const std::string& previous) {
  transaction([&] {
    Statement(db_, "UPDATE deployments SET output_dir=?, previous_output=? WHERE id=?")
        .bind(1, output_dir).bind(2, previous).bind(3, id).run();
  });
}

void StateDb::set_status(std::int64_t id, const std::string& status, bool finished) {
  transaction([&] {
    Statement q(db_, "UPDATE deployments SET status=?, finished_at=? WHERE id=?");
    q.bind(1, status).bind(3, id);
    if (finished) q.bind(2, now());  // else NULL: running again
    q.run();
  });
}

std::string StateDb::claim(std::int64_t id, const ProcessIdentity& me, bool takeover) {
  std::string replaced;
  transaction([&] {  // BEGIN IMMEDIATE: the check and the claim see no other writer in between
    Statement q(db_, "SELECT status, owner, coalesce(host_pid,0) FROM deployments WHERE id=?");
    q.bind(1, id);
    if (!q.step()) throw InputError("deploy resume", "no deployment with id " + std::to_string(id));
    const std::string status = q.text(0);
    replaced = q.text(1);
    const long legacy_pid = static_cast<long>(q.integer(2));
    if (status == "succeeded" || status == "rolled_back")
      throw InputError("deploy resume", "deployment " + std::to_string(id) + " is " + status + "; nothing to resume");
    if (status == "running") {
      const std::string what = "deployment " + std::to_string(id) + " is still running";
      if (auto owner = ProcessIdentity::parse(replaced)) {
        if (!on_this_host(*owner) && !takeover)
          throw Error(what + " on host " + owner->host + " (process " + std::to_string(owner->pid) +
                      "), which this host cannot check; if that process is gone, resume with --takeover");
        if (on_this_host(*owner) && is_running(*owner))
          throw Error(what + " (host process " + std::to_string(owner->pid) + ")");
      } else if (legacy_pid > 0 && legacy_pid != me.pid && ::kill(static_cast<pid_t>(legacy_pid), 0) == 0 &&
                 !takeover) {
        // Recorded by an older spack-ext: only a PID, so a live one might be
        // recycled; let the user decide.
        throw Error(what + " (host process " + std::to_string(legacy_pid) +
                    " from an older spack-ext); if that process is not spack-ext, resume with --takeover");
      }
    }
    Statement(db_, "UPDATE deployments SET status='running', finished_at=NULL, owner=?, host_pid=? WHERE id=?")
        .bind(1, me.str()).bind(2, static_cast<std::int64_t>(me.pid)).bind(3, id).run();
  });
  return replaced;
}

void StateDb::attempt_intent(std::int64_t id, const std::string& node, int attempt, const std::string& token,
                             const std::string& log_path) {
  transaction([&] {
    Statement(db_, "INSERT OR REPLACE INTO attempts (deployment_id, node, attempt, token, state, log_path, started_at) "
                   "VALUES (?,?,?,?,'submitting',?,?)")
        .bind(1, id).bind(2, node).bind(3, attempt).bind(4, token).bind(5, log_path).bind(6, now()).run();
    Statement(db_, "UPDATE nodes SET state='submitting', attempts=?, native_id='', log_path=?, detail='' "
                   "WHERE deployment_id=? AND node=?")
        .bind(1, attempt).bind(2, log_path).bind(3, id).bind(4, node).run();
  });
}

void StateDb::attempt_started(std::int64_t id, const std::string& node, int attempt,
                              const std::string& native_id, const std::string& log_path) {
  transaction([&] {
    Statement(db_, "INSERT INTO attempts (deployment_id, node, attempt, native_id, state, log_path, started_at) "
                   "VALUES (?,?,?,?,'running',?,?) ON CONFLICT(deployment_id, node, attempt) DO UPDATE SET "
                   "native_id=excluded.native_id, state='running', log_path=excluded.log_path")
        .bind(1, id).bind(2, node).bind(3, attempt).bind(4, native_id).bind(5, log_path).bind(6, now()).run();
    Statement(db_, "UPDATE nodes SET state='running', attempts=?, native_id=?, log_path=?, detail='' "
                   "WHERE deployment_id=? AND node=?")
        .bind(1, attempt).bind(2, native_id).bind(3, log_path).bind(4, id).bind(5, node).run();
  });
}

void StateDb::attempt_finished(std::int64_t id, const std::string& node, int attempt,
                               const std::string& state, std::optional<int> exit_code,
                               const std::string& detail, double seconds,
                               const std::string& node_state, const FileList& files) {
  transaction([&] {
    // An attempt that never started (the executor refused it) gets its row here.
    Statement(db_, "INSERT OR IGNORE INTO attempts (deployment_id, node, attempt, state, started_at) "
                   "VALUES (?,?,?,'running',?)")
        .bind(1, id).bind(2, node).bind(3, attempt).bind(4, now()).run();
    Statement(db_, "UPDATE attempts SET state=?, finished_at=?, exit_code=?, duration_s=?, detail=? "
                   "WHERE deployment_id=? AND node=? AND attempt=?")
        .bind(1, state).bind(2, now()).bind(3, exit_code).bind(4, seconds).bind(5, detail)
        .bind(6, id).bind(7, node).bind(8, attempt).run();
    Statement(db_, "UPDATE nodes SET state=?, attempts=max(attempts, ?), exit_code=?, duration_s=?, detail=? "
                   "WHERE deployment_id=? AND node=?")
        .bind(1, node_state).bind(2, attempt).bind(3, exit_code).bind(4, seconds).bind(5, detail)
        .bind(6, id).bind(7, node).run();
    if (state == "succeeded") {
      Statement(db_, "INSERT INTO durations (deployment_name, node, last_s, runs) "
                     "SELECT name, ?, ?, 1 FROM deployments WHERE id=? "
                     "ON CONFLICT(deployment_name, node) DO UPDATE SET last_s=excluded.last_s, runs=runs+1")
          .bind(1, node).bind(2, seconds).bind(3, id).run();
    }
    insert_artifacts(id, node, files);
  });
}

void StateDb::set_node_state(std::int64_t id, const std::string& node, const std::string& state,
                             const std::string& detail, const FileList& files) {
  transaction([&] {
    Statement(db_, "UPDATE nodes SET state=?, detail=? WHERE deployment_id=? AND node=?")
        .bind(1, state).bind(2, detail).bind(3, id).bind(4, node).run();
    if (state != "running")
      Statement(db_, "UPDATE attempts SET state=?, finished_at=?, detail=? "
                     "WHERE deployment_id=? AND node=? AND state IN ('running','submitting')")
          .bind(1, state).bind(2, now()).bind(3, detail).bind(4, id).bind(5, node).run();
    insert_artifacts(id, node, files);
  });
}

std::map<std::string, double> StateDb::recorded_durations(const std::string& name) const {
  std::map<std::string, double> out;
  Statement q(db_, "SELECT node, last_s FROM durations WHERE deployment_name=?");
  q.bind(1, name);
  while (q.step()) out[q.text(0)] = *q.opt_double(1);
  return out;
}

void StateDb::insert_artifacts(std::int64_t id, const std::string& node, const FileList& files) {
  if (files.empty()) return;
  Statement ins(db_, "INSERT OR REPLACE INTO artifacts (deployment_id, node, path, size) VALUES (?,?,?,?)");
  for (const auto& [path, size] : files)
    ins.bind(1, id).bind(2, node).bind(3, path).bind(4, static_cast<std::int64_t>(size)).run();
}

void StateDb::add_artifacts(std::int64_t id, const std::string& node, const FileList& files) {
  transaction([&] { insert_artifacts(id, node, files); });
}

FileList StateDb::artifacts(std::int64_t id) const {
  FileList out;
  Statement q(db_, "SELECT path, size FROM artifacts WHERE deployment_id=? ORDER BY path");
  q.bind(1, id);
  while (q.step()) out.emplace_back(q.text(0), static_cast<std::uintmax_t>(q.integer(1)));
  return out;
}

namespace {
constexpr const char* kDeploymentColumns =
    "SELECT id, name, config_path, executor, status, created_at, coalesce(finished_at,''), "
    "coalesce(host_pid,0), options, output_dir, previous_output, owner FROM deployments ";
}

std::optional<DeploymentRecord> StateDb::deployment(std::int64_t id) const {
  for (auto& d : deployments())
    if (d.id == id) return d;
  return std::nullopt;
}

std::vector<DeploymentRecord> StateDb::deployments() const {
  std::vector<DeploymentRecord> out;
  Statement q(db_, (std::string(kDeploymentColumns) + "ORDER BY id").c_str());
  while (q.step()) {
    DeploymentRecord d;
    d.id = q.integer(0);
    d.name = q.text(1);
    d.config_path = q.text(2);
    d.executor = q.text(3);
    d.status = q.text(4);
    d.created_at = q.text(5);
    d.finished_at = q.text(6);
    d.host_pid = static_cast<long>(q.integer(7));
    d.options = nlohmann::json::parse(q.text(8), nullptr, false);
    d.output_dir = q.text(9);
    d.previous_output = q.text(10);
    d.owner = q.text(11);
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<NodeRecord> StateDb::nodes(std::int64_t id) const {
  std::vector<NodeRecord> out;
  Statement q(db_, "SELECT node, stage, state, attempts, native_id, log_path, exit_code, duration_s, detail "
                   "FROM nodes WHERE deployment_id=? ORDER BY rowid");
  q.bind(1, id);
  while (q.step()) {
    NodeRecord n;
    n.name = q.text(0);
    n.stage = q.text(1);
    n.state = q.text(2);
    n.attempts = static_cast<int>(q.integer(3));
    n.native_id = q.text(4);
    n.log_path = q.text(5);
    n.exit_code = q.opt_int(6);
    n.duration_s = q.opt_double(7);
    n.detail = q.text(8);
    out.push_back(std::move(n));
  }
  return out;
}

std::vector<AttemptRecord> StateDb::attempts(std::int64_t id) const {
  std::vector<AttemptRecord> out;
  Statement q(db_, "SELECT node, attempt, native_id, state, log_path, started_at, coalesce(finished_at,''), "
                   "exit_code, duration_s, detail, token FROM attempts WHERE deployment_id=? ORDER BY rowid");
  q.bind(1, id);
  while (q.step()) {
    AttemptRecord a;
    a.node = q.text(0);
    a.attempt = static_cast<int>(q.integer(1));
    a.native_id = q.text(2);
    a.state = q.text(3);
    a.log_path = q.text(4);
    a.started_at = q.text(5);
    a.finished_at = q.text(6);
    a.exit_code = q.opt_int(7);
    a.duration_s = q.opt_double(8);
    a.detail = q.text(9);
    a.token = q.text(10);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace spackext::deploy
