// YAML text written straight from a JSON tree (nlohmann::ordered_json, so
// keys keep the order they were added in): block style, two-space indents,
// sequences under a key indented like yaml-cpp's emitter does. Strings are
// written plain only where a YAML 1.1 or 1.2 reader takes them back as the
// same string (not a number, boolean or null, no indicator, no ": " or
// " #"); multi-line strings become literal blocks (`|`) when that is exact,
// everything else is double-quoted with escapes.
//
// Pipeline backends build their documents as JSON and emit them with this:
// an order of magnitude faster than yaml-cpp node trees for big pipelines,
// whose maps are lists searched linearly on every insert.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace spackext {

// The document as YAML, ending with a newline. Throws std::invalid_argument
// for a non-finite number (YAML's .inf/.nan have no JSON source).
std::string emit_yaml(const nlohmann::ordered_json& document);

// One string as a YAML scalar that reads back as exactly that string, on one
// line (plain when safe, else double-quoted).
std::string yaml_quote(std::string_view s);

}  // namespace spackext
