// JSON written by users and other tools: each way it can be wrong is an
// InputError naming the file (and line), never a parser exception.
#include <gtest/gtest.h>

#include <fstream>

#include <spackext/errors.hpp>
#include <spackext/json_input.hpp>
#include <spackext_testing/testing.hpp>

namespace spackext {
namespace {

namespace fs = std::filesystem;
using spackext::testing::TempDir;

// The message of the InputError `read` throws ("" if none).
template <class Fn>
std::string input_error(Fn&& read) {
  try {
    read();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

fs::path write(const TempDir& dir, const std::string& name, const std::string& text) {
  const auto p = dir.path() / name;
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

TEST(JsonInput, ReadsAFile) {
  TempDir tmp;
  const auto doc = read_json_file(write(tmp, "a.json", R"({"nodes": [1, 2]})"), "a graph");
  EXPECT_EQ(doc["nodes"].size(), 2u);
}

TEST(JsonInput, MalformedTextNamesTheLineAndWhatWasExpected) {
  TempDir tmp;
  const auto p = write(tmp, "lock.json", "{\n  \"_meta\": {\n  oops\n}");
  const auto e = input_error([&] { read_json_file(p, "a Spack lockfile"); });
  EXPECT_NE(e.find(p.string() + ":3: not valid JSON (expected a Spack lockfile)"), std::string::npos) << e;
  const auto t = input_error([] { parse_json_input("[1,\n2,\n", "bundle.tar:manifest.json", "a bundle manifest"); });
  EXPECT_NE(t.find("bundle.tar:manifest.json:3: not valid JSON"), std::string::npos) << t;
}

TEST(JsonInput, ANumberBeyondADoubleIsAnInputError) {
  // nlohmann reports it as out_of_range, not as a parse error (libFuzzer found it).
  TempDir tmp;
  const auto p = write(tmp, "db.json", R"({"microarchitectures": {"x": {"generation": 1e9999}}})");
  for (const auto& e : {input_error([&] { read_json_file(p, "a database"); }),
                        input_error([&] { read_ordered_json_file(p, "a database"); }),
                        input_error([] { parse_json_input("[22222e2222]", "m.json", "a manifest"); })})
    EXPECT_NE(e.find("a number out of range"), std::string::npos) << e;
}

TEST(JsonInput, AMissingFileOrAFolderIsNamed) {
  TempDir tmp;
  auto e = input_error([&] { read_json_file(tmp.path() / "absent.json", "a graph"); });
  EXPECT_NE(e.find("absent.json: no such file (expected a graph)"), std::string::npos) << e;
  e = input_error([&] { read_json_file(tmp.path(), "a graph"); });
  EXPECT_NE(e.find("is a directory"), std::string::npos) << e;
}

TEST(JsonInput, TheOrderedReadKeepsTheFilesKeyOrder) {
  TempDir tmp;
  const auto doc = read_ordered_json_file(write(tmp, "o.json", R"({"zen": 1, "apple": 2, "m": 3})"), "a database");
  std::vector<std::string> keys;
  for (const auto& [k, v] : doc.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"zen", "apple", "m"}));
}

}  // namespace
}  // namespace spackext
