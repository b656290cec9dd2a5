// `command` services: the verbs of the CLI. The host finds which plugin
// provides a command from the manifests, parses the words that follow its
// name against the command's model (answering --help and usage errors
// without loading anything), loads only that plugin (and what it requires),
// and runs the command.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "spackext/command_model.hpp"
#include "spackext/output.hpp"
#include "spackext/service.hpp"

namespace spackext {

struct CommandInvocation {
  std::string name;               // the command ("buildcache")
  std::vector<std::string> args;  // what follows it ("list", "mymirror", "--json")
  const OutputOptions& output;
  std::ostream& out;  // results (JSON when output.json)
  std::ostream& err;  // human messages
  // The words parsed against the command's model in its manifest (see
  // command_model.hpp); `parsed.modelled()` is false for a command whose
  // manifest declares no options, which then parses `args` itself.
  const ParsedArgs& parsed;
};

class Command : public Service {
 public:
  static constexpr const char* kKind = "command";
  // Returns the exit code; may also throw spackext::Error (its code is used).
  virtual int run(const CommandInvocation& invocation) = 0;
};

}  // namespace spackext
