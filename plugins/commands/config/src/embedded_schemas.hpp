// The JSON schemas of ../schemas, by section name, compiled into the library.
#pragma once

#include <map>
#include <string>

namespace spackext::config {
const std::map<std::string, std::string>& embedded_schemas();
}
