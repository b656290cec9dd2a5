// modules-tcl: registers the `tcl` module writer.
#include <memory>

#include <spackext/spackext.hpp>
#include <spackext/templates.hpp>

#include "tcl_writer.hpp"

#ifndef SPACKEXT_SOURCE_TEMPLATES_DIR
#define SPACKEXT_SOURCE_TEMPLATES_DIR ""
#endif

namespace {

class TclPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::ModuleWriter>(
        "tcl", std::make_shared<spackext::tcl::TclWriter>(
                    spackext::load_template(host.paths(), "modules/tcl.mustache", SPACKEXT_SOURCE_TEMPLATES_DIR)));
  }
};

}  // namespace

SPACKEXT_PLUGIN(TclPlugin)
