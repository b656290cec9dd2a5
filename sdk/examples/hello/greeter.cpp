#include "greeter.hpp"

namespace hello {

std::string Greeter::greet(const std::string& name) const { return greeting_ + ", " + name + "!"; }

}  // namespace hello
