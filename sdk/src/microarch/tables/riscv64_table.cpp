// Built-in microarchitecture table, riscv64 part. Data, not code: the text between
// the delimiters is spack-ext's table format, parsed on first use
// (sdk/src/microarch/table_parser.cpp).
#include "builtin_tables.hpp"

namespace spackext::microarch::tables {

extern const std::string_view kRiscv64 = R"uarch(# spack-ext built-in microarchitecture table: riscv64 (SiFive, SpacemiT).
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

@ riscv64 |  | generic
c gcc | 7.1: |  | -march=rv64gc
c clang | 9.0: |  | -march=rv64gc
@ u74mc | riscv64 | SiFive
c gcc | 10.2: |  | -march=rv64gc -mtune=sifive-7-series
c clang | 12.0: |  | -march=rv64gc -mtune=sifive-7-series
@ x60 | riscv64 | SpacemiT
c gcc | 14: |  | -march=rv64imafdcv_zicbom_zicboz_zicntr_zicond_zicsr_zifencei_zihintpause_zihpm_zfh_zfhmin_zca_zcd_zba_zbb_zbc_zbs_zkt_zve32f_zve32x_zve64d_zve64f_zve64x_zvfh_zvfhmin_zvkt_sscofpmf_sstc_svinval_svnapot_svpbmt
c clang | 21.0: |  | -march=rv64i2p1_m2p0_a2p1_f2p2_d2p2_c2p0_zicsr2p0_zmmul1p0_zaamo1p0_zalrsc1p0_zca1p0_zcd1p0
)uarch";

}  // namespace spackext::microarch::tables
