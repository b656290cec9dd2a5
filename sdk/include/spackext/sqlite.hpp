// A plugin's own SQLite state file, opened the careful way: folders created,
// a busy timeout for concurrent commands, WAL journaling, foreign keys, and a
// schema version (PRAGMA user_version) checked on open so an older spack-ext
// never writes a file a newer one laid out. Every change goes through
// transaction(), so a process killed at any instant leaves the last commit.
// Link SpackExt::sqlite to use it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace spackext::sqlite {

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind_null(int index);
  // True while there is a row to read.
  bool step();
  // Runs to completion and resets, so it can be bound and run again.
  void run();
  std::string text(int column) const;
  std::int64_t integer(int column) const;
  bool null(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  // `schema` is run (in a transaction) when the file is new or older than
  // `version`; it must be idempotent (CREATE ... IF NOT EXISTS). A file with
  // a newer version is refused with an Error naming both versions.
  Database(const std::filesystem::path& file, int version, std::string_view schema);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(std::string_view sql);
  Statement prepare(std::string_view sql) { return Statement(db_, sql); }
  // BEGIN IMMEDIATE ... COMMIT, rolled back if `fn` throws.
  template <class Fn>
  void transaction(Fn&& fn) {
    exec("BEGIN IMMEDIATE");
    try {
      fn();
      exec("COMMIT");
    } catch (...) {
      rollback();
      throw;
    }
  }
  std::int64_t last_insert_id() const;
  int changes() const;
  const std::filesystem::path& file() const { return file_; }

 private:
  void rollback() noexcept;
  sqlite3* db_ = nullptr;
  std::filesystem::path file_;
};

}  // namespace spackext::sqlite
