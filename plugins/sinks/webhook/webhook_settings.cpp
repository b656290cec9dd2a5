#include "webhook_settings.hpp"

#include <cstdlib>
#include <memory>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "embedded_schema.hpp"
#include "spackext/errors.hpp"

namespace spackext::webhook {
namespace {

const valijson::Schema& schema() {
  static const auto compiled = [] {
    struct Compiled {
      nlohmann::json document;
      valijson::Schema schema;
    };
    auto c = std::make_unique<Compiled>();
    c->document = nlohmann::json::parse(webhook_settings_schema());
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(c->document);
    parser.populateSchema(adapter, c->schema);
    return c;
  }();
  return compiled->schema;
}

// valijson's context (["<root>", "[endpoints]", "[0]", "[url]"]) as a key path.
std::string key_of(const std::vector<std::string>& context, const nlohmann::json& root, const std::string& where) {
  std::string key = where;
  const nlohmann::json* node = &root;
  for (std::size_t i = 1; i < context.size(); ++i) {
    std::string token = context[i].substr(1, context[i].size() - 2);
    if (node && node->is_array()) {
      key += "[" + token + "]";
      auto index = std::stoul(token);
      node = index < node->size() ? &(*node)[index] : nullptr;
    } else {
      key += "." + token;
      node = node && node->is_object() && node->contains(token) ? &(*node)[token] : nullptr;
    }
  }
  return key;
}

std::chrono::milliseconds seconds(const nlohmann::json& v) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(v.get<double>() * 1000.0 + 0.5));
}

}  // namespace

WebhookSettings parse_settings(const nlohmann::json& section, const std::string& where) {
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(section);
  if (!validator.validate(schema(), target, &results)) {
    // The deepest error says the most; wrappers ("Failed to validate ...") repeat it.
    valijson::ValidationResults::Error error, best;
    while (results.popError(error))
      if (best.context.empty() || error.context.size() > best.context.size()) best = error;
    throw InputError(key_of(best.context, section, where), best.description);
  }
  WebhookSettings s;
  if (section.contains("timeout")) s.timeout = seconds(section["timeout"]);
  for (std::size_t i = 0; i < section["endpoints"].size(); ++i) {
    const auto& e = section["endpoints"][i];
    EndpointSettings ep;
    ep.url = e["url"].get<std::string>();
    ep.topics = e["topics"].get<std::vector<std::string>>();
    if (e.contains("request_timeout")) ep.request_timeout = seconds(e["request_timeout"]);
    if (e.contains("max_attempts")) ep.max_attempts = e["max_attempts"].get<int>();
    if (e.contains("backoff")) ep.backoff = seconds(e["backoff"]);
    if (e.contains("queue_size")) ep.queue_size = e["queue_size"].get<std::size_t>();
    if (e.contains("ca_bundle")) ep.ca_bundle = e["ca_bundle"].get<std::string>();
    if (e.contains("secret_env")) {
      ep.secret_env = e["secret_env"].get<std::string>();
      const char* value = std::getenv(ep.secret_env.c_str());
      // A signing endpoint without its key would get unsigned posts it must
      // reject; say so now rather than at every delivery.
      if (!value || !*value)
        throw InputError(where + ".endpoints[" + std::to_string(i) + "].secret_env",
                         "environment variable " + ep.secret_env + " is not set (it holds the signing secret)");
      ep.secret = value;
    }
    s.endpoints.push_back(std::move(ep));
  }
  return s;
}

}  // namespace spackext::webhook
