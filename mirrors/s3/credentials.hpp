// Where S3 credentials, region and endpoint come from, in the order Spack
// and the AWS tools use: the mirror's settings (access_pair id/id_variable +
// secret_variable, access_token_variable, profile, endpoint_url), then the
// environment (AWS_ACCESS_KEY_ID, ...), then the profile in
// ~/.aws/credentials and ~/.aws/config (AWS_SHARED_CREDENTIALS_FILE,
// AWS_CONFIG_FILE, AWS_PROFILE honoured).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "sigv4.hpp"

namespace spackext::mirrors::s3 {

struct S3Settings {
  Credentials credentials;
  std::string region = "us-east-1";
  std::string endpoint_url;  // empty = AWS
  std::string profile;
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_env();

// InputError when the settings name a variable that is not set.
S3Settings resolve_settings(const nlohmann::json& mirror_settings, const EnvLookup& env = process_env());

// Sections of an INI file: "[default]", "[profile x]" -> key/value.
std::map<std::string, std::map<std::string, std::string>> parse_ini(const std::string& text);

}  // namespace spackext::mirrors::s3
