#include "settings.hpp"

#include <cstdlib>
#include <filesystem>

#include <spackext/errors.hpp>

namespace spackext::mirrors::https {

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

HttpsSettings resolve_settings(const nlohmann::json& s, const std::string& mirror_url, const EnvLookup& env) {
  HttpsSettings out;
  const std::string where = "mirror " + mirror_url;
  auto string_key = [&](const nlohmann::json& obj, const char* key) -> std::string {
    if (!obj.contains(key) || obj[key].is_null()) return {};
    if (!obj[key].is_string()) throw InputError(where, std::string("'") + key + "' must be a string");
    return obj[key].get<std::string>();
  };
  auto required_var = [&](const std::string& var, const char* what) {
    auto v = env(var);
    if (!v || v->empty())
      throw InputError(where, std::string(what) + " variable '" + var + "' is not set in the environment");
    return *v;
  };
  if (!s.is_object()) return out;
  if (s.contains("access_pair") && s["access_pair"].is_object()) {
    const auto& ap = s["access_pair"];
    out.basic_user = string_key(ap, "id");
    if (auto var = string_key(ap, "id_variable"); !var.empty()) out.basic_user = required_var(var, "user name");
    if (auto var = string_key(ap, "secret_variable"); !var.empty()) out.basic_password = required_var(var, "password");
    if (out.basic_user.empty() && !out.basic_password.empty())
      throw InputError(where, "access_pair has a secret but no id (user name)");
  }
  if (auto var = string_key(s, "access_token_variable"); !var.empty())
    out.bearer_token = required_var(var, "access token");
  out.ca_bundle = string_key(s, "ca_bundle");
  if (out.ca_bundle.empty()) out.ca_bundle = env("SPACK_EXT_CA_BUNDLE").value_or("");
  if (!out.ca_bundle.empty() && !std::filesystem::is_regular_file(out.ca_bundle))
    throw InputError(where, "CA bundle '" + out.ca_bundle + "' does not exist or is not a file");
  return out;
}

}  // namespace spackext::mirrors::https
