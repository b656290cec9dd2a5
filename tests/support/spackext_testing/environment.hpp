// The environment a child process of a test gets: ours, minus `unset`, plus
// (overriding) `add`; as "KEY=VALUE" strings for posix_spawn. Private to the
// testing library (process.cpp, server_process.cpp).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace spackext::testing::detail {

std::vector<std::string> child_environment(const std::map<std::string, std::string>& add,
                                           const std::vector<std::string>& unset = {});

}  // namespace spackext::testing::detail
