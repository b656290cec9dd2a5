// modules-lmod: registers the `lmod` module writer.
#include <memory>

#include <spackext/spackext.hpp>
#include <spackext/templates.hpp>

#include "lmod_writer.hpp"

#ifndef SPACKEXT_SOURCE_TEMPLATES_DIR
#define SPACKEXT_SOURCE_TEMPLATES_DIR ""
#endif

namespace {

class LmodPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::ModuleWriter>(
        "lmod", std::make_shared<spackext::lmod::LmodWriter>(
                    spackext::load_template(host.paths(), "modules/lmod.lua.mustache", SPACKEXT_SOURCE_TEMPLATES_DIR)));
  }
};

}  // namespace

SPACKEXT_PLUGIN(LmodPlugin)
