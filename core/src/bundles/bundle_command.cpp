// `plugin pack|install|remove|verify|trust`: argument parsing and output.
// Written in the style of the host's other `plugin` subcommands; they move to
// the SDK command model together.
#include "bundles/bundle_command.hpp"

#include <iostream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "bundles/bundle_installer.hpp"
#include "bundles/bundle_packer.hpp"
#include "bundles/bundle_reader.hpp"
#include "bundles/bundle_verify.hpp"
#include "bundles/signature.hpp"
#include "bundles/signature_cache.hpp"
#include "bundles/trusted_keys.hpp"
#include "spackext/errors.hpp"

namespace spackext::bundles {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The words after the subcommand: flags, options with a value, positionals.
struct Args {
  std::vector<std::string> positional;
  std::set<std::string> flags;
  std::map<std::string, std::string> values;
};

Args parse(const std::string& command, const std::vector<std::string>& words, std::size_t first,
           const std::set<std::string>& flags, const std::set<std::string>& valued) {
  Args a;
  for (std::size_t i = first; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.size() > 1 && w[0] == '-') {
      std::string name = w, value;
      bool inline_value = false;
      if (auto eq = w.find('='); eq != std::string::npos) {
        name = w.substr(0, eq);
        value = w.substr(eq + 1);
        inline_value = true;
      }
      if (flags.count(name) && !inline_value) {
        a.flags.insert(name);
      } else if (valued.count(name)) {
        if (!inline_value) {
          if (i + 1 >= words.size()) throw UsageError(command + ": option '" + name + "' needs a value");
          value = words[++i];
        }
        a.values[name] = value;
      } else {
        throw UsageError(command + ": unknown option '" + name + "'");
      }
    } else {
      a.positional.push_back(w);
    }
  }
  return a;
}

std::uint64_t parse_size(const std::string& what, const std::string& text) {
  std::size_t used = 0;
  unsigned long long n = 0;
  try {
    n = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || text[0] == '-') throw UsageError(what + ": expected a number of bytes, got '" + text + "'");
  return n;
}

enum class Scope { user, site, both };

Scope scope_of(const std::string& command, const Args& a, Scope fallback) {
  if (a.flags.count("--user") && a.flags.count("--site")) throw UsageError(command + ": --user and --site exclude each other");
  if (a.flags.count("--user")) return Scope::user;
  if (a.flags.count("--site")) return Scope::site;
  return fallback;
}

std::vector<fs::path> key_dirs(const BundleEnvironment& env, Scope s) {
  // A site install trusts only the site's publishers; a user trusts both.
  if (s == Scope::site) return {env.site_keys};
  return {env.user_keys, env.site_keys};
}

void expect_count(const std::string& command, const Args& a, std::size_t n, const char* what) {
  if (a.positional.size() < n) throw UsageError(command + ": missing " + what);
  if (a.positional.size() > n) throw UsageError(command + ": unexpected argument '" + a.positional[n] + "'");
}

int pack(const BundleEnvironment& env, const std::vector<std::string>& words) {
  auto a = parse("plugin pack", words, 1, {"--gzip"}, {"--key", "-o", "--output", "--name"});
  expect_count("plugin pack", a, 1, "the folder DIR to pack");
  std::string output = a.values.count("-o") ? a.values["-o"] : a.values.count("--output") ? a.values["--output"] : "";
  if (output.empty()) throw UsageError("plugin pack: missing -o NAME.bundle");
  PackOptions o;
  o.source = a.positional[0];
  o.output = output;
  o.name = a.values.count("--name") ? a.values["--name"] : fs::path(output).stem().string();
  o.key = a.values.count("--key") ? a.values["--key"] : "";
  o.gzip = a.flags.count("--gzip") > 0;
  o.created_by = "spack-ext " + env.host_version;
  o.check_plugin_image = env.check_plugin_image;
  o.note = [&](const std::string& s) { *env.log << "note: " << s << "\n"; };
  if (o.key.empty()) *env.log << "warning: no --key given: the bundle is unsigned and installs only with --allow-unsigned\n";
  BundleManifest m = pack_bundle(o);
  if (env.output.json) {
    json j{{"bundle", o.output.string()}, {"name", m.name}, {"signed", !o.key.empty()}, {"files", m.files.size()},
           {"bytes", m.total_size()}, {"plugins", json::array()}};
    for (const auto& p : m.plugins) j["plugins"].push_back({{"name", p.name}, {"version", p.version}, {"file", p.file}});
    *env.out << j.dump(2) << "\n";
  } else {
    *env.out << "packed " << m.name << " (" << m.plugins.size() << " plugin(s), " << m.files.size() << " files, "
             << m.total_size() << " bytes) into " << o.output.string()
             << (o.key.empty() ? ", unsigned" : ", signed by " + o.key) << "\n";
  }
  return kExitOk;
}

int install(const BundleEnvironment& env, const std::vector<std::string>& words) {
  auto a = parse("plugin install", words, 1, {"--user", "--site", "--allow-unsigned"}, {"--max-size"});
  expect_count("plugin install", a, 1, "the BUNDLE file");
  Scope scope = scope_of("plugin install", a, Scope::user);
  TrustedKeyring keyring(key_dirs(env, scope));
  ReadOptions o;
  o.keyring = &keyring;
  o.allow_unsigned = a.flags.count("--allow-unsigned") > 0;
  if (a.values.count("--max-size")) o.limits.max_total_bytes = parse_size("plugin install --max-size", a.values["--max-size"]);
  o.check_plugin_image = env.check_plugin_image;
  o.warn = [&](const std::string& s) { *env.log << "warning: " << s << "\n"; };
  VerifiedBundle b = read_verified_bundle(a.positional[0], o);
  InstallOutcome r = install_bundle(b, scope == Scope::site ? env.site_plugins : env.user_plugins);
  if (!b.signer.empty() && !env.cache_dir.empty()) {  // the next `verify` need not start gpg for it
    SignatureCache cache(env.cache_dir / "bundle-signatures.json", key_dirs(env, scope));
    cache.remember(b.manifest_text, b.signature, b.signer);
    cache.save();
  }
  if (env.output.json) {
    json j{{"name", b.manifest.name}, {"folder", r.folder.string()}, {"replaced", r.replaced},
           {"signer", b.signer.empty() ? json(nullptr) : json(b.signer)}, {"plugins", json::array()}};
    for (const auto& p : b.manifest.plugins) j["plugins"].push_back({{"name", p.name}, {"version", p.version}});
    *env.out << j.dump(2) << "\n";
  } else {
    *env.out << (r.replaced ? "replaced " : "installed ") << b.manifest.name << " into " << r.folder.string();
    *env.out << (b.signer.empty() ? " (not verified: --allow-unsigned)" : " (signed by " + b.signer + ")") << "\n";
    for (const auto& p : b.manifest.plugins) *env.out << "  plugin " << p.name << " " << p.version << "\n";
  }
  return kExitOk;
}

int remove(const BundleEnvironment& env, const std::vector<std::string>& words) {
  auto a = parse("plugin remove", words, 1, {"--user", "--site"}, {});
  expect_count("plugin remove", a, 1, "the bundle NAME");
  Scope scope = scope_of("plugin remove", a, Scope::user);
  fs::path removed = remove_bundle(a.positional[0], scope == Scope::site ? env.site_plugins : env.user_plugins);
  if (env.output.json) *env.out << json{{"removed", a.positional[0]}, {"folder", removed.string()}}.dump(2) << "\n";
  else *env.out << "removed " << a.positional[0] << " from " << removed.string() << "\n";
  return kExitOk;
}

int verify(const BundleEnvironment& env, const std::vector<std::string>& words) {
  auto a = parse("plugin verify", words, 1, {"--user", "--site"}, {});
  if (a.positional.size() > 1) throw UsageError("plugin verify: unexpected argument '" + a.positional[1] + "'");
  Scope scope = scope_of("plugin verify", a, Scope::both);
  std::vector<fs::path> roots;
  if (scope != Scope::site) roots.push_back(env.user_plugins);
  if (scope != Scope::user) roots.push_back(env.site_plugins);
  std::vector<fs::path> folders;
  for (const auto& root : roots)
    for (auto& f : installed_bundles(root))
      if (a.positional.empty() || f.filename() == a.positional[0]) folders.push_back(f);
  if (!a.positional.empty() && folders.empty())
    throw InputError("", "no bundle named '" + a.positional[0] + "' is installed");
  const auto trusted = key_dirs(env, scope == Scope::site ? Scope::site : Scope::user);
  TrustedKeyring keyring(trusted);
  SignatureCache cache(env.cache_dir.empty() ? fs::path() : env.cache_dir / "bundle-signatures.json", trusted);
  std::size_t bad = 0;
  json j = json::array();
  for (const auto& folder : folders) {
    InstalledCheck c = verify_installed(folder, keyring, &cache);
    bad += !c.problems.empty();
    if (env.output.json) {
      j.push_back({{"name", c.name}, {"folder", c.folder.string()}, {"files", c.files}, {"ok", c.problems.empty()},
                   {"signer", c.signer.empty() ? json(nullptr) : json(c.signer)}, {"note", c.note}, {"problems", c.problems}});
      continue;
    }
    *env.out << c.name << ": " << (c.problems.empty() ? "ok" : "TAMPERED") << " (" << c.files << " files"
             << (c.signer.empty() ? "" : ", signed by " + c.signer) << (c.note.empty() ? "" : ", " + c.note) << ")\n";
    for (const auto& p : c.problems) *env.out << "  " << p << "\n";
  }
  cache.save();
  if (env.output.json) *env.out << j.dump(2) << "\n";
  else *env.out << folders.size() << " bundle(s) checked, " << bad << " with problems\n";
  return bad ? kExitFailure : kExitOk;
}

int trust(const BundleEnvironment& env, const std::vector<std::string>& words) {
  if (words.size() < 2) throw UsageError("plugin trust: missing subcommand (add, list, remove)");
  const std::string& sub = words[1];
  auto a = parse("plugin trust " + sub, words, 2, {"--user", "--site"}, {});
  if (sub == "add") {
    expect_count("plugin trust add", a, 1, "the public KEYFILE");
    const fs::path dir = scope_of("plugin trust add", a, Scope::user) == Scope::site ? env.site_keys : env.user_keys;
    auto added = trust_key_file(a.positional[0], dir);
    json j = json::array();
    for (const auto& k : added) {
      if (env.output.json) j.push_back({{"fingerprint", k.fingerprint}, {"uid", k.uid}, {"file", k.file.string()}});
      else *env.out << "trusted " << k.fingerprint << " " << k.uid << " (" << k.file.string() << ")\n";
    }
    if (env.output.json) *env.out << j.dump(2) << "\n";
    return kExitOk;
  }
  if (sub == "list") {
    expect_count("plugin trust list", a, 0, "");
    Scope s = scope_of("plugin trust list", a, Scope::both);
    json j = json::array();
    for (auto [scope, dir] : {std::pair{Scope::user, env.user_keys}, std::pair{Scope::site, env.site_keys}}) {
      if (s != Scope::both && s != scope) continue;
      for (const auto& k : list_trusted_keys(dir)) {
        const char* where = scope == Scope::user ? "user" : "site";
        if (env.output.json) j.push_back({{"fingerprint", k.fingerprint}, {"uid", k.uid}, {"scope", where}, {"file", k.file.string()}});
        else *env.out << k.fingerprint << "  " << where << "  " << k.uid << "\n";
      }
    }
    if (env.output.json) *env.out << j.dump(2) << "\n";
    return kExitOk;
  }
  if (sub == "remove") {
    expect_count("plugin trust remove", a, 1, "the key FINGERPRINT");
    const fs::path dir = scope_of("plugin trust remove", a, Scope::user) == Scope::site ? env.site_keys : env.user_keys;
    fs::path file = untrust_key(a.positional[0], dir);
    if (env.output.json) *env.out << json{{"removed", file.stem().string()}, {"file", file.string()}}.dump(2) << "\n";
    else *env.out << "no longer trusted: " << file.stem().string() << "\n";
    return kExitOk;
  }
  throw UsageError("plugin trust: unknown subcommand '" + sub + "' (expected add, list or remove)");
}

}  // namespace
}  // namespace spackext::bundles

extern "C" int spackext_run_bundle_command(const spackext::bundles::BundleEnvironment* env,
                                           const std::vector<std::string>* args) {
  using namespace spackext;
  using namespace spackext::bundles;
  if (env->struct_size != sizeof(BundleEnvironment)) {
    std::cerr << "error: spack-ext and libspackext-bundles come from different builds; reinstall spack-ext\n";
    return kExitFailure;
  }
  // Errors are reported here, in the library that threw them, so no exception
  // crosses the dlopen boundary.
  try {
    const std::string& sub = args->at(0);
    int rc = sub == "pack"      ? pack(*env, *args)
             : sub == "install" ? install(*env, *args)
             : sub == "remove"  ? remove(*env, *args)
             : sub == "verify"  ? verify(*env, *args)
             : sub == "trust"   ? trust(*env, *args)
                                : throw UsageError("plugin: unknown bundle subcommand '" + sub + "'");
    env->out->flush();
    return rc;
  } catch (const Error& e) {
    env->out->flush();
    *env->log << "error: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    env->out->flush();
    *env->log << "error: " << e.what() << "\n";
    return kExitFailure;
  }
}
