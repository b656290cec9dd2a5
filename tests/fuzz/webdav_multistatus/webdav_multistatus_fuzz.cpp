// A WebDAV PROPFIND reply (207 Multi-Status) as the https:// mirror reads it
// when listing a folder. A malformed reply is the server's fault, so the
// clean answer is spackext::Error (exit 1) naming the request; the header
// helpers must take any bytes.
#include "fuzz_target.hpp"
#include "multistatus.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace https = spackext::mirrors::https;
  const std::string text(spackext::fuzz::as_text(data, size));
  const std::string origin = "PROPFIND https://127.0.0.1/fuzz/";
  spackext::fuzz::expect_clean<spackext::Error>(origin, [&] {
    for (const auto& e : https::parse_multistatus(text, origin))
      if (e.path.empty()) spackext::fuzz::finding("entry without a path", text);
  });
  https::href_path(text);
  https::bare_etag(text);
  https::parse_http_date(text);
  return 0;
}
