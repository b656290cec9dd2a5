#include "spackext/spack/spec_format.hpp"

#include "spackext/errors.hpp"

namespace spackext::spack {

namespace {

std::string token_value(const ConcreteSpec& spec, std::string token, const SpecFormatOptions& options,
                        const std::string& fmt) {
  // Sigils: `@` and `/` are printed before the value, `%` before compilers.
  std::string sigil;
  if (!token.empty() && (token[0] == '@' || token[0] == '/' || token[0] == '%')) {
    sigil = token.substr(0, 1);
    token.erase(0, 1);
  }
  std::size_t length = std::string::npos;
  if (auto colon = token.find(':'); colon != std::string::npos) {
    try {
      length = std::stoul(token.substr(colon + 1));
    } catch (const std::exception&) {
      throw InputError(fmt, "bad length in token {" + token + "}");
    }
    token.erase(colon);
  }
  const std::string compiler_name = spec.compiler ? spec.compiler->name : "none";
  const std::string compiler_version = spec.compiler ? spec.compiler->version : "none";
  std::string value;
  if (token == "name" || token == "package") value = spec.name;
  else if (token == "version") value = spec.version;
  else if (token == "hash") value = spec.hash.substr(0, length);
  else if (token == "namespace") value = spec.namespace_name;
  else if (token == "compiler") value = compiler_name + (spec.compiler ? "@" + compiler_version : "");
  else if (token == "compiler.name" || token == "compilername") value = compiler_name;
  else if (token == "compiler.version" || token == "compilerver") value = compiler_version;
  else if (token == "architecture") value = spec.arch.platform + "-" + spec.arch.os + "-" + spec.arch.target;
  else if (token == "architecture.platform" || token == "platform") value = spec.arch.platform;
  else if (token == "architecture.os" || token == "os") value = spec.arch.os;
  else if (token == "architecture.target" || token == "target") value = spec.arch.target;
  else if (token == "prefix") value = options.prefix;
  else throw InputError(fmt, "unknown token {" + sigil + token + "} in spec format");
  if (options.transform) value = options.transform(value);
  return value.empty() ? value : sigil + value;
}

}  // namespace

std::string format_spec(const ConcreteSpec& spec, const std::string& fmt, const SpecFormatOptions& options) {
  std::string out;
  out.reserve(fmt.size() + 32);
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c == '\\' && i + 1 < fmt.size()) {  // Spack escapes braces with a backslash
      out += fmt[++i];
    } else if (c == '{') {
      auto close = fmt.find('}', i);
      if (close == std::string::npos) throw InputError(fmt, "unclosed '{' in spec format");
      out += token_value(spec, fmt.substr(i + 1, close - i - 1), options, fmt);
      i = close;
    } else if (c == '}') {
      throw InputError(fmt, "unmatched '}' in spec format");
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace spackext::spack
