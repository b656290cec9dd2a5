#include "spackext/spack/install_layout.hpp"

#include "spackext/spack/spec_format.hpp"

namespace spackext::spack {

std::string InstallLayout::prefix_for(const ConcreteSpec& spec) const {
  if (spec.external_prefix) return *spec.external_prefix;
  auto it = projections.find(spec.name);
  if (it == projections.end()) it = projections.find("all");
  const std::string projection = it == projections.end() ? kDefaultProjection : it->second;
  std::string relative = format_spec(spec, projection);
  std::string base = root;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  return base + "/" + relative;
}

}  // namespace spackext::spack
