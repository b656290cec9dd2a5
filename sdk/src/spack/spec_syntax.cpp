// A hand-written lexer and recursive parser for Spack's spec grammar. The
// token rules and their order follow Spack 1.x's SpecTokens (the first rule
// that matches at a position wins, as with Spack's joined regex), so strings
// Spack accepts are accepted here and the same text is an error in both.
#include "spackext/spack/spec_syntax.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

namespace spackext::spack {

SpecSyntaxError::SpecSyntaxError(std::string problem, std::string text, int column)
    : InputError("", "invalid spec '" + text + "' at column " + std::to_string(column) + ": " + problem),
      problem_(std::move(problem)), text_(std::move(text)), column_(column) {}

namespace {

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool ident_char(char c) { return word_char(c) || c == '-'; }
bool name_char(char c) { return ident_char(c) || c == '.'; }
bool space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool value_char(char c) {
  return word_char(c) || std::string_view("-+*.,:=%^~/\\").find(c) != std::string_view::npos;
}

enum class Tok {
  StartEdge,      // ^[  %[  %%[
  EndEdge,        // ]  (optionally followed by a virtual assignment)
  Dependency,     // ^  %  %%  (optionally followed by a virtual assignment)
  Version,        // @...  (value: the text after @, whitespace removed)
  BoolVariant,    // +x ~x -x
  PropBoolVariant,  // ++x ~~x --x
  KeyValue,       // k=v  k:=v
  PropKeyValue,   // k==v k:==v
  QualifiedName,  // ns.name
  Name,           // name or *
  DagHash,        // /hash
};

struct Token {
  Tok kind;
  std::string value;
  std::size_t start = 0, end = 0;
  // Virtual assignment carried by Dependency/EndEdge: "c,cxx=gcc".
  std::vector<std::string> virtuals;
  std::string substitute;
  std::size_t substitute_start = 0;
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) : s_(text) {}

  std::vector<Token> tokens() {
    std::vector<Token> out;
    std::size_t i = 0;
    while (true) {
      while (i < s_.size() && space(s_[i])) ++i;
      if (i >= s_.size()) break;
      Token t = next(i);
      i = t.end;
      out.push_back(std::move(t));
    }
    return out;
  }

 private:
  [[noreturn]] void fail(const std::string& problem, std::size_t at) const {
    throw SpecSyntaxError(problem, std::string(s_), static_cast<int>(at) + 1);
  }

  std::size_t identifier(std::size_t i) const {
    if (i >= s_.size() || !word_char(s_[i])) return i;
    while (i < s_.size() && ident_char(s_[i])) ++i;
    return i;
  }
  std::size_t name(std::size_t i) const {
    if (i >= s_.size() || !word_char(s_[i])) return i;
    while (i < s_.size() && name_char(s_[i])) ++i;
    return i;
  }
  // DOTTED_IDENTIFIER: ident(.ident)+ ; returns i when there is no dot part.
  std::size_t dotted(std::size_t i) const {
    std::size_t end = identifier(i);
    if (end == i) return i;
    std::size_t parts = 0;
    while (end < s_.size() && s_[end] == '.') {
      std::size_t next = identifier(end + 1);
      if (next == end + 1) break;
      end = next;
      ++parts;
    }
    return parts ? end : i;
  }
  // A version: `=?[A-Za-z0-9_][A-Za-z0-9_.-]*` ending at a word boundary.
  std::size_t version(std::size_t i) const {
    std::size_t p = i;
    if (p < s_.size() && s_[p] == '=') ++p;
    if (p >= s_.size() || !word_char(s_[p])) return i;
    std::size_t end = p;
    while (end < s_.size() && name_char(s_[end])) ++end;
    while (end > p && !word_char(s_[end - 1])) --end;  // the regex's trailing \b
    return end;
  }
  // VERSION_RANGE | VERSION
  std::size_t version_item(std::size_t i) const {
    std::size_t low = version(i);
    if (low < s_.size() && s_[low] == ':') {
      std::size_t high = version(low + 1);
      if (high > low + 1) {
        std::size_t k = high;
        while (k < s_.size() && space(s_[k])) ++k;
        if (k < s_.size() && s_[k] == '=') high = low + 1;  // (?!\s*=): a key=value follows
      }
      return high;
    }
    return low;
  }
  std::size_t version_list(std::size_t i) const {
    std::size_t end = version_item(i);
    if (end == i) return i;
    while (true) {
      std::size_t k = end;
      while (k < s_.size() && space(s_[k])) ++k;
      if (k >= s_.size() || s_[k] != ',') break;
      ++k;
      while (k < s_.size() && space(s_[k])) ++k;
      std::size_t next = version_item(k);
      if (next == k) break;
      end = next;
    }
    return end;
  }
  std::size_t git_ref(std::size_t i) const {
    if (s_.compare(i, 4, "git.") == 0) {
      std::size_t p = i + 4;
      if (p >= s_.size() || !word_char(s_[p])) return i;
      while (p < s_.size() && (name_char(s_[p]) || s_[p] == '/')) ++p;
      return p;
    }
    std::size_t p = i;
    while (p < s_.size() && p - i < 40 && std::isxdigit(static_cast<unsigned char>(s_[p]))) ++p;
    return p - i == 40 ? p : i;
  }
  std::size_t quoted(std::size_t i) const {
    if (i >= s_.size() || (s_[i] != '\'' && s_[i] != '"')) return i;
    char q = s_[i];
    for (std::size_t p = i + 1; p < s_.size(); ++p) {
      if (s_[p] == q && s_[p - 1] != '\\') return p + 1;
    }
    return i;
  }
  // `c,cxx=gcc` after optional whitespace; fills the token, returns the end.
  std::size_t virtual_assignment(std::size_t i, Token& t) const {
    std::size_t p = i;
    while (p < s_.size() && space(s_[p])) ++p;
    std::vector<std::string> virtuals;
    std::size_t q = p;
    while (true) {
      std::size_t e = identifier(q);
      if (e == q) return i;
      virtuals.emplace_back(s_.substr(q, e - q));
      q = e;
      if (q < s_.size() && s_[q] == ',') { ++q; continue; }
      break;
    }
    if (q >= s_.size() || s_[q] != '=') return i;
    std::size_t sub = q + 1;
    std::size_t e = dotted(sub);
    if (e == sub) e = identifier(sub);
    if (e == sub) return i;
    t.virtuals = std::move(virtuals);
    t.substitute = std::string(s_.substr(sub, e - sub));
    t.substitute_start = sub;
    return e;
  }

  Token make(Tok kind, std::size_t start, std::size_t end) const {
    Token t{kind, std::string(s_.substr(start, end - start)), start, end, {}, {}, 0};
    return t;
  }

  Token next(std::size_t i) const {
    const char c = s_[i];
    // Edges.
    if (c == '^' || c == '%') {
      std::size_t p = i + 1;
      if (c == '%' && p < s_.size() && s_[p] == '%') ++p;
      if (p < s_.size() && s_[p] == '[') return make(Tok::StartEdge, i, p + 1);
      Token t = make(Tok::Dependency, i, p);
      t.end = virtual_assignment(p, t);
      t.value = std::string(s_.substr(i, p - i));
      return t;
    }
    if (c == ']') {
      Token t = make(Tok::EndEdge, i, i + 1);
      t.end = virtual_assignment(i + 1, t);
      return t;
    }
    // Versions.
    if (c == '@') {
      std::size_t p = i + 1;
      std::size_t ref = git_ref(p);
      if (ref > p) {
        if (ref < s_.size() && s_[ref] == '=') {
          std::size_t v = version(ref + 1);
          if (v > ref + 1) return make(Tok::Version, i, v);
        }
        return make(Tok::Version, i, ref);
      }
      while (p < s_.size() && space(s_[p])) ++p;
      std::size_t end = version_list(p);
      if (end == p) fail("expected a version or version range after '@'", i);
      return make(Tok::Version, i, end);
    }
    // Variants.
    if ((c == '+' || c == '~' || c == '-') && i + 1 < s_.size() && s_[i + 1] == c) {
      std::size_t p = i + 2;
      while (p < s_.size() && space(s_[p])) ++p;
      std::size_t end = name(p);
      if (end == p) fail(std::string("expected a variant name after '") + c + c + "'", i);
      return make(Tok::PropBoolVariant, i, end);
    }
    if (c == '+' || c == '~' || c == '-') {
      std::size_t p = i + 1;
      while (p < s_.size() && space(s_[p])) ++p;
      std::size_t end = name(p);
      if (end == p) fail(std::string("expected a variant name after '") + c + "'", i);
      return make(Tok::BoolVariant, i, end);
    }
    // key=value (tried before names, as in Spack).
    if (std::size_t n = name(i); n > i && n < s_.size() && (s_[n] == '=' || s_[n] == ':')) {
      std::size_t p = n;
      if (s_[p] == ':') ++p;
      if (p < s_.size() && s_[p] == '=') {
        const bool propagated = p + 1 < s_.size() && s_[p + 1] == '=';
        std::size_t v = p + (propagated ? 2 : 1);
        std::size_t end = quoted(v);
        if (end == v) {
          end = v;
          while (end < s_.size() && value_char(s_[end])) ++end;
        }
        if (end > v) return make(propagated ? Tok::PropKeyValue : Tok::KeyValue, i, end);
        if (v < s_.size() && (s_[v] == '\'' || s_[v] == '"')) fail("unterminated quoted value", v);
        fail("expected a value after '" + std::string(s_.substr(i, v - i)) + "'", i);
      }
    }
    // A spec file (`./x.yaml`) is Spack command-line input, not a spec string.
    if (c == '.' || c == '/' ) {
      std::size_t p = i;
      while (p < s_.size() && (name_char(s_[p]) || s_[p] == '/')) ++p;
      std::string_view word = s_.substr(i, p - i);
      if (word.size() > 5 && (word.ends_with(".json") || word.ends_with(".yaml")))
        fail("a spec file is not accepted here; write the spec itself", i);
    }
    if (std::size_t end = dotted(i); end > i) return make(Tok::QualifiedName, i, end);
    if (std::size_t end = identifier(i); end > i) return make(Tok::Name, i, end);
    if (c == '*') return make(Tok::Name, i, i + 1);
    if (c == '/') {
      std::size_t end = i + 1;
      while (end < s_.size() && word_char(s_[end])) ++end;
      if (end == i + 1) fail("expected a hash after '/'", i);
      return make(Tok::DagHash, i, end);
    }
    fail(std::string("unexpected character '") + c + "'", i);
  }

  std::string_view s_;
};

std::string strip_quotes(const std::string& v) {
  if (v.size() >= 2 && (v.front() == '\'' || v.front() == '"') && v.back() == v.front()) {
    const char q = v.front();
    std::string out;
    for (std::size_t i = 1; i + 1 < v.size(); ++i) {
      if (v[i] == '\\' && v[i + 1] == q && i + 2 < v.size()) continue;
      out += v[i];
    }
    return out;
  }
  return v;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) { out.push_back(cur); cur.clear(); }
    else cur += c;
  }
  out.push_back(cur);
  return out;
}

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens) : text_(text), toks_(std::move(tokens)) {}

  bool done() const { return pos_ >= toks_.size(); }
  // Where the next unread token starts in the text.
  std::size_t offset() const { return done() ? text_.size() : toks_[pos_].start; }

  SpecNode next_spec() {
    const std::size_t before = pos_;
    SpecNode root = node();
    // `^` edges attach to the root; `%` edges to the latest `^` dependency (or the root).
    std::optional<std::size_t> current;  // index into root.dependencies
    while (!done()) {
      const Token& t = toks_[pos_];
      if (t.kind != Tok::StartEdge && t.kind != Tok::Dependency) break;
      SpecEdge edge;
      edge.direct = t.value[0] == '%';
      edge.propagate = t.value.rfind("%%", 0) == 0;
      ++pos_;
      if (t.kind == Tok::StartEdge) {
        edge_attributes(edge);
      } else {
        take_virtuals(t, edge);
      }
      const std::size_t at = pos_;
      SpecNode dep = node();
      if (pos_ == at) fail("the dependency sigil and any edge attributes must be followed by a package name "
                           "or a node attribute (version, variant, ...)", t);
      edge.node.push_back(std::move(dep));
      if (edge.direct) {
        SpecNode& target = current ? root.dependencies[*current].node.front() : root;
        target.dependencies.push_back(std::move(edge));
      } else {
        root.dependencies.push_back(std::move(edge));
        current = root.dependencies.size() - 1;
      }
    }
    if (pos_ == before) fail("unexpected '" + toks_[pos_].value + "'", toks_[pos_]);
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& problem, const Token& t) const {
    throw SpecSyntaxError(problem, std::string(text_), static_cast<int>(t.start) + 1);
  }

  // A virtual assignment (`%c,cxx=gcc`, `]c=gcc`) names the dependency too:
  // its package is put back in front of the stream as a name token.
  void take_virtuals(const Token& t, SpecEdge& edge) {
    if (t.substitute.empty()) return;
    edge.virtuals.insert(edge.virtuals.end(), t.virtuals.begin(), t.virtuals.end());
    Token name{t.substitute.find('.') != std::string::npos ? Tok::QualifiedName : Tok::Name,
               t.substitute, t.substitute_start, t.substitute_start + t.substitute.size(), {}, {}, 0};
    toks_.insert(toks_.begin() + static_cast<std::ptrdiff_t>(pos_), std::move(name));
  }

  void edge_attributes(SpecEdge& edge) {
    while (true) {
      if (done()) throw SpecSyntaxError("unterminated edge attributes: expected ']'", std::string(text_),
                                        static_cast<int>(text_.size()) + 1);
      const Token& t = toks_[pos_];
      if (t.kind == Tok::KeyValue) {
        ++pos_;
        auto eq = t.value.find('=');
        std::string key = t.value.substr(0, eq);
        if (!key.empty() && key.back() == ':') key.pop_back();
        std::string value = strip_quotes(t.value.substr(eq + 1));
        if (key == "virtuals") {
          for (auto& v : split(value, ',')) edge.virtuals.push_back(v);
        } else if (key == "deptypes") {
          static const std::set<std::string> known{"build", "link", "run", "test"};
          for (auto& d : split(value, ',')) {
            if (!known.count(d)) fail("unknown dependency type '" + d + "' (expected build, link, run or test)", t);
            edge.deptypes.push_back(d);
          }
        } else if (key == "when") {
          parse_spec(value);  // must itself be a spec
          edge.when = value;
        } else {
          fail("the only edge attributes accepted are \"deptypes\", \"virtuals\" and \"when\"", t);
        }
      } else if (t.kind == Tok::EndEdge) {
        ++pos_;
        take_virtuals(t, edge);
        return;
      } else {
        fail("unexpected '" + t.value + "' in edge attributes", t);
      }
    }
  }

  SpecNode node() {
    SpecNode n;
    if (done() || toks_[pos_].kind == Tok::Dependency) return n;
    if (toks_[pos_].kind == Tok::Name) {
      if (toks_[pos_].value != "*") n.name = toks_[pos_].value;
      ++pos_;
    } else if (toks_[pos_].kind == Tok::QualifiedName) {
      const std::string& v = toks_[pos_].value;
      auto dot = v.rfind('.');
      n.namespace_ = v.substr(0, dot);
      n.name = v.substr(dot + 1);
      ++pos_;
    }
    bool has_version = false;
    std::set<std::string> seen;
    while (!done()) {
      const Token& t = toks_[pos_];
      switch (t.kind) {
        case Tok::Version: {
          if (has_version) fail("a spec cannot have more than one version", t);
          has_version = true;
          std::string v;
          for (char c : t.value.substr(1)) if (!space(c)) v += c;
          n.versions = parse_version_list(v);
          break;
        }
        case Tok::BoolVariant:
        case Tok::PropBoolVariant: {
          const bool prop = t.kind == Tok::PropBoolVariant;
          std::string name = t.value.substr(prop ? 2 : 1);
          name.erase(0, name.find_first_not_of(" \t\r\n"));
          SpecVariant var{name, t.value[0] == '+' ? "true" : "false", true, prop, false};
          add_variant(n, std::move(var), seen, t);
          break;
        }
        case Tok::KeyValue:
        case Tok::PropKeyValue: {
          const bool prop = t.kind == Tok::PropKeyValue;
          auto eq = t.value.find(prop ? "==" : "=");
          std::string name = t.value.substr(0, eq);
          bool concrete = !name.empty() && name.back() == ':';
          if (concrete) name.pop_back();
          SpecVariant var{name, strip_quotes(t.value.substr(eq + (prop ? 2 : 1))), false, prop, concrete};
          add_variant(n, std::move(var), seen, t);
          break;
        }
        case Tok::DagHash:
          if (!n.hash.empty()) return n;
          n.hash = t.value.substr(1);
          break;
        default:
          return n;
      }
      ++pos_;
    }
    return n;
  }

  void add_variant(SpecNode& n, SpecVariant var, std::set<std::string>& seen, const Token& t) {
    if (!var.is_flag()) {
      if (!seen.insert(var.name).second) fail("variant '" + var.name + "' is given more than once", t);
    }
    n.variants.push_back(std::move(var));
  }

  std::string_view text_;
  std::vector<Token> toks_;
  std::size_t pos_ = 0;
};

// Components of a version for ordering: runs of digits or of letters.
std::vector<std::string> version_components(std::string_view v) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < v.size()) {
    if (std::isdigit(static_cast<unsigned char>(v[i]))) {
      std::size_t j = i;
      while (j < v.size() && std::isdigit(static_cast<unsigned char>(v[j]))) ++j;
      out.emplace_back(v.substr(i, j - i));
      i = j;
    } else if (std::isalpha(static_cast<unsigned char>(v[i]))) {
      std::size_t j = i;
      while (j < v.size() && std::isalpha(static_cast<unsigned char>(v[j]))) ++j;
      out.emplace_back(v.substr(i, j - i));
      i = j;
    } else {
      ++i;
    }
  }
  return out;
}

bool infinity_word(const std::string& s) {
  return s == "develop" || s == "main" || s == "master" || s == "head" || s == "trunk" || s == "stable";
}

int compare_component(const std::string& a, const std::string& b) {
  const bool an = std::isdigit(static_cast<unsigned char>(a[0])), bn = std::isdigit(static_cast<unsigned char>(b[0]));
  if (an && bn) {
    std::string_view x(a), y(b);
    while (x.size() > 1 && x[0] == '0') x.remove_prefix(1);
    while (y.size() > 1 && y[0] == '0') y.remove_prefix(1);
    if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  const bool ai = !an && infinity_word(a), bi = !bn && infinity_word(b);
  if (ai || bi) {
    if (ai && bi) return a < b ? -1 : (a > b ? 1 : 0);
    return ai ? 1 : -1;
  }
  if (an != bn) return an ? 1 : -1;  // numbers rank above letters
  return a < b ? -1 : (a > b ? 1 : 0);
}

}  // namespace

bool SpecVariant::is_flag() const {
  static const std::set<std::string> flags{"cflags", "cxxflags", "fflags", "cppflags", "ldflags", "ldlibs"};
  return !boolean && flags.count(name) > 0;
}

bool SpecVariant::is_arch() const {
  return !boolean && (name == "target" || name == "os" || name == "platform" || name == "arch" ||
                      name == "architecture");
}

std::string SpecVariant::to_string() const {
  if (boolean) {
    const bool on = value == "true";
    return std::string(propagate ? 2 : 1, on ? '+' : '~') + name;
  }
  static const auto plain = [](const std::string& v) {
    return !v.empty() && std::all_of(v.begin(), v.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || std::string_view(",/_.-[]").find(c) != std::string_view::npos;
    });
  };
  std::string v = plain(value) ? value : (value.find('\'') == std::string::npos ? "'" + value + "'" : "\"" + value + "\"");
  return name + (concrete ? ":" : "") + (propagate ? "==" : "=") + v;
}

std::string VersionConstraint::to_string() const { return range ? low + ":" + high : low; }

const SpecVariant* SpecNode::variant(std::string_view n) const {
  for (const auto& v : variants)
    if (v.name == n) return &v;
  return nullptr;
}

std::string SpecNode::versions_string() const {
  std::string out;
  for (const auto& v : versions) out += (out.empty() ? "" : ",") + v.to_string();
  return out;
}

std::string SpecNode::to_string() const {
  std::string out = namespace_.empty() ? name : namespace_ + "." + name;
  if (!versions.empty()) out += "@" + versions_string();
  for (const auto& v : variants)
    if (v.boolean) out += v.to_string();
  for (const auto& v : variants)
    if (!v.boolean) out += (out.empty() ? "" : " ") + v.to_string();
  if (!hash.empty()) out += (out.empty() ? "/" : " /") + hash;
  for (const auto& e : dependencies) {
    std::string sigil = e.direct ? (e.propagate ? "%%" : "%") : "^";
    std::string attrs;
    if (!e.deptypes.empty()) {
      std::string d;
      for (const auto& t : e.deptypes) d += (d.empty() ? "" : ",") + t;
      attrs += "deptypes=" + d;
    }
    if (!e.virtuals.empty()) {
      std::string d;
      for (const auto& t : e.virtuals) d += (d.empty() ? "" : ",") + t;
      attrs += (attrs.empty() ? "" : " ") + std::string("virtuals=") + d;
    }
    if (!e.when.empty()) attrs += (attrs.empty() ? "" : " ") + std::string("when='") + e.when + "'";
    out += (out.empty() ? "" : " ") + sigil + (attrs.empty() ? "" : "[" + attrs + "] ") + e.target().to_string();
  }
  return out;
}

std::vector<SpecNode> parse_specs(std::string_view text) {
  Parser parser(text, Lexer(text).tokens());
  std::vector<SpecNode> specs;
  while (!parser.done()) specs.push_back(parser.next_spec());
  return specs;
}

SpecNode parse_spec(std::string_view text) {
  auto tokens = Lexer(text).tokens();
  if (tokens.empty()) throw SpecSyntaxError("expected a spec, got nothing", std::string(text), 1);
  Parser parser(text, tokens);
  SpecNode spec = parser.next_spec();
  if (!parser.done()) {
    throw SpecSyntaxError("expected a single spec, but a second one starts here", std::string(text),
                          static_cast<int>(parser.offset()) + 1);
  }
  return spec;
}

std::vector<VersionConstraint> parse_version_list(std::string_view text) {
  std::vector<VersionConstraint> out;
  for (const auto& item : split(std::string(text), ',')) {
    if (item.empty()) throw SpecSyntaxError("empty item in version list", std::string(text), 1);
    VersionConstraint c;
    auto colon = item.find(':');
    // `git.ref=1.0` pairs contain '=' but no range colon
    if (colon != std::string::npos) {
      c.range = true;
      c.low = item.substr(0, colon);
      c.high = item.substr(colon + 1);
    } else {
      c.low = item;
    }
    out.push_back(std::move(c));
  }
  return out;
}

int compare_versions(std::string_view a, std::string_view b) {
  if (!a.empty() && a[0] == '=') a.remove_prefix(1);
  if (!b.empty() && b[0] == '=') b.remove_prefix(1);
  auto x = version_components(a), y = version_components(b);
  for (std::size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
    int c = compare_component(x[i], y[i]);
    if (c != 0) return c;
  }
  if (x.size() == y.size()) return 0;
  return x.size() < y.size() ? -1 : 1;
}

bool version_within(std::string_view version, std::string_view prefix) {
  auto v = version_components(version), p = version_components(prefix);
  if (p.size() > v.size()) return false;
  for (std::size_t i = 0; i < p.size(); ++i)
    if (compare_component(v[i], p[i]) != 0) return false;
  return true;
}

}  // namespace spackext::spack
