// Built-in microarchitecture table, power part. Data, not code: the text between
// the delimiters is spack-ext's table format, parsed on first use
// (sdk/src/microarch/table_parser.cpp).
#include "builtin_tables.hpp"

namespace spackext::microarch::tables {

extern const std::string_view kPower = R"uarch(# spack-ext built-in microarchitecture table: POWER, big-endian (ppc64) and little-endian (ppc64le) trees.
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

@ ppc64 |  | generic
c gcc | : | powerpc64 | -mcpu={name} -mtune={name}
c clang | : |  | -mcpu={name} -mtune={name}
@ power7 | ppc64 | IBM | gen=7
c gcc | 4.4: |  | -mcpu={name} -mtune={name}
c clang | 3.9: |  | -mcpu={name} -mtune={name}
@ power8 | power7 | IBM | gen=8
c gcc | 4.9: |  | -mcpu={name} -mtune={name}
c gcc | 4.8:4.8.5 |  | -mcpu={name} -mtune={name} | Using GCC 4.8 to optimize for Power 8 might not work if you are not on Red Hat Enterprise Linux 7, where a custom backport of the feature has been done. Upstream support from GCC starts in version 4.9
c clang | 3.9: |  | -mcpu={name} -mtune={name}
@ power9 | power8 | IBM | gen=9
c gcc | 6.0: |  | -mcpu={name} -mtune={name}
c clang | 3.9: |  | -mcpu={name} -mtune={name}
@ power10 | power9 | IBM | gen=10
c gcc | 11.1: |  | -mcpu={name} -mtune={name}
c clang | 11.0: |  | -mcpu={name} -mtune={name}
@ ppc64le |  | generic
c gcc | 4.8: | powerpc64le | -mcpu={name} -mtune={name}
c clang | : |  | -mcpu={name} -mtune={name}
c nvhpc
@ power8le | ppc64le | IBM | gen=8
c gcc | 4.9: | power8 | -mcpu={name} -mtune={name}
c gcc | 4.8:4.8.5 | power8 | -mcpu={name} -mtune={name} | Using GCC 4.8 to optimize for Power 8 might not work if you are not on Red Hat Enterprise Linux 7, where a custom backport of the feature has been done. Upstream support from GCC starts in version 4.9
c clang | 3.9: | power8 | -mcpu={name} -mtune={name}
c nvhpc | : | pwr8 | -tp {name}
@ power9le | power8le | IBM | gen=9
c gcc | 6.0: | power9 | -mcpu={name} -mtune={name}
c clang | 3.9: | power9 | -mcpu={name} -mtune={name}
c nvhpc | : | pwr9 | -tp {name}
@ power10le | power9le | IBM | gen=10
c gcc | 11.1: | power10 | -mcpu={name} -mtune={name}
c clang | 11.0: | power10 | -mcpu={name} -mtune={name}
@ ppc |  | generic
@ ppcle |  | generic
)uarch";

}  // namespace spackext::microarch::tables
