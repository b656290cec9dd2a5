-- A deployment database as the state database code before schema versions
-- wrote it (plugins/commands/deploy/state_db.cpp at commit 26c850b, driven
-- the way that commit's runner drove it, then `sqlite3 FILE .dump`):
-- deployment 1 succeeded; deployment 2's host was killed while node b ran.
-- @ROOT@ stands for the folder the test puts it in.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE deployments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL, config_path TEXT NOT NULL, executor TEXT NOT NULL,
  status TEXT NOT NULL, created_at TEXT NOT NULL, finished_at TEXT,
  host_pid INTEGER, options TEXT NOT NULL DEFAULT '{}',
  output_dir TEXT NOT NULL DEFAULT '', previous_output TEXT NOT NULL DEFAULT '');
INSERT INTO deployments VALUES(1,'legacy','@ROOT@/deploy.yaml','local','succeeded','2026-12-03T09:02:01.150500Z','2026-12-03T09:02:01.151318Z',4194304,'{"executor":"local","jobs":2,"keep_going":false,"stages":[]}','@ROOT@/work/artifacts/deployments/1','');
INSERT INTO deployments VALUES(2,'legacy','@ROOT@/deploy.yaml','local','running','2026-12-03T09:02:01.151346Z',NULL,4194304,'{"executor":"local","jobs":2,"keep_going":false,"stages":[]}','@ROOT@/work/artifacts/deployments/2','@ROOT@/work/artifacts/deployments/1');
CREATE TABLE nodes (
  deployment_id INTEGER NOT NULL REFERENCES deployments(id), node TEXT NOT NULL,
  stage TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  native_id TEXT NOT NULL DEFAULT '', log_path TEXT NOT NULL DEFAULT '',
  exit_code INTEGER, duration_s REAL, detail TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (deployment_id, node));
INSERT INTO nodes VALUES(1,'a','a','succeeded',1,'4194301','@ROOT@/logs/1/a/attempt-1.log',0,0.25,'');
INSERT INTO nodes VALUES(1,'b','b','succeeded',1,'4194301','@ROOT@/logs/1/b/attempt-1.log',0,0.25,'');
INSERT INTO nodes VALUES(2,'a','a','succeeded',1,'4194302','@ROOT@/logs/2/a/attempt-1.log',0,0.5,'');
INSERT INTO nodes VALUES(2,'b','b','running',1,'4194303','@ROOT@/logs/2/b/attempt-1.log',NULL,NULL,'');
CREATE TABLE attempts (
  deployment_id INTEGER NOT NULL, node TEXT NOT NULL, attempt INTEGER NOT NULL,
  native_id TEXT NOT NULL DEFAULT '', state TEXT NOT NULL, log_path TEXT NOT NULL DEFAULT '',
  started_at TEXT NOT NULL, finished_at TEXT, exit_code INTEGER, duration_s REAL,
  detail TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (deployment_id, node, attempt));
INSERT INTO attempts VALUES(1,'a',1,'4194301','succeeded','@ROOT@/logs/1/a/attempt-1.log','2026-12-03T09:02:01.150937Z','2026-12-03T09:02:01.151001Z',0,0.25,'');
INSERT INTO attempts VALUES(1,'b',1,'4194301','succeeded','@ROOT@/logs/1/b/attempt-1.log','2026-12-03T09:02:01.151165Z','2026-12-03T09:02:01.151217Z',0,0.25,'');
INSERT INTO attempts VALUES(2,'a',1,'4194302','succeeded','@ROOT@/logs/2/a/attempt-1.log','2026-12-03T09:02:01.151429Z','2026-12-03T09:02:01.151479Z',0,0.5,'');
INSERT INTO attempts VALUES(2,'b',1,'4194303','running','@ROOT@/logs/2/b/attempt-1.log','2026-12-03T09:02:01.151553Z',NULL,NULL,NULL,'');
CREATE TABLE durations (
  deployment_name TEXT NOT NULL, node TEXT NOT NULL, last_s REAL NOT NULL,
  runs INTEGER NOT NULL, PRIMARY KEY (deployment_name, node));
INSERT INTO durations VALUES('legacy','a',0.5,2);
INSERT INTO durations VALUES('legacy','b',0.25,1);
CREATE TABLE artifacts (
  deployment_id INTEGER NOT NULL, node TEXT NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL,
  PRIMARY KEY (deployment_id, path));
INSERT INTO artifacts VALUES(1,'a','@ROOT@/work/artifacts/deployments/1/a/env',12);
DELETE FROM sqlite_sequence;
INSERT INTO sqlite_sequence VALUES('deployments',2);
COMMIT;
