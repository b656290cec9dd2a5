// Built-in microarchitecture table, sparc part. Data, not code: the text between
// the delimiters is spack-ext's table format, parsed on first use
// (sdk/src/microarch/table_parser.cpp).
#include "builtin_tables.hpp"

namespace spackext::microarch::tables {

extern const std::string_view kSparc = R"uarch(# spack-ext built-in microarchitecture table: sparc and sparc64 (family roots only).
#
# The facts (names, parent links, vendors, features, POWER generations, Arm CPU
# part numbers and compiler flag rules) come from archspec's database,
# archspec/archspec-json cpu/microarchitectures.json, Copyright the archspec
# developers and LLNL, licensed Apache-2.0 OR MIT. The format is spack-ext's own:
#   @ name | parent,parent | vendor [| gen=N] [| part=0x...]
#   + features this target adds to the union of its parents' features
#   = the complete feature list (only where it is not a superset of the parents')
#   c compiler | versions lo:hi | compiler's name for the target | flags [| warning]
#   c compiler   (listed without entries: no version can optimize for the target)
# Entry order matters: it breaks detection ties and orders flag rules.

@ sparc |  | generic
@ sparc64 |  | generic
)uarch";

}  // namespace spackext::microarch::tables
