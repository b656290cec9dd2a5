#include "publisher_keys.hpp"

#include <sstream>

namespace spackext::testing {

PublisherKeys::PublisherKeys() = default;

PublisherKeys::~PublisherKeys() {
  // Only this home's agent: gpgconf addresses it through GNUPGHOME.
  run({"/usr/bin/gpgconf", "--kill", "gpg-agent"}, {.env = {{"GNUPGHOME", home_.path().string()}}});
}

RunResult PublisherKeys::gpg(const std::vector<std::string>& args, const std::string& input) {
  std::vector<std::string> argv{"/usr/bin/gpg", "--batch", "--quiet"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run(argv, {.env = {{"GNUPGHOME", home_.path().string()}}, .input = input});
  if (r.exit_code != 0) ADD_FAILURE() << "gpg failed: " << r.err;
  return r;
}

std::string PublisherKeys::generate(const std::string& uid) {
  gpg({"--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign", "1d"});
  auto r = gpg({"--list-secret-keys", "--with-colons", uid});
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("fpr:", 0) == 0) {
      // Colon-separated; the fingerprint is field 10.
      std::istringstream fields(line);
      std::string field;
      for (int i = 0; i < 10 && std::getline(fields, field, ':'); ++i) {}
      return field;
    }
  ADD_FAILURE() << "no fingerprint for " << uid << " in " << r.out;
  return {};
}

void PublisherKeys::export_public(const std::string& fingerprint, const std::filesystem::path& file) {
  gpg({"--armor", "--output", file.string(), "--export", fingerprint});
}

std::string PublisherKeys::sign(const std::string& fingerprint, const std::string& text) {
  return gpg({"--local-user", fingerprint, "--armor", "--detach-sign", "--output", "-"}, text).out;
}

}  // namespace spackext::testing
