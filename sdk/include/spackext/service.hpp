// The base of every service a plugin registers.
//
// Each service interface names its kind in a `static constexpr kKind`
// ("command", "mirror", ...). The registry keys services by (kind, name) and
// casts by kind, so no RTTI crosses the library boundary.
#pragma once

namespace spackext {

class Service {
 public:
  virtual ~Service() = default;
};

}  // namespace spackext
