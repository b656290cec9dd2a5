/* An LD_PRELOAD library that kills its process with SIGKILL immediately
 * before the Nth rename or unlink, so crash tests can hit each of the moments
 * where a writer publishes or deletes something, deterministically, instead
 * of hoping a random kill lands there.
 *
 *   SPACKEXT_KILL_BEFORE=rename:N   SIGKILL before the Nth rename/renameat/renameat2
 *   SPACKEXT_KILL_BEFORE=unlink:N   ... before the Nth unlink/unlinkat/rmdir/remove
 *                                   (std::filesystem::remove calls remove())
 *   SPACKEXT_KILL_BEFORE=any:N      ... before the Nth of either
 *   SPACKEXT_KILL_MATCH=TEXT        count only calls whose path contains TEXT
 *                                   (e.g. the destination mirror's folder)
 *   SPACKEXT_KILL_COUNT_FILE=FILE   at exit, append "renames=R unlinks=U" so a
 *                                   test learns how many moments a run has
 *
 * Only the process that loaded the library first acts: children inherit
 * LD_PRELOAD, so the variables are removed from the environment at load time
 * (a spawned gpg or spack keeps its own counts out of the test). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { KIND_NONE, KIND_RENAME, KIND_UNLINK, KIND_ANY };

static int g_kind = KIND_NONE;
static long g_target = 0;
static char g_match[4096];
static char g_count_file[4096];
static atomic_long g_renames;
static atomic_long g_unlinks;
static atomic_long g_hits;

static void write_counts(void) {
  if (!g_count_file[0]) return;
  FILE* f = fopen(g_count_file, "a");
  if (!f) return;
  fprintf(f, "renames=%ld unlinks=%ld\n", atomic_load(&g_renames), atomic_load(&g_unlinks));
  fclose(f);
}

__attribute__((constructor)) static void kill_hook_init(void) {
  const char* spec = getenv("SPACKEXT_KILL_BEFORE");
  if (spec) {
    const char* colon = strchr(spec, ':');
    if (colon) {
      size_t n = (size_t)(colon - spec);
      if (n == 6 && strncmp(spec, "rename", 6) == 0) g_kind = KIND_RENAME;
      else if (n == 6 && strncmp(spec, "unlink", 6) == 0) g_kind = KIND_UNLINK;
      else if (n == 3 && strncmp(spec, "any", 3) == 0) g_kind = KIND_ANY;
      g_target = strtol(colon + 1, NULL, 10);
    }
  }
  const char* match = getenv("SPACKEXT_KILL_MATCH");
  if (match) snprintf(g_match, sizeof g_match, "%s", match);
  const char* count_file = getenv("SPACKEXT_KILL_COUNT_FILE");
  if (count_file) {
    snprintf(g_count_file, sizeof g_count_file, "%s", count_file);
    atexit(write_counts);
  }
  unsetenv("SPACKEXT_KILL_BEFORE");
  unsetenv("SPACKEXT_KILL_MATCH");
  unsetenv("SPACKEXT_KILL_COUNT_FILE");
  unsetenv("LD_PRELOAD");
}

static int matches(const char* a, const char* b) {
  if (!g_match[0]) return 1;
  return (a && strstr(a, g_match)) || (b && strstr(b, g_match));
}

static void before(int kind, const char* a, const char* b) {
  if (!matches(a, b)) return;
  atomic_fetch_add(kind == KIND_RENAME ? &g_renames : &g_unlinks, 1);
  if (g_kind == KIND_NONE || (g_kind != KIND_ANY && g_kind != kind)) return;
  if (atomic_fetch_add(&g_hits, 1) + 1 == g_target) kill(getpid(), SIGKILL);
}

#define NEXT(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

int rename(const char* from, const char* to) {
  before(KIND_RENAME, from, to);
  return NEXT(rename)(from, to);
}
int renameat(int fd1, const char* from, int fd2, const char* to) {
  before(KIND_RENAME, from, to);
  return NEXT(renameat)(fd1, from, fd2, to);
}
int renameat2(int fd1, const char* from, int fd2, const char* to, unsigned flags) {
  before(KIND_RENAME, from, to);
  return NEXT(renameat2)(fd1, from, fd2, to, flags);
}
int unlink(const char* path) {
  before(KIND_UNLINK, path, NULL);
  return NEXT(unlink)(path);
}
int unlinkat(int fd, const char* path, int flags) {
  before(KIND_UNLINK, path, NULL);
  return NEXT(unlinkat)(fd, path, flags);
}
int rmdir(const char* path) {
  before(KIND_UNLINK, path, NULL);
  return NEXT(rmdir)(path);
}
int remove(const char* path) {
  before(KIND_UNLINK, path, NULL);
  return NEXT(remove)(path);
}
