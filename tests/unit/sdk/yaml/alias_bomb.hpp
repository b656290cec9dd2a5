// A "billion laughs" YAML document: 10 values, then `levels` levels of 10
// aliases each to the level below, so 10^(levels+1) values from ~100 bytes
// a level.
#pragma once

#include <string>

namespace spackext::testing {

inline std::string alias_bomb_yaml(int levels) {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= levels; ++i) {
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) text += (k ? ", *a" : "*a") + std::to_string(i - 1);
    text += "]\n";
  }
  return text;
}

}  // namespace spackext::testing
