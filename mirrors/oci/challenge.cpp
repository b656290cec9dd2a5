#include "challenge.hpp"

#include <cctype>

namespace spackext::mirrors::oci {

namespace {

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~/").find(c) != std::string_view::npos;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class Scanner {
 public:
  explicit Scanner(const std::string& s) : s_(s) {}
  void skip_space_and_commas() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == ',')) ++i_;
  }
  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }
  bool done() const { return i_ >= s_.size(); }
  std::string token() {
    auto start = i_;
    while (i_ < s_.size() && is_token_char(s_[i_])) ++i_;
    return s_.substr(start, i_ - start);
  }
  bool peek(char c) const { return i_ < s_.size() && s_[i_] == c; }
  void advance() { ++i_; }
  std::size_t pos() const { return i_; }
  void seek(std::size_t p) { i_ = p; }
  std::string value() {
    if (!peek('"')) return token();
    ++i_;
    std::string out;
    while (i_ < s_.size() && s_[i_] != '"') {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
      out += s_[i_++];
    }
    if (i_ < s_.size()) ++i_;  // closing quote
    return out;
  }

 private:
  const std::string& s_;
  std::size_t i_ = 0;
};

}  // namespace

std::string Challenge::param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

std::vector<Challenge> parse_challenges(const std::string& header) {
  std::vector<Challenge> out;
  Scanner sc(header);
  for (;;) {
    sc.skip_space_and_commas();
    if (sc.done()) break;
    auto word = sc.token();
    if (word.empty()) {  // stray character: skip it rather than loop forever
      sc.advance();
      continue;
    }
    sc.skip_space();
    if (sc.peek('=') && !out.empty()) {  // name=value of the current challenge
      sc.advance();
      sc.skip_space();
      out.back().params[lower(word)] = sc.value();
      continue;
    }
    out.push_back(Challenge{lower(word), {}});
  }
  return out;
}

}  // namespace spackext::mirrors::oci
