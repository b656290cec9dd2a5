// schemas/webhook-settings.json, compiled in so validation needs no
// installed data file and cannot pick up a stale copy.
#pragma once

namespace spackext::webhook {

const char* webhook_settings_schema();

}  // namespace spackext::webhook
