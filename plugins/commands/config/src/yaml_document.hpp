// The config command reads YAML through the SDK's line-keeping document.
#pragma once

#include "spackext/yaml_document.hpp"

namespace spackext::config {

using spackext::load_yaml_file;
using spackext::parse_yaml;
using spackext::YamlDocument;
using spackext::YamlSyntaxError;

}  // namespace spackext::config
