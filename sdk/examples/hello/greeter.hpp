// A service of a kind the SDK does not define: any class with a kKind can be
// registered and looked up, so plugins can offer services to each other.
#pragma once

#include <string>

#include <spackext/service.hpp>

namespace hello {

class Greeter : public spackext::Service {
 public:
  static constexpr const char* kKind = "greeting";
  explicit Greeter(std::string greeting) : greeting_(std::move(greeting)) {}
  std::string greet(const std::string& name) const;

 private:
  std::string greeting_;
};

}  // namespace hello
