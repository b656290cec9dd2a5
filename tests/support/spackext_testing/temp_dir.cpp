#include <sys/stat.h>

#include <cstdlib>
#include <system_error>

#include "spackext_testing/testing.hpp"

namespace spackext::testing {

TempDir::TempDir(const std::string& tag) {
  const char* base = std::getenv("TMPDIR");
  std::string templ = std::string(base && *base ? base : "/tmp") + "/" + tag + "-XXXXXX";
  if (!mkdtemp(templ.data())) throw std::system_error(errno, std::generic_category(), "mkdtemp");
  path_ = templ;
  ::chmod(path_.c_str(), 0700);
}

TempDir::~TempDir() {
  std::error_code ec;
  // Tests may leave read-only folders behind; make them removable first.
  for (auto it = fs::recursive_directory_iterator(path_, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->is_directory(ec)) fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

}  // namespace spackext::testing
