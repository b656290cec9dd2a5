// Signed plugin bundles through the built host: pack, trust, install (user
// and site), list, run, verify (tampering reported), remove; and every kind
// of hostile bundle refused with its reason, with nothing written to the
// plugin folders and no plugin code run (the contract fixtures leave a marker
// file the moment they are loaded).
#include <sys/stat.h>

#include <thread>

#include <nlohmann/json.hpp>

#include "bundle_writer.hpp"
#include "publisher_keys.hpp"
#include "spackext_testing/testing.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using spackext::testing::ArchiveMember;
using spackext::testing::RunResult;
using spackext::testing::TempDir;

class Bundles : public ::testing::Test {
 protected:
  void SetUp() override {
    publisher_ = keys_.generate("Acme Plugins <plugins@acme.example.invalid>");
    keys_.export_public(publisher_, home_ / "acme.asc");
    fs::create_directories(markers_);
    make_source(source_, "fixture-good.so");
  }

  // A folder to pack: a plugin and a data file in a subfolder.
  void make_source(const fs::path& dir, const std::string& plugin) {
    fs::create_directories(dir / "share");
    fs::copy_file(fs::path(SPACKEXT_CONTRACT_FIXTURE_DIR) / plugin, dir / plugin, fs::copy_options::overwrite_existing);
    spackext::testing::write_file(dir / "share" / "greeting.txt", "hello from acme\n");
  }

  RunResult host(const std::vector<std::string>& args) {
    return spackext::testing::run_host(
        args, home_.path(),
        {.env = {{"GNUPGHOME", keys_.home().string()}, {"SPACKEXT_TEST_MARKER_DIR", markers_.string()}},
         .unset_env = {"SPACK_EXT_SYSTEM_PLUGIN_PATH"}});
  }

  fs::path pack(const std::string& name, const std::string& key, const fs::path& source) {
    fs::path out = home_ / (name + ".bundle");
    std::vector<std::string> args{"plugin", "pack", source.string(), "-o", out.string()};
    if (!key.empty()) args.insert(args.end(), {"--key", key});
    auto r = host(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return out;
  }

  void trust_publisher() {
    auto r = host({"plugin", "trust", "add", (home_ / "acme.asc").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // Every file below the plugin folders (the lock file aside).
  std::vector<std::string> installed_files() {
    std::vector<std::string> out;
    for (const fs::path& root : {user_plugins_, site_plugins_}) {
      std::error_code ec;
      for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->path().filename() != ".bundles.lock") out.push_back(it->path().string());
    }
    return out;
  }

  bool plugin_code_ran() { return !fs::is_empty(markers_); }

  TempDir home_{"spackext-bundles"};
  spackext::testing::PublisherKeys keys_;
  std::string publisher_;
  fs::path source_ = home_ / "src";
  fs::path markers_ = home_ / "markers";
  fs::path user_plugins_ = home_ / ".local/share/spack-ext/plugins";
  fs::path site_plugins_ = home_ / "site/plugins";
};

TEST_F(Bundles, PackTrustInstallRunVerifyRemove) {
  fs::path bundle = pack("acme", publisher_, source_);
  trust_publisher();
  auto list_keys = host({"--json", "plugin", "trust", "list"});
  ASSERT_EQ(list_keys.exit_code, 0) << list_keys.err;
  EXPECT_EQ(json::parse(list_keys.out)[0]["fingerprint"], publisher_);

  auto install = host({"--json", "plugin", "install", bundle.string()});
  ASSERT_EQ(install.exit_code, 0) << install.err;
  auto doc = json::parse(install.out);
  EXPECT_EQ(doc["name"], "acme");
  EXPECT_EQ(doc["signer"], publisher_);
  EXPECT_EQ(doc["replaced"], false);
  EXPECT_FALSE(plugin_code_ran()) << "install must not load the plugin";

  // Installed as one folder of the user plugin folder, with safe modes.
  const fs::path folder = user_plugins_ / "acme";
  for (const char* f : {"fixture-good.so", "fixture-good.manifest.json", "share/greeting.txt", "MANIFEST.json", "MANIFEST.json.sig"}) {
    struct stat st;
    ASSERT_EQ(::lstat((folder / f).c_str(), &st), 0) << f;
    EXPECT_TRUE(S_ISREG(st.st_mode)) << f;
    EXPECT_EQ(st.st_mode & 07777, 0644u) << f;
  }
  EXPECT_EQ(spackext::testing::read_file(folder / "share/greeting.txt"), "hello from acme\n");

  auto list = host({"--json", "plugin", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  bool listed = false;
  for (auto& p : json::parse(list.out))
    listed |= p["name"] == "good" && p["state"] == "available" && p["path"] == (folder / "fixture-good.so").string();
  EXPECT_TRUE(listed) << list.out;
  auto ran = host({"good"});
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "good ran\n");

  auto verify = host({"plugin", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("acme: ok (3 files, signed by " + publisher_ + ")"), std::string::npos) << verify.out;

  // Tampering: a changed data file and an added plugin are both reported.
  spackext::testing::write_file(folder / "share/greeting.txt", "hello from evil\n");  // same size: only the hash can tell
  fs::copy_file(folder / "fixture-good.so", folder / "extra.so");
  auto tampered = host({"--json", "plugin", "verify", "acme"});
  EXPECT_EQ(tampered.exit_code, 1);
  auto checks = json::parse(tampered.out);
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0]["ok"], false);
  EXPECT_EQ(checks[0]["problems"], json({"share/greeting.txt: content changed (sha256 differs)", "extra.so: not part of the bundle"}))
      << checks.dump(2);

  auto removed = host({"plugin", "remove", "acme"});
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_FALSE(fs::exists(folder));
  EXPECT_TRUE(installed_files().empty());
  auto again = host({"plugin", "remove", "acme"});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_EQ(again.err, "error: no bundle named 'acme' is installed in " + user_plugins_.string() + "\n");
}

TEST_F(Bundles, ChangedManifestIsCaughtByItsSignature) {
  fs::path bundle = pack("acme", publisher_, source_);
  trust_publisher();
  ASSERT_EQ(host({"plugin", "install", bundle.string()}).exit_code, 0);
  const fs::path manifest = user_plugins_ / "acme/MANIFEST.json";
  auto text = spackext::testing::read_file(manifest);
  text.replace(text.find("\"acme\""), 6, "\"acmf\"");
  spackext::testing::write_file(manifest, text);
  auto r = host({"plugin", "verify"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("BAD signature: MANIFEST.json was changed after it was signed"), std::string::npos) << r.out;
}

TEST_F(Bundles, VerifyRemembersGoodSignaturesUntilTheKeysChange) {
  fs::path bundle = pack("acme", publisher_, source_);
  trust_publisher();
  ASSERT_EQ(host({"plugin", "install", bundle.string()}).exit_code, 0);
  auto first = host({"plugin", "verify"});
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_TRUE(fs::exists(home_ / ".cache/spack-ext/bundle-signatures.json"));
  EXPECT_EQ(host({"plugin", "verify"}).out, first.out);
  // Distrusting the publisher changes the key set: the cached verdict no longer applies.
  ASSERT_EQ(host({"plugin", "trust", "remove", publisher_}).exit_code, 0);
  auto after = host({"plugin", "verify"});
  EXPECT_NE(after.out.find("acme: ok (3 files, signed by a publisher that is not trusted)"), std::string::npos) << after.out;
}

TEST_F(Bundles, SiteInstallTrustsOnlySiteKeys) {
  fs::path bundle = pack("acme", publisher_, source_);
  trust_publisher();  // a user key does not open the site folder
  auto refused = host({"plugin", "install", "--site", bundle.string()});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("not a trusted publisher"), std::string::npos) << refused.err;
  EXPECT_TRUE(installed_files().empty());
  ASSERT_EQ(host({"plugin", "trust", "add", "--site", (home_ / "acme.asc").string()}).exit_code, 0);
  auto ok = host({"plugin", "install", "--site", bundle.string()});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_TRUE(fs::exists(site_plugins_ / "acme/fixture-good.so"));
  EXPECT_EQ(host({"plugin", "verify", "--site"}).exit_code, 0);
  EXPECT_EQ(host({"plugin", "remove", "--site", "acme"}).exit_code, 0);
  EXPECT_FALSE(fs::exists(site_plugins_ / "acme"));
}

TEST_F(Bundles, UnsignedAndUntrustedAreRefusedUnlessAllowed) {
  fs::path unsigned_bundle = pack("plain", "", source_);
  auto r = host({"plugin", "install", unsigned_bundle.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "error: " + unsigned_bundle.string() +
                       ": refused: the bundle is not signed (pass --allow-unsigned to install it anyway)\n");
  EXPECT_TRUE(installed_files().empty());

  const std::string stranger = keys_.generate("Stranger <stranger@example.invalid>");
  fs::path untrusted = pack("strange", stranger, source_);
  trust_publisher();
  r = host({"plugin", "install", untrusted.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("signed by " + stranger + ", which is not a trusted publisher"), std::string::npos) << r.err;
  EXPECT_TRUE(installed_files().empty());

  auto allowed = host({"plugin", "install", "--allow-unsigned", unsigned_bundle.string()});
  EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_NE(allowed.err.find("not signed; accepted because of --allow-unsigned"), std::string::npos) << allowed.err;
  auto verify = host({"plugin", "verify", "plain"});
  EXPECT_EQ(verify.exit_code, 0);
  EXPECT_NE(verify.out.find("plain: ok (3 files, unsigned (installed with --allow-unsigned))"), std::string::npos) << verify.out;
}

TEST_F(Bundles, IncompatiblePluginIsRefusedBeforeUnpacking) {
  fs::path src = home_ / "src-abi";
  make_source(src, "fixture-other-abi.so");
  fs::path bundle = pack("abi", publisher_, src);
  trust_publisher();
  auto r = host({"plugin", "install", bundle.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("refused: plugin 'fixture-other-abi.so' (other-abi 1.0.0) cannot run here: built with C++ ABI 'clang/libc++'"),
            std::string::npos) << r.err;
  EXPECT_TRUE(installed_files().empty());
  EXPECT_FALSE(plugin_code_ran());
}

TEST_F(Bundles, UpgradeWhileTheHostRunsACommand) {
  fs::path bundle = pack("acme", publisher_, source_);
  trust_publisher();
  ASSERT_EQ(host({"plugin", "install", bundle.string()}).exit_code, 0);
  // `good --progress 50` runs for about a second from the installed folder;
  // the same bundle is installed over it meanwhile (a folder swap).
  RunResult running;
  std::thread command([&] { running = host({"good", "--progress", "50"}); });
  int replaced = 0;
  for (int i = 0; i < 5; ++i) {
    auto r = host({"--json", "plugin", "install", bundle.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    replaced += json::parse(r.out)["replaced"] == true;
  }
  command.join();
  EXPECT_EQ(replaced, 5);
  EXPECT_EQ(running.exit_code, 0) << running.err;
  EXPECT_EQ(running.out, "good ran\n");
  EXPECT_EQ(host({"plugin", "verify"}).exit_code, 0);
  // No staging folder is left behind.
  for (const auto& e : fs::directory_iterator(user_plugins_))
    EXPECT_TRUE(e.path().filename() == "acme" || e.path().filename() == ".bundles.lock") << e.path();
}

// Hostile bundles: each is the good bundle changed one way, re-signed by the
// trusted publisher (so only the change itself can be the reason).
class HostileBundles : public Bundles {
 protected:
  void SetUp() override {
    Bundles::SetUp();
    trust_publisher();
    members_ = spackext::testing::read_members(pack("acme", publisher_, source_));
    ASSERT_EQ(members_.at(0).path, "MANIFEST.json");
    ASSERT_EQ(members_.at(1).path, "MANIFEST.json.sig");
    manifest_ = json::parse(members_[0].data);
    members_.erase(members_.begin(), members_.begin() + 2);
  }

  // Adds `m` to the payload and, if `list` is set, to the manifest.
  void add(const ArchiveMember& m, bool list) {
    members_.push_back(m);
    if (list) manifest_["files"].push_back({{"path", m.path}, {"size", m.data.size()}, {"sha256", spackext::testing::sha256_hex(m.data)}});
  }

  // Writes the bundle (manifest re-signed), installs it, and expects a
  // refusal containing `reason`, with nothing installed and nothing run.
  void expect_refused(const std::string& reason, const std::vector<std::string>& extra_args = {}) {
    const std::string text = manifest_.dump(2) + "\n";
    std::vector<ArchiveMember> all{{.path = "MANIFEST.json", .data = text},
                                   {.path = "MANIFEST.json.sig", .data = keys_.sign(publisher_, text)}};
    all.insert(all.end(), members_.begin(), members_.end());
    const fs::path bundle = home_ / "hostile.bundle";
    spackext::testing::write_members(bundle, all);
    if (truncate_) fs::resize_file(bundle, fs::file_size(bundle) / 2);
    std::vector<std::string> args{"plugin", "install", bundle.string()};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    auto r = host(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(bundle.string() + ": refused: " + reason), std::string::npos) << r.err;
    EXPECT_TRUE(installed_files().empty()) << "written: " << ::testing::PrintToString(installed_files());
    EXPECT_FALSE(plugin_code_ran());
  }

  std::vector<ArchiveMember> members_;
  json manifest_;
  bool truncate_ = false;  // cut the written bundle in half
};

TEST_F(HostileBundles, PathTraversal) {
  add({.path = "../escaped.txt", .data = "x"}, false);
  expect_refused("member '../escaped.txt': '..' path component");
}

TEST_F(HostileBundles, ManifestNamingAPathOutside) {
  add({.path = "../escaped.txt", .data = "x"}, true);
  expect_refused("MANIFEST.json: files[3].path '../escaped.txt': '..' path component");
}

TEST_F(HostileBundles, AbsolutePath) {
  add({.path = "/tmp/escaped.txt", .data = "x"}, false);
  expect_refused("member '/tmp/escaped.txt': absolute path");
}

TEST_F(HostileBundles, SymlinkPointingOutside) {
  add({.type = ArchiveMember::Type::symlink, .path = "share/passwd", .link = "/etc/passwd"}, false);
  expect_refused("member 'share/passwd' is a symbolic link (to '/etc/passwd'); bundles hold regular files only");
}

TEST_F(HostileBundles, HardLinkPointingOutside) {
  add({.type = ArchiveMember::Type::hardlink, .path = "share/shadow", .link = "/etc/shadow"}, false);
  expect_refused("member 'share/shadow' is a hard link (to '/etc/shadow'); bundles hold regular files only");
}

TEST_F(HostileBundles, DeviceFile) {
  add({.type = ArchiveMember::Type::char_device, .path = "share/null"}, false);
  expect_refused("member 'share/null' is a character device; bundles hold regular files only");
}

TEST_F(HostileBundles, SetuidBit) {
  add({.path = "share/tool", .data = "#!/bin/sh\n", .mode = 04755}, false);
  expect_refused("member 'share/tool' has setuid, setgid or sticky bits");
}

TEST_F(HostileBundles, DuplicateMemberName) {
  ArchiveMember again = members_.back();
  members_.push_back(again);
  expect_refused("member '" + again.path + "' appears twice in the archive");
}

TEST_F(HostileBundles, MemberNotInTheManifest) {
  add({.path = "share/unlisted.txt", .data = "sneaky"}, false);
  expect_refused("member 'share/unlisted.txt' is not listed in MANIFEST.json");
}

TEST_F(HostileBundles, ManifestEntryMissingFromTheArchive) {
  manifest_["files"].push_back({{"path", "share/ghost.txt"}, {"size", 1}, {"sha256", spackext::testing::sha256_hex("g")}});
  expect_refused("'share/ghost.txt' is listed in MANIFEST.json but missing from the archive");
}

TEST_F(HostileBundles, WrongChecksum) {
  for (auto& m : members_)
    if (m.path == "share/greeting.txt") m.data = "hello from mallory";  // same length: only the hash can tell
  for (auto& f : manifest_["files"])
    if (f["path"] == "share/greeting.txt") f["size"] = std::string("hello from mallory").size();
  expect_refused("member 'share/greeting.txt': sha256 does not match the manifest");
}

TEST_F(HostileBundles, SignedByAnUntrustedKey) {
  publisher_ = keys_.generate("Mallory <mallory@example.invalid>");
  expect_refused("signed by " + publisher_ + ", which is not a trusted publisher");
}

TEST_F(HostileBundles, TruncatedArchive) {
  truncate_ = true;  // the cut lands inside the plugin, the largest member
  expect_refused("truncated or corrupt archive");
}

TEST_F(HostileBundles, ZipBombOverTheSizeLimit) {
  // 64 MiB of zeros compress to a few kilobytes; the limit is 1 MiB.
  add({.path = "share/zeros.bin", .data = std::string(64u << 20, '\0')}, true);
  expect_refused("the manifest declares", {"--max-size", "1048576"});
}

TEST_F(HostileBundles, MemberLargerThanTheManifestSays) {
  // The manifest claims 16 bytes; the archive holds 64 MiB of zeros.
  add({.path = "share/zeros.bin", .data = std::string(64u << 20, '\0')}, false);
  manifest_["files"].push_back({{"path", "share/zeros.bin"}, {"size", 16}, {"sha256", spackext::testing::sha256_hex(std::string(16, '\0'))}});
  expect_refused("member 'share/zeros.bin' has 67108864 bytes, the manifest says 16");
}

TEST_F(HostileBundles, UndeclaredPluginLibrary) {
  ArchiveMember so = members_.front();
  for (auto& m : members_)
    if (m.path == "fixture-good.so") so = m;
  so.path = "sneaky.so";
  add(so, true);
  expect_refused("MANIFEST.json: files: 'sneaky.so' would be loaded as a plugin but is not listed in plugins");
}

}  // namespace
