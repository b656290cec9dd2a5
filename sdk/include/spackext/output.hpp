// How a command talks back: results on stdout (JSON with --json), logs and
// progress on stderr. Global flags given anywhere on the line land here.
#pragma once

#include <iosfwd>

namespace spackext {

struct OutputOptions {
  bool json = false;      // --json: machine output on stdout
  bool quiet = false;     // -q: warnings and errors only
  int verbosity = 0;      // -v (repeatable)
  bool color = true;      // off with --no-color, NO_COLOR or a non-terminal
  bool interactive = false;  // stderr is a terminal: progress bars are drawn
};

}  // namespace spackext
