// The SDK's microarchitecture area in one include.
#pragma once

#include "spackext/microarch/compiler_version.hpp"
#include "spackext/microarch/cpuid.hpp"
#include "spackext/microarch/cpuinfo.hpp"
#include "spackext/microarch/database.hpp"
#include "spackext/microarch/detection.hpp"
#include "spackext/microarch/microarchitecture.hpp"
#include "spackext/microarch/optimization_flags.hpp"
#include "spackext/microarch/table_optimizer.hpp"
