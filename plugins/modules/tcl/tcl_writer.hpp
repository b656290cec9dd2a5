// The `tcl` module writer: flat Tcl module files for Environment Modules (and
// Lmod, which reads them too), as Spack lays them out:
// <root>/<platform>-<os>-<target>/<projection>[-<hash>].
#pragma once

#include <string>

#include <spackext/services/modules.hpp>

namespace spackext::tcl {

class TclWriter final : public ModuleWriter {
 public:
  explicit TclWriter(std::string template_text) : template_(std::move(template_text)) {}
  std::vector<ModuleFile> render(const ModuleRequest& request) override;

 private:
  std::string template_;
};

}  // namespace spackext::tcl
