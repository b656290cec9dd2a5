// The `lmod` module writer: Lua module files in Spack's Core/Compiler/MPI
// hierarchy, optionally relocatable (software paths under a prefix variable,
// MODULEPATH extensions relative to the module file itself).
#pragma once

#include <string>

#include <spackext/services/modules.hpp>

namespace spackext::lmod {

class LmodWriter final : public ModuleWriter {
 public:
  explicit LmodWriter(std::string template_text) : template_(std::move(template_text)) {}
  std::vector<ModuleFile> render(const ModuleRequest& request) override;

 private:
  std::string template_;
};

}  // namespace spackext::lmod
