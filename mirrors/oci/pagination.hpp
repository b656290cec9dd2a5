// Tag listings come in pages: the registry ends a page with
//   Link: </v2/name/tags/list?last=x&n=100>; rel="next"
// (the target may be relative to the registry or absolute), and the pages
// are merged into one {"name": ..., "tags": [...]} document.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace spackext::mirrors::oci {

// The absolute URL of the rel="next" target in a Link header, resolved
// against `request_url`; nullopt when there is no next page.
std::optional<std::string> next_page_url(const std::string& link_header, const std::string& request_url);

// One tags/list page's tags appended to `tags`; InputError naming `where`
// when the page is not a tag list. A "tags": null page (an empty repository) adds none.
void append_tags_page(const std::string& body, const std::string& where, std::vector<std::string>& tags);

}  // namespace spackext::mirrors::oci
