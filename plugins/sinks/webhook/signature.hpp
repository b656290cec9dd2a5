// The signature a receiver checks to know a post came from us, unchanged:
// HMAC-SHA256 of the exact body bytes under the shared secret, hex-encoded,
// sent as `X-SpackExt-Signature-256: sha256=<hex>` (GitHub's webhook scheme,
// so existing receivers' verification code applies).
#pragma once

#include <string>
#include <string_view>

namespace spackext::webhook {

inline constexpr const char* kSignatureHeader = "X-SpackExt-Signature-256";

// Lower-case hex HMAC-SHA256 of `body` under `secret`.
std::string hmac_sha256_hex(std::string_view secret, std::string_view body);

}  // namespace spackext::webhook
