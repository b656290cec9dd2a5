#include "credentials.hpp"

#include <cstdlib>

#include <spackext/errors.hpp>

namespace spackext::mirrors::oci {

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

RegistryCredentials resolve_credentials(const nlohmann::json& s, const std::string& mirror, const EnvLookup& env) {
  RegistryCredentials out;
  if (!s.is_object() || !s.contains("access_pair")) return out;
  const auto& ap = s["access_pair"];
  const std::string where = "mirror '" + mirror + "'";
  auto variable = [&](const nlohmann::json& name, const char* what) {
    if (!name.is_string()) throw InputError(where, std::string("access_pair ") + what + " variable name is not a string");
    auto v = env(name.get<std::string>());
    if (!v || v->empty())
      throw InputError(where, std::string(what) + " variable '" + name.get<std::string>() +
                                  "' (from access_pair) is not set in the environment");
    return *v;
  };
  if (ap.is_array()) {  // legacy [id, secret]
    if (ap.size() != 2 || !ap[0].is_string() || !ap[1].is_string())
      throw InputError(where, "access_pair list must be [username, password]");
    out.username = ap[0].get<std::string>();
    out.password = ap[1].get<std::string>();
    return out;
  }
  if (!ap.is_object()) throw InputError(where, "access_pair must be a mapping");
  if (ap.contains("id")) out.username = ap["id"].get<std::string>();
  if (ap.contains("id_variable")) out.username = variable(ap["id_variable"], "username");
  if (ap.contains("secret_variable")) out.password = variable(ap["secret_variable"], "password");
  if (out.username.empty() != out.password.empty())
    throw InputError(where, "access_pair needs both a username (id or id_variable) and secret_variable");
  return out;
}

std::string resolve_ca_bundle(const nlohmann::json& s, const EnvLookup& env) {
  if (s.is_object() && s.contains("ca_bundle") && s["ca_bundle"].is_string()) return s["ca_bundle"].get<std::string>();
  return env("SPACK_EXT_CA_BUNDLE").value_or("");
}

}  // namespace spackext::mirrors::oci
