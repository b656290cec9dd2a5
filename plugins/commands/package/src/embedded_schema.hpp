// The package-definition JSON schema (../schemas/package-definition.json),
// compiled in so validation needs no installed data file.
#pragma once

namespace spackext::package {

const char* package_definition_schema();

}  // namespace spackext::package
