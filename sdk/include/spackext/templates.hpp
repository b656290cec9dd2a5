// Finding a plugin's text template: a user's copy (~/.config/spack-ext/
// templates/...) wins over the installed one (<prefix>/share/spack-ext/
// templates/...), which wins over `fallback_dir` (a plugin built in a source
// tree passes its templates/ folder so it runs uninstalled).
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "spackext/paths.hpp"

namespace spackext {

// Throws spackext::Error naming every place looked at when none has it.
std::filesystem::path find_template(const Paths& paths, const std::string& relative,
                                    const std::filesystem::path& fallback_dir = {});
// The file's text (find_template, then read).
std::string load_template(const Paths& paths, const std::string& relative,
                          const std::filesystem::path& fallback_dir = {});

// Renders a mustache template with a JSON context (objects, lists, strings,
// booleans; null is false). A template error is a spackext::Error naming
// `name` and the line.
std::string render_template(const std::string& template_text, const nlohmann::json& context,
                            const std::string& name);

}  // namespace spackext
