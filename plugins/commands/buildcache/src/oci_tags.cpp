#include "buildcache/oci_tags.hpp"

#include <algorithm>

#include <spackext/errors.hpp>

#include "buildcache/catalog.hpp"
#include "buildcache/spack_json.hpp"

namespace spackext::buildcache {

namespace {

Json read_tag_document(MirrorStore& store) {
  if (!store.stat(kOciTagList)) return Json::object();
  auto doc = parse_json(read_object(store, kOciTagList), store.url() + ": " + kOciTagList);
  if (!doc.is_object()) throw InputError(store.url() + ": " + kOciTagList, "tag list is not a JSON object");
  return doc;
}

std::set<std::string> tags_of(const Json& doc) {
  std::set<std::string> out;
  if (auto it = doc.find("tags"); it != doc.end() && it->is_array())
    for (const auto& t : *it)
      if (t.is_string()) out.insert(t.get<std::string>());
  return out;
}

std::set<std::string> missing_from(const std::set<std::string>& have, const std::set<std::string>& want) {
  std::set<std::string> out;
  std::set_difference(want.begin(), want.end(), have.begin(), have.end(), std::inserter(out, out.end()));
  return out;
}

}  // namespace

OciTagList read_oci_tags(MirrorStore& store) {
  auto doc = read_tag_document(store);
  return {doc.value("name", std::string()), tags_of(doc)};
}

namespace {

void write_tag_list(MirrorStore& store, const Json& doc, const std::set<std::string>& tags,
                    const std::string& repository) {
  Json list = Json::object();
  list["name"] = doc.contains("name") ? doc["name"].get<std::string>() : repository;
  list["tags"] = Json::array();
  for (const auto& t : tags) list["tags"].push_back(t);
  put_bytes(store, kOciTagList, dump_compact(list), {.content_type = "application/json"});
}

}  // namespace

void ensure_oci_tags(MirrorStore& store, const std::set<std::string>& tags, const std::string& repository) {
  auto doc = read_tag_document(store);
  auto have = tags_of(doc);
  if (missing_from(have, tags).empty()) return;
  have.insert(tags.begin(), tags.end());
  write_tag_list(store, doc, have, repository);
  if (auto still = missing_from(read_oci_tags(store).tags, tags); !still.empty())
    throw Error(store.url() + ": " + kOciTagList + ": after publishing, " + std::to_string(still.size()) +
                " tag(s) are still missing, e.g. '" + *still.begin() + "'");
}

void drop_oci_tags(MirrorStore& store, const std::set<std::string>& tags) {
  auto doc = read_tag_document(store);
  auto have = tags_of(doc);
  const auto keep = missing_from(tags, have);  // the tags of `have` not in `tags`
  if (keep.size() == have.size()) return;
  write_tag_list(store, doc, keep, {});
}

}  // namespace spackext::buildcache
