// Built-in microarchitecture table, x86 part. Data, not code: the text between
// the delimiters is spack-ext's table format, parsed on first use
// (sdk/src/microarch/table_parser.cpp).
#include "builtin_tables.hpp"

namespace spackext::microarch::tables {

extern const std::string_view kX86 = R"uarch(# spack-ext built-in microarchitecture table: x86 and x86_64 (Intel, AMD and the x86-64 psABI levels).
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

@ x86 |  | generic
@ i686 | x86 | GenuineIntel
@ pentium2 | i686 | GenuineIntel
+ mmx
@ pentium3 | pentium2 | GenuineIntel
+ sse
@ pentium4 | pentium3 | GenuineIntel
+ sse2
@ prescott | pentium4 | GenuineIntel
+ sse3
@ x86_64 |  | generic
c gcc | 4.2.0: | x86-64 | -march={name} -mtune=generic
c gcc | :4.1.2 | x86-64 | -march={name} -mtune={name}
c apple-clang | : | x86-64 | -march={name}
c clang | : | x86-64 | -march={name} -mtune=generic
c aocc | 2.2: | x86-64 | -march={name} -mtune=generic
c intel | : | pentium4 | -march={name} -mtune=generic
c oneapi | : | x86-64 | -march={name} -mtune=generic
c dpcpp | : | x86-64 | -march={name} -mtune=generic
c nvhpc
@ x86_64_v2 | x86_64 | generic
+ cx16 lahf_lm mmx sse sse2 ssse3 sse4_1 sse4_2 popcnt
c gcc | 11.1: | x86-64-v2 | -march={name} -mtune=generic
c gcc | 4.6:11.0 | x86-64 | -march={name} -mtune=generic -mcx16 -msahf -mpopcnt -msse3 -msse4.1 -msse4.2 -mssse3
c clang | 12.0: | x86-64-v2 | -march={name} -mtune=generic
c clang | 3.9:11.1 | x86-64 | -march={name} -mtune=generic -mcx16 -msahf -mpopcnt -msse3 -msse4.1 -msse4.2 -mssse3
c aocc | 2.2: | x86-64-v2 | -march={name} -mtune=generic
c intel | 16.0: | corei7 | -march={name} -mtune=generic -mpopcnt
c oneapi | 2021.2.0: | x86-64-v2 | -march={name} -mtune=generic
c dpcpp | 2021.2.0: | x86-64-v2 | -march={name} -mtune=generic
c nvhpc
@ x86_64_v3 | x86_64_v2 | generic
+ avx avx2 bmi1 bmi2 f16c fma abm movbe xsave
c gcc | 11.1: | x86-64-v3 | -march={name} -mtune=generic
c gcc | 4.8:11.0 | x86-64 | -march={name} -mtune=generic -mcx16 -msahf -mpopcnt -msse3 -msse4.1 -msse4.2 -mssse3 -mavx -mavx2 -mbmi -mbmi2 -mf16c -mfma -mlzcnt -mmovbe -mxsave
c clang | 12.0: | x86-64-v3 | -march={name} -mtune=generic
c clang | 3.9:11.1 | x86-64 | -march={name} -mtune=generic -mcx16 -msahf -mpopcnt -msse3 -msse4.1 -msse4.2 -mssse3 -mavx -mavx2 -mbmi -mbmi2 -mf16c -mfma -mlzcnt -mmovbe -mxsave
c aocc | 2.2: | x86-64-v3 | -march={name} -mtune=generic
c apple-clang | 8.0: | x86-64 | -march={name} -mtune=generic -mcx16 -msahf -mpopcnt -msse3 -msse4.1 -msse4.2 -mssse3 -mavx -mavx2 -mbmi -mbmi2 -mf16c -mfma -mlzcnt -mmovbe -mxsave
c intel | 16.0: | core-avx2 | -march={name} -mtune={name} -fma -mf16c
c oneapi | 2021.2.0: | x86-64-v3 | -march={name} -mtune=generic
c dpcpp | 2021.2.0: | x86-64-v3 | -march={name} -mtune=generic
c nvhpc | : | px | -tp {name} -mpopcnt -msse3 -msse4.1 -msse4.2 -mssse3 -mavx -mavx2 -mbmi -mbmi2 -mf16c -mfma -mlzcnt -mxsave
@ x86_64_v4 | x86_64_v3 | generic
+ avx512f avx512bw avx512cd avx512dq avx512vl
c gcc | 11.1: | x86-64-v4 | -march={name} -mtune=generic
c gcc | 6.0:11.0 | x86-64 | -march={name} -mtune=generic -mcx16 -msahf -mpopcnt -msse3 -msse4.1 -msse4.2 -mssse3 -mavx -mavx2 -mbmi -mbmi2 -mf16c -mfma -mlzcnt -mmovbe -mxsave -mavx512f -mavx512bw -mavx512cd -mavx512dq -mavx512vl
c clang | 12.0: | x86-64-v4 | -march={name} -mtune=generic
c clang | 3.9:11.1 | x86-64 | -march={name} -mtune=generic -mcx16 -msahf -mpopcnt -msse3 -msse4.1 -msse4.2 -mssse3 -mavx -mavx2 -mbmi -mbmi2 -mf16c -mfma -mlzcnt -mmovbe -mxsave -mavx512f -mavx512bw -mavx512cd -mavx512dq -mavx512vl
c aocc | 4: | x86-64-v4 | -march={name} -mtune=generic
c apple-clang | 8.0: | x86-64 | -march={name} -mtune=generic -mcx16 -msahf -mpopcnt -msse3 -msse4.1 -msse4.2 -mssse3 -mavx -mavx2 -mbmi -mbmi2 -mf16c -mfma -mlzcnt -mmovbe -mxsave -mavx512f -mavx512bw -mavx512cd -mavx512dq -mavx512vl
c intel | 16.0: | skylake-avx512 | -march={name} -mtune={name}
c oneapi | 2021.2.0: | x86-64-v4 | -march={name} -mtune=generic
c dpcpp | 2021.2.0: | x86-64-v4 | -march={name} -mtune=generic
c nvhpc | : | px | -tp {name} -mpopcnt -msse3 -msse4.1 -msse4.2 -mssse3 -mavx -mavx2 -mbmi -mbmi2 -mf16c -mfma -mlzcnt -mxsave -mavx512f -mavx512bw -mavx512cd -mavx512dq -mavx512vl
@ nocona | x86_64 | GenuineIntel
+ mmx sse sse2 sse3
c gcc | 4.0.4: |  | -march={name} -mtune={name}
c clang | 3.9: |  | -march={name} -mtune={name}
c aocc | 2.2: |  | -march={name} -mtune=generic
c apple-clang | 8.0: |  | -march={name} -mtune={name}
c intel | 16.0: |  | -march={name} -mtune={name}
c oneapi | : |  | -march={name} -mtune={name}
c dpcpp | : |  | -march={name} -mtune={name}
c nvhpc
@ core2 | nocona | GenuineIntel
= mmx sse sse2 ssse3
c gcc | 4.3.0: |  | -march={name} -mtune={name}
c clang | 3.9: |  | -march={name} -mtune={name}
c aocc | 2.2: |  | -march={name} -mtune=generic
c apple-clang | 8.0: |  | -march={name} -mtune={name}
c intel | 16.0: |  | -march={name} -mtune={name}
c oneapi | : |  | -march={name} -mtune={name}
c dpcpp | : |  | -march={name} -mtune={name}
c nvhpc
@ nehalem | core2,x86_64_v2 | GenuineIntel
c gcc | 4.9: |  | -march={name} -mtune={name}
c gcc | 4.6:4.8.5 | corei7 | -march={name} -mtune={name}
c clang | 3.9: |  | -march={name} -mtune={name}
c aocc | 2.2: |  | -march={name} -mtune=generic
c apple-clang | 8.0: |  | -march={name} -mtune={name}
c intel | 16.0: | corei7 | -march={name} -mtune={name}
c oneapi | : | corei7 | -march={name} -mtune={name}
c dpcpp | : | corei7 | -march={name} -mtune={name}
c nvhpc
@ westmere | nehalem | GenuineIntel
+ aes pclmulqdq
c gcc | 4.9: |  | -march={name} -mtune={name}
c clang | 3.9: |  | -march={name} -mtune={name}
c aocc | 2.2: |  | -march={name} -mtune=generic
c apple-clang | 8.0: |  | -march={name} -mtune={name}
c intel | 16.0: | corei7 | -march={name} -mtune={name}
c oneapi | : | corei7 | -march={name} -mtune={name}
c dpcpp | : | corei7 | -march={name} -mtune={name}
c nvhpc
@ sandybridge | westmere | GenuineIntel
+ avx
c gcc | 4.9: |  | -march={name} -mtune={name}
c gcc | 4.6:4.8.5 | corei7-avx | -march={name} -mtune={name}
c clang | 3.9: |  | -march={name} -mtune={name}
c aocc | 2.2: |  | -march={name} -mtune={name}
c apple-clang | 8.0: |  | -march={name} -mtune={name}
c intel | 16.0:17.9.0 | corei7-avx | -march={name} -mtune={name}
c intel | 18.0: |  | -march={name} -mtune={name}
c oneapi | : |  | -march={name} -mtune={name}
c dpcpp | : |  | -march={name} -mtune={name}
c nvhpc | : |  | -tp {name}
@ ivybridge | sandybridge | GenuineIntel
+ rdrand f16c
c gcc | 4.9: |  | -march={name} -mtune={name}
c gcc | 4.6:4.8.5 | core-avx-i | -march={name} -mtune={name}
c clang | 3.9: |  | -march={name} -mtune={name}
c aocc | 2.2: |  | -march={name} -mtune={name}
c apple-clang | 8.0: |  | -march={name} -mtune={name}
c intel | 16.0:17.9.0 | core-avx-i | -march={name} -mtune={name}
c intel | 18.0: |  | -march={name} -mtune={name}
c oneapi | : |  | -march={name} -mtune={name}
c dpcpp | : |  | -march={name} -mtune={name}
c nvhpc | : |  | -tp {name}
@ haswell | ivybridge,x86_64_v3 | GenuineIntel
c gcc | 4.9: |  | -march={name} -mtune={name}
c gcc | 4.8:4.8.5 | core-avx2 | -march={name} -mtune={name}
c clang | 3.9: |  | -march={name} -mtune={name}
c aocc | 2.2: |  | -march={name} -mtune={name}
c apple-clang | 8.0: |  | -march={name} -mtune={name}
c intel | 16.0:17.9.0 | core-avx2 | -march={name} -mtune={name}
c intel | 18.0: |  | -march={name} -mtune={name}
c oneapi | : |  | -march={name} -mtune={name}
c dpcpp | : |  | -march={name} -mtune={name}
c nvhpc | : |  | -tp {name}
@ broadwell | haswell | GenuineIntel
+ rdseed adx
c gcc | 4.9: |  | -march={name} -mtune={name}
c clang | 3.9: |  | -march={name} -mtune={name}
c aocc | 2.2: |  | -march={name} -mtune={name}
c apple-clang | 8.0: |  | -march={name} -mtune={name}
c intel | 18.0: |  | -march={name} -mtune={name}
c oneapi | : |  | -march={name} -mtune={name}
c dpcpp | : |  | -march={name} -mtune={name}
c nvhpc | : | haswell | -tp {name}
@ skylake | broadwell | GenuineIntel
+ clflushopt xsavec xsaveopt
c gcc | 6.0: |  | -march={name} -mtune={name}
c clang | 3.9: |  | -march={name} -mtune={name}
c aocc | 2.2: |  | -march={name} -mtune={name}
c apple-clang | 8.0: |  | -march={name} -mtune={name}
c intel | 18.0: |  | -march={name} -mtune={name}
c oneapi | : |  | -march={name} -mtune={name}
c dpcpp | : |  | -march={name} -mtune={name}
c nvhpc | : | haswell | -tp {name}
@ mic_knl | broadwell | GenuineIntel
+ avx512f avx512pf avx512er avx512cd
c gcc | 5.1: | knl | -march={name} -mtune={name}
c clang | 3.9: | knl | -march={name} -mtune={name}
c aocc | 2.2: | knl | -march={name} -mtune=generic
c apple-clang | 8.0: |  | -march={name} -mtune={name}
c intel | 18.0:2021.2 | knl | -march={name} -mtune={name}
c oneapi | :2021.2 | knl | -march={name} -mtune={name}
c dpcpp | :2021.2 | knl | -march={name} -mtune={name}
@ skylake_avx512 | skylake,x86_64_v4 | GenuineIntel
+ clwb
c gcc | 6.0: | skylake-avx512 | -march={name} -mtune={name}
c clang | 3.9: | skylake-avx512 | -march={name} -mtune={name}
c aocc | 2.2: | skylake-avx512 | -march={name} -mtune=generic
c apple-clang | 8.0: |  | -march={name} -mtune={name}
c intel | 18.0: | skylake-avx512 | -march={name} -mtune={name}
c oneapi | : | skylake-avx512 | -march={name} -mtune={name}
c dpcpp | : | skylake-avx512 | -march={name} -mtune={name}
c nvhpc | : | skylake | -tp {name}
# (x86_64_v4 as a second parent: archspec fixed this link in "cannonlake, ampere1a: fix parents")
@ cannonlake | skylake,x86_64_v4 | GenuineIntel
+ avx512vbmi avx512ifma sha_ni
c gcc | 8.0: |  | -march={name} -mtune={name}
c clang | 3.9: |  | -march={name} -mtune={name}
c aocc | 2.2: |  | -march={name} -mtune={name}
c apple-clang | 8.0: |  | -march={name} -mtune={name}
c intel | 18.0: |  | -march={name} -mtune={name}
c oneapi | : |  | -march={name} -mtune={name}
c dpcpp | : |  | -march={name} -mtune={name}
c nvhpc | : | skylake | -tp {name}
@ cascadelake | skylake_avx512 | GenuineIntel
+ avx512_vnni
c gcc | 9.0: |  | -march={name} -mtune={name}
c clang | 8.0: |  | -march={name} -mtune={name}
c aocc | 2.2: |  | -march={name} -mtune={name}
c apple-clang | 11.0: |  | -march={name} -mtune={name}
c intel | 19.0.1: |  | -march={name} -mtune={name}
c oneapi | : |  | -march={name} -mtune={name}
c dpcpp | : |  | -march={name} -mtune={name}
c nvhpc | : | skylake | -tp {name}
@ icelake | cascadelake,cannonlake | GenuineIntel
+ rdpid gfni avx512_vbmi2 avx512_vpopcntdq avx512_bitalg vpclmulqdq vaes
c gcc | 8.0: | icelake-client | -march={name} -mtune={name}
c clang | 7.0: | icelake-client | -march={name} -mtune={name}
c clang | 6.0:6.9 |  | -march={name} -mtune={name}
c aocc | 2.2: | icelake-client | -march={name} -mtune={name}
c apple-clang | 10.0.1: | icelake-client | -march={name} -mtune={name}
c apple-clang | 10.0.0:10.0.99 |  | -march={name} -mtune={name}
c intel | 18.0: | icelake-client | -march={name} -mtune={name}
c oneapi | : | icelake-client | -march={name} -mtune={name}
c dpcpp | : | icelake-client | -march={name} -mtune={name}
c nvhpc | : | skylake | -tp {name}
@ sapphirerapids | icelake | GenuineIntel
+ avx512_bf16 cldemote movdir64b movdiri serialize waitpkg amx_bf16 amx_tile amx_int8
c gcc | 11.0: |  | -march={name} -mtune={name}
c clang | 12.0: |  | -march={name} -mtune={name}
c intel | 2021.2: |  | -march={name} -mtune={name}
c oneapi | 2021.2: |  | -march={name} -mtune={name}
c dpcpp | 2021.2: |  | -march={name} -mtune={name}
# (spack-ext's own entry: absent from the archspec snapshot we transcribed; its parents,
#  features and flag rules are chosen to give archspec's answers on its test samples)
@ alderlake | skylake | GenuineIntel
+ sha_ni clwb gfni vaes vpclmulqdq rdpid movdiri movdir64b serialize waitpkg avx_vnni
c gcc | 11.0: |  | -march={name} -mtune={name}
c clang | 12.0: |  | -march={name} -mtune={name}
# (spack-ext's own entry: absent from the archspec snapshot we transcribed; its parents,
#  features and flag rules are chosen to give archspec's answers on its test samples)
@ arrowlake | alderlake | GenuineIntel
+ avx_vnni_int8 avx_vnni_int16 avx_ne_convert avx_ifma cmpccxadd
c gcc | 14.0: |  | -march={name} -mtune={name}
c clang | 18.0: |  | -march={name} -mtune={name}
# (spack-ext's own entry: absent from the archspec snapshot we transcribed; its parents,
#  features and flag rules are chosen to give archspec's answers on its test samples)
@ arrowlake_s | arrowlake | GenuineIntel
+ sha512 sm3 sm4
c gcc | 14.0: | arrowlake-s | -march={name} -mtune={name}
c clang | 18.0: | arrowlake-s | -march={name} -mtune={name}
@ k10 | x86_64 | AuthenticAMD
+ mmx sse sse2 sse4a abm cx16 3dnow 3dnowext
c gcc | 4.3: | amdfam10 | -march={name} -mtune={name}
c clang | 3.9: | amdfam10 | -march={name} -mtune={name}
c aocc | 2.2: | amdfam10 | -march={name} -mtune={name}
c intel | 16.0: |  | -msse2 | Intel's compilers may or may not optimize to the same degree for non-Intel microprocessors for optimizations that are not unique to Intel microprocessors
c oneapi | : |  | -msse2 | Intel's compilers may or may not optimize to the same degree for non-Intel microprocessors for optimizations that are not unique to Intel microprocessors
c dpcpp | : |  | -msse2 | Intel's compilers may or may not optimize to the same degree for non-Intel microprocessors for optimizations that are not unique to Intel microprocessors
c nvhpc
@ bulldozer | x86_64_v2 | AuthenticAMD
+ sse4a xsave abm avx xop fma4 aes pclmulqdq
c gcc | 4.7: | bdver1 | -march={name} -mtune={name}
c clang | 3.9: | bdver1 | -march={name} -mtune={name}
c aocc | 2.2: | bdver1 | -march={name} -mtune={name}
c intel | 16.0: |  | -msse3 | Intel's compilers may or may not optimize to the same degree for non-Intel microprocessors for optimizations that are not unique to Intel microprocessors
c oneapi | : |  | -msse3 | Intel's compilers may or may not optimize to the same degree for non-Intel microprocessors for optimizations that are not unique to Intel microprocessors
c dpcpp | : |  | -msse3 | Intel's compilers may or may not optimize to the same degree for non-Intel microprocessors for optimizations that are not unique to Intel microprocessors
c nvhpc | : |  | -tp {name}
@ piledriver | bulldozer | AuthenticAMD
+ bmi1 f16c fma tbm
c gcc | 4.7: | bdver2 | -march={name} -mtune={name}
c clang | 3.9: | bdver2 | -march={name} -mtune={name}
c aocc | 2.2: | bdver2 | -march={name} -mtune={name}
c intel | 16.0: |  | -msse3 | Intel's compilers may or may not optimize to the same degree for non-Intel microprocessors for optimizations that are not unique to Intel microprocessors
c oneapi | : |  | -msse3 | Intel's compilers may or may not optimize to the same degree for non-Intel microprocessors for optimizations that are not unique to Intel microprocessors
c dpcpp | : |  | -msse3 | Intel's compilers may or may not optimize to the same degree for non-Intel microprocessors for optimizations that are not unique to Intel microprocessors
c nvhpc | : |  | -tp {name}
@ steamroller | piledriver | AuthenticAMD
+ fsgsbase
c gcc | 4.8: | bdver3 | -march={name} -mtune={name}
c clang | 3.9: | bdver3 | -march={name} -mtune={name}
c aocc | 2.2: | bdver3 | -march={name} -mtune={name}
c intel | 16.0: |  | -msse4.2 | Intel's compilers may or may not optimize to the same degree for non-Intel microprocessors for optimizations that are not unique to Intel microprocessors
c oneapi | : |  | -msse4.2 | Intel's compilers may or may not optimize to the same degree for non-Intel microprocessors for optimizations that are not unique to Intel microprocessors
c dpcpp | : |  | -msse4.2 | Intel's compilers may or may not optimize to the same degree for non-Intel microprocessors for optimizations that are not unique to Intel microprocessors
c nvhpc | : | piledriver | -tp {name}
@ excavator | steamroller,x86_64_v3 | AuthenticAMD
c gcc | 4.9: | bdver4 | -march={name} -mtune={name}
c clang | 3.9: | bdver4 | -march={name} -mtune={name}
c aocc | 2.2: | bdver4 | -march={name} -mtune={name}
c intel | 16.0: | core-avx2 | -march={name} -mtune={name} | Intel's compilers may or may not optimize to the same degree for non-Intel microprocessors for optimizations that are not unique to Intel microprocessors
c oneapi | : | core-avx2 | -march={name} -mtune={name} | Intel's compilers may or may not optimize to the same degree for non-Intel microprocessors for optimizations that are not unique to Intel microprocessors
c dpcpp | : | core-avx2 | -march={name} -mtune={name} | Intel's compilers may or may not optimize to the same degree for non-Intel microprocessors for optimizations that are not unique to Intel microprocessors
c nvhpc | : | piledriver | -tp {name}
@ zen | x86_64_v3 | AuthenticAMD
+ fsgsbase rdseed clzero aes pclmulqdq sse4a xsavec xsaveopt clflushopt
c gcc | 6.0: | znver1 | -march={name} -mtune={name}
c clang | 4.0: | znver1 | -march={name} -mtune={name}
c aocc | 2.2: | znver1 | -march={name} -mtune={name}
c intel | 16.0: | core-avx2 | -march={name} -mtune={name} | Intel's compilers may or may not optimize to the same degree for non-Intel microprocessors for optimizations that are not unique to Intel microprocessors
c oneapi | : | core-avx2 | -march={name} -mtune={name} | Intel's compilers may or may not optimize to the same degree for non-Intel microprocessors for optimizations that are not unique to Intel microprocessors
c dpcpp | : | core-avx2 | -march={name} -mtune={name} | Intel's compilers may or may not optimize to the same degree for non-Intel microprocessors for optimizations that are not unique to Intel microprocessors
c nvhpc | : |  | -tp {name}
@ zen2 | zen | AuthenticAMD
+ clwb
c gcc | 9.0: | znver2 | -march={name} -mtune={name}
c clang | 9.0: | znver2 | -march={name} -mtune={name}
c aocc | 2.2: | znver2 | -march={name} -mtune={name}
c intel | 16.0: | core-avx2 | -march={name} -mtune={name} | Intel's compilers may or may not optimize to the same degree for non-Intel microprocessors for optimizations that are not unique to Intel microprocessors
c oneapi | : | core-avx2 | -march={name} -mtune={name} | Intel's compilers may or may not optimize to the same degree for non-Intel microprocessors for optimizations that are not unique to Intel microprocessors
c dpcpp | : | core-avx2 | -march={name} -mtune={name} | Intel's compilers may or may not optimize to the same degree for non-Intel microprocessors for optimizations that are not unique to Intel microprocessors
c nvhpc | 20.5: |  | -tp {name}
@ zen3 | zen2 | AuthenticAMD
+ vaes vpclmulqdq pku
c gcc | 10.3: | znver3 | -march={name} -mtune={name}
c clang | 12.0: | znver3 | -march={name} -mtune={name}
c aocc | 3.0: | znver3 | -march={name} -mtune={name}
c intel | 16.0: | core-avx2 | -march={name} -mtune={name} | Intel's compilers may or may not optimize to the same degree for non-Intel microprocessors for optimizations that are not unique to Intel microprocessors
c oneapi | : | core-avx2 | -march={name} -mtune={name} | Intel's compilers may or may not optimize to the same degree for non-Intel microprocessors for optimizations that are not unique to Intel microprocessors
c dpcpp | : | core-avx2 | -march={name} -mtune={name} | Intel's compilers may or may not optimize to the same degree for non-Intel microprocessors for optimizations that are not unique to Intel microprocessors
c nvhpc | 21.11: |  | -tp {name}
@ zen4 | zen3,x86_64_v4 | AuthenticAMD
+ gfni flush_l1d avx512ifma avx512_bf16 avx512vbmi avx512_vbmi2 avx512_vnni avx512_bitalg avx512_vpopcntdq
c gcc | 10.3:12.2 | znver3 | -march={name} -mtune={name} -mavx512f -mavx512dq -mavx512ifma -mavx512cd -mavx512bw -mavx512vl -mavx512vbmi -mavx512vbmi2 -mavx512vnni -mavx512bitalg
c gcc | 12.3: | znver4 | -march={name} -mtune={name}
c clang | 12.0:15.9 | znver3 | -march={name} -mtune={name} -mavx512f -mavx512dq -mavx512ifma -mavx512cd -mavx512bw -mavx512vl -mavx512vbmi -mavx512vbmi2 -mavx512vnni -mavx512bitalg
c clang | 16.0: | znver4 | -march={name} -mtune={name}
c aocc | 3.0:3.9 | znver3 | -march={name} -mtune={name} -mavx512f -mavx512dq -mavx512ifma -mavx512cd -mavx512bw -mavx512vl -mavx512vbmi -mavx512vbmi2 -mavx512vnni -mavx512bitalg | Zen4 processors are not fully supported by AOCC versions < 4.0.  For optimal performance please upgrade to a newer version of AOCC
c aocc | 4.0: | znver4 | -march={name} -mtune={name}
c nvhpc | 21.11:23.8 | zen3 | -tp {name} | zen4 is not fully supported by nvhpc versions < 23.9, falling back to zen3
c nvhpc | 23.9: |  | -tp {name}
@ zen5 | zen4 | AuthenticAMD
+ avx512_vp2intersect avx_vnni movdir64b movdiri tsc_adjust
c gcc | 14.1: | znver5 | -march={name} -mtune={name}
c aocc | 5.0: | znver5 | -march={name} -mtune={name}
c clang | 19.1: | znver5 | -march={name} -mtune={name}
)uarch";

}  // namespace spackext::microarch::tables
