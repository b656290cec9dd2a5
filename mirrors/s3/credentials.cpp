#include "credentials.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <spackext/errors.hpp>

namespace spackext::mirrors::s3 {

namespace {

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string home_file(const EnvLookup& env, const char* var, const char* rel) {
  if (auto v = env(var)) return *v;
  auto home = env("HOME");
  return home ? *home + "/" + rel : std::string();
}

}  // namespace

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

std::map<std::string, std::map<std::string, std::string>> parse_ini(const std::string& text) {
  std::map<std::string, std::map<std::string, std::string>> out;
  std::istringstream in(text);
  std::string line, section;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = trim(line.substr(1, line.size() - 2));
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    out[section][trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
  }
  return out;
}

S3Settings resolve_settings(const nlohmann::json& s, const EnvLookup& env) {
  S3Settings out;
  auto required_var = [&](const std::string& var, const char* what) {
    auto v = env(var);
    if (!v || v->empty())
      throw InputError("mirror settings", std::string(what) + " variable '" + var + "' is not set in the environment");
    return *v;
  };
  if (s.contains("access_pair") && s["access_pair"].is_object()) {
    const auto& ap = s["access_pair"];
    if (ap.contains("id")) out.credentials.access_key_id = ap["id"].get<std::string>();
    if (ap.contains("id_variable"))
      out.credentials.access_key_id = required_var(ap["id_variable"].get<std::string>(), "access key id");
    if (ap.contains("secret_variable"))
      out.credentials.secret_access_key = required_var(ap["secret_variable"].get<std::string>(), "secret key");
  }
  if (s.contains("access_token_variable") && s["access_token_variable"].is_string())
    out.credentials.session_token = required_var(s["access_token_variable"].get<std::string>(), "session token");
  out.profile = s.value("profile", "");
  if (out.profile.empty()) out.profile = env("AWS_PROFILE").value_or("");
  out.endpoint_url = s.value("endpoint_url", "");
  if (out.endpoint_url.empty())
    for (const char* var : {"S3_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"})
      if (auto v = env(var); v && !v->empty()) {
        out.endpoint_url = *v;
        break;
      }
  if (!out.endpoint_url.empty() && out.endpoint_url.find("://") == std::string::npos)
    out.endpoint_url = "https://" + out.endpoint_url;  // Spack's default scheme
  // Environment credentials, unless the mirror names a profile.
  if (out.credentials.empty() && s.value("profile", "").empty()) {
    auto id = env("AWS_ACCESS_KEY_ID"), secret = env("AWS_SECRET_ACCESS_KEY");
    if (id && secret) {
      out.credentials.access_key_id = *id;
      out.credentials.secret_access_key = *secret;
      out.credentials.session_token = env("AWS_SESSION_TOKEN").value_or("");
    }
  }
  const std::string profile = out.profile.empty() ? "default" : out.profile;
  if (out.credentials.empty()) {
    auto ini = parse_ini(read(home_file(env, "AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials")));
    if (auto it = ini.find(profile); it != ini.end()) {
      out.credentials.access_key_id = it->second["aws_access_key_id"];
      out.credentials.secret_access_key = it->second["aws_secret_access_key"];
      out.credentials.session_token = it->second["aws_session_token"];
    }
  }
  auto config = parse_ini(read(home_file(env, "AWS_CONFIG_FILE", ".aws/config")));
  auto section = config.find(profile == "default" ? "default" : "profile " + profile);
  if (out.credentials.empty() && section != config.end() && section->second.count("aws_access_key_id")) {
    out.credentials.access_key_id = section->second["aws_access_key_id"];
    out.credentials.secret_access_key = section->second["aws_secret_access_key"];
    out.credentials.session_token = section->second["aws_session_token"];
  }
  if (auto r = env("AWS_REGION"); r && !r->empty())
    out.region = *r;
  else if (auto d = env("AWS_DEFAULT_REGION"); d && !d->empty())
    out.region = *d;
  else if (section != config.end() && section->second.count("region"))
    out.region = section->second["region"];
  if (out.endpoint_url.empty() && section != config.end() && section->second.count("endpoint_url"))
    out.endpoint_url = section->second["endpoint_url"];
  return out;
}

}  // namespace spackext::mirrors::s3
