#include "product_fixture.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "spackext_testing/tar_writer.hpp"

namespace spackext::testing::product {

void trust_fixture_keys(const fs::path& mirror, const fs::path& keyring, const fs::path& home) {
  fs::create_directories(keyring);
  fs::permissions(keyring, fs::perms::owner_all);
  auto r = run_host({"buildcache", "keys", "trust", "--from-mirror", "file://" + mirror.string(), "--keyring",
                     keyring.string()},
                    home);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
}

Packed pack_peerhello(const fs::path& mirror, const fs::path& keyring, const fs::path& home, const fs::path& out) {
  auto r = run_host({"product", "pack", "peerhello", "--from", "file://" + mirror.string(), "--prefix-variable",
                     kVariable, "-o", out.string(), "--keyring", keyring.string()},
                    home);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  Packed p;
  for (const auto& e : fs::directory_iterator(out)) {
    const auto name = e.path().filename().string();
    if (name.find("-modules.tar.gz") != std::string::npos) p.modules = e.path();
    else if (name.size() > 7 && name.substr(name.size() - 7) == ".tar.gz") p.software = e.path();
  }
  return p;
}

void untar(const fs::path& tarball, const fs::path& dir) {
  fs::create_directories(dir);
  auto r = run({"/usr/bin/tar", "-xzf", tarball.string(), "-C", dir.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

std::vector<std::string> files_below(const fs::path& dir) {
  std::vector<std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out.push_back(fs::relative(e.path(), dir).string());
  std::sort(out.begin(), out.end());
  return out;
}

void write_tar_gz(const fs::path& file, const std::vector<std::pair<std::string, std::string>>& members) {
  std::vector<TarMember> out;
  for (const auto& [name, content] : members) {
    if (content.rfind("->", 0) == 0)
      out.push_back({name, "", content.substr(2), ""});
    else
      out.push_back({name, content, "", ""});
  }
  spackext::testing::write_tar_gz(file, out);
}

}  // namespace spackext::testing::product
