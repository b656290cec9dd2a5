// What an http(s) mirror entry asks for, resolved against the environment the
// way Spack does it: access_pair {id | id_variable, secret_variable} is HTTP
// basic auth, access_token_variable is a bearer token. `ca_bundle` (a
// spack-ext extension of the mirrors.yaml entry) or SPACK_EXT_CA_BUNDLE names
// a PEM file of extra trust roots; TLS is always verified.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace spackext::mirrors::https {

struct HttpsSettings {
  std::string basic_user, basic_password;
  std::string bearer_token;
  std::string ca_bundle;  // empty = the system trust store
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_env();

// InputError naming the mirror when the entry names a variable that is not
// set, or a CA bundle that does not exist. Values of secrets are never part
// of a message.
HttpsSettings resolve_settings(const nlohmann::json& mirror_settings, const std::string& mirror_url,
                               const EnvLookup& env = process_env());

}  // namespace spackext::mirrors::https
