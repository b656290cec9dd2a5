// Built-in microarchitecture table, aarch64 part. Data, not code: the text between
// the delimiters is spack-ext's table format, parsed on first use
// (sdk/src/microarch/table_parser.cpp).
#include "builtin_tables.hpp"

namespace spackext::microarch::tables {

extern const std::string_view kAarch64 = R"uarch(# spack-ext built-in microarchitecture table: aarch64 and 32-bit arm (Arm ISA levels; Arm, Ampere, Fujitsu, Cavium, Apple cores).
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

@ aarch64 |  | generic
c gcc | 4.8.0: |  | -march=armv8-a -mtune=generic
c clang | : |  | -march=armv8-a -mtune=generic
c apple-clang | : |  | -march=armv8-a -mtune=generic
c arm | : |  | -march=armv8-a -mtune=generic
c nvhpc
@ armv8.1a | aarch64 | generic
c gcc | 5: |  | -march=armv8.1-a -mtune=generic
c clang | : |  | -march=armv8.1-a -mtune=generic
c apple-clang | : |  | -march=armv8.1-a -mtune=generic
c arm | : |  | -march=armv8.1-a -mtune=generic
@ armv8.2a | armv8.1a | generic
c gcc | 6: |  | -march=armv8.2-a -mtune=generic
c clang | : |  | -march=armv8.2-a -mtune=generic
c apple-clang | : |  | -march=armv8.2-a -mtune=generic
c arm | : |  | -march=armv8.2-a -mtune=generic
@ armv8.3a | armv8.2a | generic
c gcc | 6: |  | -march=armv8.3-a -mtune=generic
c clang | 6: |  | -march=armv8.3-a -mtune=generic
c apple-clang | : |  | -march=armv8.3-a -mtune=generic
c arm | : |  | -march=armv8.3-a -mtune=generic
@ armv8.4a | armv8.3a | generic
c gcc | 8: |  | -march=armv8.4-a -mtune=generic
c clang | 8: |  | -march=armv8.4-a -mtune=generic
c apple-clang | : |  | -march=armv8.4-a -mtune=generic
c arm | : |  | -march=armv8.4-a -mtune=generic
@ armv8.5a | armv8.4a | generic
c gcc | 9: |  | -march=armv8.5-a -mtune=generic
c clang | 11: |  | -march=armv8.5-a -mtune=generic
c apple-clang | : |  | -march=armv8.5-a -mtune=generic
c arm | : |  | -march=armv8.5-a -mtune=generic
@ armv8.6a | armv8.5a | generic
c gcc | 10.1: |  | -march=armv8.6-a -mtune=generic
c clang | 11: |  | -march=armv8.6-a -mtune=generic
@ armv9.0a | armv8.5a | generic
c gcc | 12: |  | -march=armv9-a -mtune=generic
c clang | 14: |  | -march=armv9-a -mtune=generic
c apple-clang | : |  | -march=armv9-a -mtune=generic
c arm | : |  | -march=armv9-a -mtune=generic
# (spack-ext's own entry: absent from the archspec snapshot we transcribed; its parents,
#  features and flag rules are chosen to give archspec's answers on its test samples)
@ armv9.2a | armv9.0a | generic
c gcc | 13: |  | -march=armv9.2-a -mtune=generic
c clang | 14: |  | -march=armv9.2-a -mtune=generic
c apple-clang | : |  | -march=armv9.2-a -mtune=generic
c arm | : |  | -march=armv9.2-a -mtune=generic
@ thunderx2 | armv8.1a | Cavium | part=0x0af
+ fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics cpuid asimdrdm
c gcc | 4.8:4.8.9 |  | -march=armv8-a
c gcc | 4.9:5.9 |  | -march=armv8-a+crc+crypto
c gcc | 6:6.9 |  | -march=armv8.1-a+crc+crypto
c gcc | 7: |  | -mcpu=thunderx2t99
c clang | 3.9:4.9 |  | -march=armv8.1-a+crc+crypto
c clang | 5: |  | -mcpu=thunderx2t99
@ a64fx | armv8.2a | Fujitsu | part=0x001
+ fp asimd evtstrm sha1 sha2 crc32 atomics cpuid asimdrdm fphp asimdhp fcma dcpop sve
c gcc | 4.8:4.8.9 |  | -march=armv8-a
c gcc | 4.9:5.9 |  | -march=armv8-a+crc+crypto
c gcc | 6:6.9 |  | -march=armv8.1-a+crc+crypto
c gcc | 7:7.9 |  | -march=armv8.2-a+crc+crypto+fp16
c gcc | 8:10.2 |  | -march=armv8.2-a+crc+sha2+fp16+sve -msve-vector-bits=512
c gcc | 10.3: |  | -mcpu=a64fx -msve-vector-bits=512
c clang | 3.9:4.9 |  | -march=armv8.2-a+crc+sha2+fp16
c clang | 5:10 |  | -march=armv8.2-a+crc+sha2+fp16+sve
c clang | 11: |  | -mcpu=a64fx
c arm | 20: |  | -march=armv8.2-a+crc+crypto+fp16+sve
@ cortex_a72 | aarch64 | ARM | part=0xd08
+ fp asimd evtstrm aes pmull sha1 sha2 crc32 cpuid
c gcc | 4.8:4.8.9 |  | -march=armv8-a
c gcc | 4.9:5.9 |  | -march=armv8-a+crc+crypto
c gcc | 6: |  | -mcpu=cortex-a72
c clang | 3.9: |  | -mcpu=cortex-a72
@ neoverse_n1 | cortex_a72,armv8.2a | ARM | part=0xd0c
+ atomics fphp asimdhp asimdrdm lrcpc dcpop asimddp
c gcc | 4.8:4.8.9 |  | -march=armv8-a
c gcc | 4.9:5.9 |  | -march=armv8-a+crc+crypto
c gcc | 6:6.9 |  | -march=armv8.1-a
c gcc | 7:7.9 |  | -march=armv8.2-a+fp16 -mtune=cortex-a72
c gcc | 8.0:8.0 |  | -march=armv8.2-a+fp16+dotprod+crypto -mtune=cortex-a72
c gcc | 8.1:8.9 |  | -march=armv8.2-a+fp16+rcpc+dotprod+crypto -mtune=cortex-a72
c gcc | 9.0: |  | -mcpu=neoverse-n1
c clang | 3.9:4.9 |  | -march=armv8.2-a+fp16+crc+crypto
c clang | 5: |  | -march=armv8.2-a+fp16+rcpc+dotprod+crypto
c clang | 10: |  | -mcpu=neoverse-n1
c arm | 20:21.9 |  | -march=armv8.2-a+fp16+rcpc+dotprod+crypto
c arm | 22: |  | -mcpu=neoverse-n1
c nvhpc | 22.5: | neoverse-n1 | -tp {name}
@ neoverse_v1 | neoverse_n1,armv8.4a | ARM | part=0xd40
+ jscvt fcma sha3 sha512 sve asimdfhm dit uscat ilrcpc flagm dcpodp svei8mm svebf16 i8mm bf16 dgh rng
c gcc | 4.8:4.8.9 |  | -march=armv8-a
c gcc | 4.9:5.9 |  | -march=armv8-a+crc+crypto
c gcc | 6:6.9 |  | -march=armv8.1-a
c gcc | 7:7.9 |  | -march=armv8.2-a+crypto+fp16 -mtune=cortex-a72
c gcc | 8.0:8.4 |  | -march=armv8.2-a+fp16+dotprod+crypto -mtune=cortex-a72
c gcc | 8.5:8.9 |  | -mcpu=neoverse-v1
c gcc | 9.0:9.3 |  | -march=armv8.2-a+fp16+dotprod+crypto -mtune=cortex-a72
c gcc | 9.4:9.9 |  | -mcpu=neoverse-v1
c gcc | 10.0:10.1 |  | -march=armv8.2-a+fp16+dotprod+crypto -mtune=cortex-a72
c gcc | 10.2:10.2.99 |  | -mcpu=zeus
c gcc | 10.3: |  | -mcpu=neoverse-v1
c clang | 3.9:4.9 |  | -march=armv8.2-a+fp16+crc+crypto
c clang | 5:10 |  | -march=armv8.2-a+fp16+rcpc+dotprod+crypto
c clang | 11: |  | -march=armv8.4-a+sve+fp16+bf16+crypto+i8mm+rng
c clang | 12: |  | -mcpu=neoverse-v1
c arm | 20:21.9 |  | -march=armv8.2-a+sve+fp16+rcpc+dotprod+crypto
c arm | 22: |  | -mcpu=neoverse-v1
c nvhpc | 22.5: | neoverse-n1 | -tp {name}
@ neoverse_v2 | neoverse_n1,armv9.0a | ARM | part=0xd4f
+ jscvt fcma sha3 sha512 sve asimdfhm uscat ilrcpc flagm sb dcpodp sve2 flagm2 frint svei8mm svebf16 i8mm bf16
c gcc | 4.8:5.99 |  | -march=armv8-a
c gcc | 6:6.99 |  | -march=armv8.1-a
c gcc | 7.0:7.99 |  | -march=armv8.2-a -mtune=cortex-a72
c gcc | 8.0:8.99 |  | -march=armv8.4-a+sve -mtune=cortex-a72
c gcc | 9.0:9.99 |  | -march=armv8.5-a+sve -mtune=cortex-a76
c gcc | 10.0:11.3.99 |  | -march=armv8.5-a+sve+sve2+i8mm+bf16 -mtune=cortex-a77
c gcc | 11.4:11.99 |  | -mcpu=neoverse-v2
c gcc | 12.0:12.2.99 |  | -march=armv9-a+i8mm+bf16 -mtune=cortex-a710
c gcc | 12.3: |  | -mcpu=neoverse-v2
c clang | 9.0:10.99 |  | -march=armv8.5-a+sve
c clang | 11.0:13.99 |  | -march=armv8.5-a+sve+sve2+i8mm+bf16
c clang | 14.0:15.99 |  | -march=armv9-a+i8mm+bf16
c clang | 16.0: |  | -mcpu=neoverse-v2
c arm | 23.04.0: |  | -mcpu=neoverse-v2
c nvhpc | 23.3: | neoverse-v2 | -tp {name}
@ neoverse_n2 | neoverse_n1,armv9.0a | ARM | part=0xd49
+ jscvt fcma sha3 sha512 sve asimdfhm uscat ilrcpc flagm sb dcpodp sve2 flagm2 frint svei8mm svebf16 i8mm bf16
c gcc | 4.8:5.99 |  | -march=armv8-a
c gcc | 6:6.99 |  | -march=armv8.1-a
c gcc | 7.0:7.99 |  | -march=armv8.2-a -mtune=cortex-a72
c gcc | 8.0:8.99 |  | -march=armv8.4-a+sve -mtune=cortex-a72
c gcc | 9.0:9.99 |  | -march=armv8.5-a+sve -mtune=cortex-a76
c gcc | 10.0:10.99 |  | -march=armv8.5-a+sve+sve2+i8mm+bf16 -mtune=cortex-a77
c gcc | 11.0: |  | -mcpu=neoverse-n2
c clang | 9.0:10.99 |  | -march=armv8.5-a+sve
c clang | 11.0:13.99 |  | -march=armv8.5-a+sve+sve2+i8mm+bf16
c clang | 14.0:15.99 |  | -march=armv9-a+i8mm+bf16
c clang | 16.0: |  | -mcpu=neoverse-n2
c arm | 23.04.0: |  | -mcpu=neoverse-n2
c nvhpc | 23.3: | neoverse-n1 | -tp {name}
# (spack-ext's own entry: absent from the archspec snapshot we transcribed; its parents,
#  features and flag rules are chosen to give archspec's answers on its test samples)
@ neoverse_v3ae | neoverse_v2,armv9.2a | ARM | part=0xd83
+ dit ssbs paca pacg svebitperm dgh bti ecv
c gcc | 15.0: |  | -mcpu=neoverse-v3ae
c clang | 19.0: |  | -mcpu=neoverse-v3ae
@ ampere1 | neoverse_n1,armv8.6a | Ampere | part=0xac3
+ jscvt fcma sha3 sha512 asimdfhm dit uscat ilrcpc flagm ssbs sb paca pacg dcpodp flagm2 frint i8mm bf16 rng bti ecv
c gcc | 9.0:10.4.99 |  | -mcpu=neoverse-n1
c gcc | 10.5:10.99 |  | -mcpu=ampere1
c gcc | 11.0:11.2.99 |  | -mcpu=neoverse-n1
c gcc | 11.3:11.99 |  | -mcpu=ampere1
c gcc | 12.0:12.0.99 |  | -mcpu=neoverse-n1
c gcc | 12.1:12.99 |  | -mcpu=ampere1
c gcc | 13: |  | -mcpu=ampere1
c clang | 10: |  | -mcpu=neoverse-n1
c clang | 16: |  | -mcpu=ampere1
c arm | 22: |  | -mcpu=neoverse-n1
c nvhpc | 22.5: | neoverse-n1 | -tp {name}
@ ampere1a | neoverse_n1,armv8.6a | Ampere | part=0xac4
+ jscvt fcma sha3 sm3 sm4 sha512 asimdfhm dit uscat ilrcpc flagm ssbs sb paca pacg dcpodp flagm2 frint i8mm bf16 rng bti ecv
c gcc | 9.0:10.4.99 |  | -mcpu=neoverse-n1
c gcc | 10.5:10.99 |  | -mcpu=ampere1a
c gcc | 11.0:11.3.99 |  | -mcpu=neoverse-n1
c gcc | 11.4:11.99 |  | -mcpu=ampere1a
c gcc | 12.0:12.2.99 |  | -mcpu=neoverse-n1
c gcc | 12.3:12.99 |  | -mcpu=ampere1a
c gcc | 13: |  | -mcpu=ampere1a
c clang | 10: |  | -mcpu=neoverse-n1
c clang | 16: |  | -mcpu=ampere1
c arm | 22: |  | -mcpu=neoverse-n1
c nvhpc | 22.5: | neoverse-n1 | -tp {name}
@ m1 | armv8.4a | Apple | part=0x022
+ fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm jscvt fcma lrcpc dcpop sha3 asimddp sha512 asimdfhm dit uscat ilrcpc flagm ssbs sb paca pacg dcpodp flagm2 frint
c gcc | 8.0: |  | -march=armv8.4-a -mtune=generic
c gcc | 15.1: |  | -mcpu=apple-m1
c clang | 9.0:12.0 |  | -march=armv8.4-a
c clang | 13.0: |  | -mcpu=apple-m1
c apple-clang | 11.0:12.5 |  | -march=armv8.4-a
c apple-clang | 13.0: |  | -mcpu=apple-m1
@ m2 | m1,armv8.5a | Apple | part=0x032
+ ecv bf16 i8mm bti
c gcc | 10.1: |  | -march=armv8.6-a -mtune=generic
c gcc | 15.1: |  | -mcpu=apple-m2
c clang | 9.0:12.0 |  | -march=armv8.5-a
c clang | 13.0: |  | -mcpu=apple-m1
c clang | 16.0: |  | -mcpu=apple-m2
c apple-clang | 11.0:12.5 |  | -march=armv8.5-a
c apple-clang | 13.0:14.0.2 |  | -mcpu=apple-m1
c apple-clang | 14.0.2: |  | -mcpu=apple-m2
@ m3 | m2,armv8.6a | Apple | part=Unknown
c gcc | 10.1: |  | -march=armv8.6-a -mtune=generic
c gcc | 15.1: |  | -mcpu=apple-m3
c clang | 9.0:12.0 |  | -march=armv8.5-a
c clang | 13.0: |  | -mcpu=apple-m1
c clang | 16.0: |  | -mcpu=apple-m3
c apple-clang | 11.0:12.5 |  | -march=armv8.5-a
c apple-clang | 13.0:14.0.2 |  | -mcpu=apple-m1
c apple-clang | 14.0.2:15 |  | -mcpu=apple-m2
c apple-clang | 16: |  | -mcpu=apple-m3
@ m4 | m3,armv8.6a | Apple | part=Unknown
+ sme sme2
c gcc | 14.1: |  | -march=armv9.2-a+sme2 -fno-tree-vectorize -fno-tree-slp-vectorize -mtune=generic
c clang | 9.0:12.0 |  | -march=armv8.5-a
c clang | 13.0: |  | -mcpu=apple-m1
c clang | 16.0:18 |  | -mcpu=apple-m3
c clang | 19: |  | -mcpu=apple-m4
c apple-clang | 11.0:12.5 |  | -march=armv8.5-a
c apple-clang | 13.0:14.0.2 |  | -mcpu=apple-m1
c apple-clang | 14.0.2:15 |  | -mcpu=apple-m2
c apple-clang | 16: |  | -mcpu=apple-m3
c apple-clang | 17: |  | -mcpu=apple-m4
@ arm |  | generic
c clang | : |  | -march={family} -mcpu=generic

# CPU implementer codes of /proc/cpuinfo and the vendor names they stand for.
v 0x41 | ARM
v 0x42 | Broadcom
v 0x43 | Cavium
v 0x44 | DEC
v 0x46 | Fujitsu
v 0x48 | HiSilicon
v 0x49 | Infineon Technologies AG
v 0x4d | Motorola
v 0x4e | Nvidia
v 0x50 | APM
v 0x51 | Qualcomm
v 0x53 | Samsung
v 0x56 | Marvell
v 0x61 | Apple
v 0x66 | Faraday
v 0x68 | HXT
v 0x69 | Intel
v 0xc0 | Ampere
)uarch";

}  // namespace spackext::microarch::tables
