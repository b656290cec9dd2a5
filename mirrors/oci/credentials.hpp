// Registry credentials from a mirror's entry in mirrors.yaml. Spack uses the
// entry's access_pair for OCI username/password:
//   access_pair: {id: USER | id_variable: VAR, secret_variable: VAR}
// and the older list form [USER, PASSWORD]. Secrets are read from the
// environment here and nowhere else.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace spackext::mirrors::oci {

struct RegistryCredentials {
  std::string username, password;
  bool empty() const { return username.empty() && password.empty(); }
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_env();

// InputError naming `mirror` and the variable when a named variable is unset.
RegistryCredentials resolve_credentials(const nlohmann::json& mirror_settings, const std::string& mirror,
                                        const EnvLookup& env = process_env());

// settings["ca_bundle"], else the SPACK_EXT_CA_BUNDLE variable, else empty.
std::string resolve_ca_bundle(const nlohmann::json& mirror_settings, const EnvLookup& env = process_env());

}  // namespace spackext::mirrors::oci
