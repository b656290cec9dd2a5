// The file:// mirror backend plugin: registers FileMirrorBackend as the
// `mirror` service for the `file` scheme.
#include <spackext/plugin.hpp>

#include "file_store.hpp"

namespace {

class FileMirrorPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::MirrorBackend>(
        "file", std::make_shared<spackext::mirrors::FileMirrorBackend>());
  }
};

}  // namespace

SPACKEXT_PLUGIN(FileMirrorPlugin)
