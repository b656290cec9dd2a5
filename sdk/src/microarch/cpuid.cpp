// x86 CPUID decoding into /proc/cpuinfo feature names. The bit positions are
// from the Intel SDM and AMD APM; besides the leaves archspec's cpuid.json
// covers (1, 7/0, 7/1, 0xD/1, 0x80000001) this also reads leaf 7 EDX and
// 0x80000008 EBX, without which no AMD target from zen onwards (clzero,
// flush_l1d) could be recognised.
#include "spackext/microarch/cpuid.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include <cstring>

namespace spackext::microarch {

#if defined(__x86_64__) || defined(__i386__)
namespace {

enum Reg { EAX, EBX, ECX, EDX };

struct Bit {
  unsigned leaf, subleaf;
  Reg reg;
  unsigned bit;
  const char* name;
};

// Linux spells SSE3 "pni"; detection adds sse3 itself (from ssse3).
constexpr Bit kBits[] = {
    {1, 0, EDX, 0, "fpu"},          {1, 0, EDX, 8, "cx8"},          {1, 0, EDX, 15, "cmov"},
    {1, 0, EDX, 19, "clflush"},     {1, 0, EDX, 23, "mmx"},         {1, 0, EDX, 24, "fxsr"},
    {1, 0, EDX, 25, "sse"},         {1, 0, EDX, 26, "sse2"},        {1, 0, EDX, 28, "ht"},
    {1, 0, ECX, 0, "pni"},          {1, 0, ECX, 1, "pclmulqdq"},    {1, 0, ECX, 9, "ssse3"},
    {1, 0, ECX, 12, "fma"},         {1, 0, ECX, 13, "cx16"},        {1, 0, ECX, 19, "sse4_1"},
    {1, 0, ECX, 20, "sse4_2"},      {1, 0, ECX, 22, "movbe"},       {1, 0, ECX, 23, "popcnt"},
    {1, 0, ECX, 25, "aes"},         {1, 0, ECX, 26, "xsave"},       {1, 0, ECX, 28, "avx"},
    {1, 0, ECX, 29, "f16c"},        {1, 0, ECX, 30, "rdrand"},      {1, 0, ECX, 31, "hypervisor"},
    {7, 0, EBX, 0, "fsgsbase"},     {7, 0, EBX, 1, "tsc_adjust"},   {7, 0, EBX, 3, "bmi1"},
    {7, 0, EBX, 5, "avx2"},         {7, 0, EBX, 7, "smep"},         {7, 0, EBX, 8, "bmi2"},
    {7, 0, EBX, 9, "erms"},         {7, 0, EBX, 10, "invpcid"},     {7, 0, EBX, 16, "avx512f"},
    {7, 0, EBX, 17, "avx512dq"},    {7, 0, EBX, 18, "rdseed"},      {7, 0, EBX, 19, "adx"},
    {7, 0, EBX, 20, "smap"},        {7, 0, EBX, 21, "avx512ifma"},  {7, 0, EBX, 23, "clflushopt"},
    {7, 0, EBX, 24, "clwb"},        {7, 0, EBX, 26, "avx512pf"},    {7, 0, EBX, 27, "avx512er"},
    {7, 0, EBX, 28, "avx512cd"},    {7, 0, EBX, 29, "sha_ni"},      {7, 0, EBX, 30, "avx512bw"},
    {7, 0, EBX, 31, "avx512vl"},    {7, 0, ECX, 1, "avx512vbmi"},   {7, 0, ECX, 2, "umip"},
    {7, 0, ECX, 3, "pku"},          {7, 0, ECX, 5, "waitpkg"},      {7, 0, ECX, 6, "avx512_vbmi2"},
    {7, 0, ECX, 8, "gfni"},         {7, 0, ECX, 9, "vaes"},         {7, 0, ECX, 10, "vpclmulqdq"},
    {7, 0, ECX, 11, "avx512_vnni"}, {7, 0, ECX, 12, "avx512_bitalg"}, {7, 0, ECX, 14, "avx512_vpopcntdq"},
    {7, 0, ECX, 22, "rdpid"},       {7, 0, ECX, 25, "cldemote"},    {7, 0, ECX, 27, "movdiri"},
    {7, 0, ECX, 28, "movdir64b"},   {7, 0, EDX, 4, "fsrm"},         {7, 0, EDX, 8, "avx512_vp2intersect"},
    {7, 0, EDX, 14, "serialize"},   {7, 0, EDX, 16, "tsxldtrk"},    {7, 0, EDX, 22, "amx_bf16"},
    {7, 0, EDX, 23, "avx512_fp16"}, {7, 0, EDX, 24, "amx_tile"},    {7, 0, EDX, 25, "amx_int8"},
    {7, 0, EDX, 28, "flush_l1d"},   {7, 1, EAX, 0, "sha512"},       {7, 1, EAX, 1, "sm3"},
    {7, 1, EAX, 2, "sm4"},          {7, 1, EAX, 4, "avx_vnni"},     {7, 1, EAX, 5, "avx512_bf16"},
    {7, 1, EAX, 7, "cmpccxadd"},    {7, 1, EAX, 23, "avx_ifma"},    {7, 1, EDX, 4, "avx_vnni_int8"},
    {7, 1, EDX, 5, "avx_ne_convert"}, {7, 1, EDX, 10, "avx_vnni_int16"},
    {0xD, 1, EAX, 0, "xsaveopt"},   {0xD, 1, EAX, 1, "xsavec"},     {0xD, 1, EAX, 3, "xsaves"},
    {0x80000001, 0, ECX, 0, "lahf_lm"}, {0x80000001, 0, ECX, 5, "abm"}, {0x80000001, 0, ECX, 6, "sse4a"},
    {0x80000001, 0, ECX, 8, "3dnowprefetch"}, {0x80000001, 0, ECX, 11, "xop"},
    {0x80000001, 0, ECX, 16, "fma4"}, {0x80000001, 0, ECX, 21, "tbm"},
    {0x80000001, 0, EDX, 22, "mmxext"}, {0x80000001, 0, EDX, 27, "rdtscp"},
    {0x80000001, 0, EDX, 29, "lm"}, {0x80000001, 0, EDX, 30, "3dnowext"},
    {0x80000001, 0, EDX, 31, "3dnow"}, {0x80000008, 0, EBX, 0, "clzero"},
};

}  // namespace

CpuidReport read_cpuid() {
  CpuidReport r;
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid(0, &a, &b, &c, &d)) return r;
  const unsigned max_basic = a;
  const unsigned max_ext = __get_cpuid_max(0x80000000, nullptr);
  r.available = true;
  char vendor[13] = {};
  std::memcpy(vendor, &b, 4);
  std::memcpy(vendor + 4, &d, 4);
  std::memcpy(vendor + 8, &c, 4);
  r.vendor = vendor;
  if (max_ext >= 0x80000004) {
    char brand[49] = {};
    for (unsigned i = 0; i < 3; ++i) {
      __cpuid(0x80000002 + i, a, b, c, d);
      std::memcpy(brand + 16 * i, &a, 4);
      std::memcpy(brand + 16 * i + 4, &b, 4);
      std::memcpy(brand + 16 * i + 8, &c, 4);
      std::memcpy(brand + 16 * i + 12, &d, 4);
    }
    r.brand = brand;
    while (!r.brand.empty() && r.brand.back() == ' ') r.brand.pop_back();
    while (!r.brand.empty() && r.brand.front() == ' ') r.brand.erase(r.brand.begin());
  }
  // One CPUID per leaf: under a hypervisor each one is a VM exit. The table
  // is grouped by leaf, so a change of leaf is the cue to query again.
  unsigned regs[4] = {};
  unsigned cached_leaf = 0, cached_subleaf = 0;
  bool cached = false;
  for (const auto& bit : kBits) {
    const bool extended = bit.leaf >= 0x80000000;
    if ((extended && bit.leaf > max_ext) || (!extended && bit.leaf > max_basic)) continue;
    if (!cached || bit.leaf != cached_leaf || bit.subleaf != cached_subleaf) {
      __cpuid_count(bit.leaf, bit.subleaf, regs[EAX], regs[EBX], regs[ECX], regs[EDX]);
      cached_leaf = bit.leaf;
      cached_subleaf = bit.subleaf;
      cached = true;
    }
    if (regs[bit.reg] & (1u << bit.bit)) r.features.insert(bit.name);
  }
  return r;
}
#else
CpuidReport read_cpuid() { return {}; }
#endif

}  // namespace spackext::microarch
