#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "spackext/registry.hpp"
#include "spackext/services/mirror.hpp"

namespace {

using spackext::Registry;

struct Thing : spackext::Service {
  static constexpr const char* kKind = "thing";
  explicit Thing(int id, int* destroyed = nullptr) : id(id), destroyed(destroyed) {}
  ~Thing() override {
    if (destroyed) *destroyed += 1;
  }
  int id;
  int* destroyed;
};

struct Other : spackext::Service {
  static constexpr const char* kKind = "other";
};

// Records what the registry asked to load and can register on demand.
struct FakeResolver : spackext::ServiceResolver {
  Registry* registry = nullptr;
  std::vector<std::string> asked;
  bool load_service(std::string_view kind, std::string_view name) override {
    asked.push_back(std::string(kind) + ":" + std::string(name));
    if (name == "lazy") {
      registry->add<Thing>("lazy", std::make_shared<Thing>(42));
      return true;
    }
    return false;
  }
  void load_kind(std::string_view kind) override { asked.push_back("kind:" + std::string(kind)); }
  std::vector<std::string> declared(std::string_view) const override { return {"declared-elsewhere"}; }
};

TEST(Registry, FindsByKindAndName) {
  Registry r;
  r.add<Thing>("a", std::make_shared<Thing>(1));
  r.add<Other>("a", std::make_shared<Other>());
  ASSERT_TRUE(r.find<Thing>("a"));
  EXPECT_EQ(r.find<Thing>("a")->id, 1);
  EXPECT_FALSE(r.find<Thing>("b"));
  EXPECT_TRUE(r.find<Other>("a"));
}

TEST(Registry, HighestPriorityWinsAndAllIsOrdered) {
  Registry r;
  r.add<Thing>("x", std::make_shared<Thing>(1), {.priority = 0});
  r.add<Thing>("x", std::make_shared<Thing>(2), {.priority = 10});
  r.add<Thing>("y", std::make_shared<Thing>(3), {.priority = 5});
  EXPECT_EQ(r.get<Thing>("x")->id, 2);
  auto all = r.all<Thing>();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]->id, 2);
  EXPECT_EQ(all[1]->id, 3);
  EXPECT_EQ(all[2]->id, 1);
}

TEST(Registry, AliasesAnswerLookups) {
  Registry r;
  r.add<Thing>("oci", std::make_shared<Thing>(7), {.aliases = {"oci+http"}});
  EXPECT_EQ(r.get<Thing>("oci+http")->id, 7);
}

TEST(Registry, MissingServiceNamesWhatIsInstalled) {
  Registry r;
  FakeResolver resolver;
  resolver.registry = &r;
  r.set_resolver(&resolver);
  r.add<Thing>("present", std::make_shared<Thing>(1));
  try {
    r.get<Thing>("absent");
    FAIL();
  } catch (const spackext::ServiceNotFound& e) {
    EXPECT_STREQ(e.what(),
                 "no thing service named 'absent' is installed; installed thing services: declared-elsewhere, present");
  }
  r.set_resolver(nullptr);
  Registry empty;
  try {
    empty.get<Other>("z");
    FAIL();
  } catch (const spackext::ServiceNotFound& e) {
    EXPECT_STREQ(e.what(), "no other service named 'z' is installed (no plugin provides any other service)");
  }
}

TEST(Registry, MissAsksTheResolverThenRetries) {
  Registry r;
  FakeResolver resolver;
  resolver.registry = &r;
  r.set_resolver(&resolver);
  EXPECT_EQ(r.get<Thing>("lazy")->id, 42);
  EXPECT_EQ(resolver.asked, (std::vector<std::string>{"thing:lazy"}));
  r.get<Thing>("lazy");  // now registered: no second ask
  EXPECT_EQ(resolver.asked.size(), 1u);
  r.all<Thing>();
  EXPECT_EQ(resolver.asked.back(), "kind:thing");
  r.set_resolver(nullptr);
}

TEST(Registry, RecordsOwnersAndRemovesWhatAPluginAdded) {
  Registry r;
  int destroyed = 0;
  r.for_plugin("p1", "1.2.3")->add<Thing>("a", std::make_shared<Thing>(1, &destroyed));
  r.for_plugin("p2", "0.1.0")->add<Thing>("b", std::make_shared<Thing>(2, &destroyed));
  auto infos = r.list("thing");
  ASSERT_EQ(infos.size(), 2u);
  EXPECT_EQ(infos[0].plugin, "p1");
  EXPECT_EQ(infos[0].plugin_version, "1.2.3");
  r.remove_owned_by("p1");
  EXPECT_EQ(destroyed, 1);
  EXPECT_FALSE(r.find<Thing>("a"));
  EXPECT_TRUE(r.find<Thing>("b"));
  r.clear();
  EXPECT_EQ(destroyed, 2);
  EXPECT_EQ(r.size(), 0u);
}

struct Tracked : spackext::Service {
  static constexpr const char* kKind = "tracked";
  Tracked(int id, std::vector<int>& order) : id(id), order(order) {}
  ~Tracked() override { order.push_back(id); }
  int id;
  std::vector<int>& order;
};

TEST(Registry, ClearDestroysNewestFirst) {
  std::vector<int> order;
  {
    Registry r;
    for (int i = 1; i <= 3; ++i) r.add<Tracked>("t" + std::to_string(i), std::make_shared<Tracked>(i, order));
    r.clear();
  }
  EXPECT_EQ(order, (std::vector<int>{3, 2, 1}));
}

TEST(Registry, RejectsNullServices) {
  Registry r;
  EXPECT_THROW(r.add<Thing>("n", std::shared_ptr<Thing>()), spackext::Error);
}

// Another class that claims the kind "thing": what a third-party plugin
// built against a different interface would register.
struct Impostor : spackext::Service {
  static constexpr const char* kKind = "thing";
  int not_an_id = 99;
};

std::string message_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const spackext::Error& e) {
    return e.what();
  }
  return "no exception";
}

TEST(Registry, RefusesAnotherTypeUnderAnExistingKindNamingBothPlugins) {
  Registry r;
  r.for_plugin("first", "1.0.0")->add<Thing>("a", std::make_shared<Thing>(1));
  auto msg = message_of([&] { r.for_plugin("second", "2.0.0")->add<Impostor>("b", std::make_shared<Impostor>()); });
  EXPECT_NE(msg.find("plugin 'second'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("plugin 'first'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("Impostor"), std::string::npos) << msg;
  EXPECT_NE(msg.find("Thing"), std::string::npos) << msg;
  EXPECT_EQ(r.size(), 1u);
}

TEST(Registry, DeclaredKindRefusesAnImpostorThatComesFirst) {
  Registry r;
  r.declare_kind<Thing>();
  auto msg = message_of([&] { r.for_plugin("rogue", "1.0.0")->add<Impostor>("a", std::make_shared<Impostor>()); });
  EXPECT_NE(msg.find("plugin 'rogue'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("the host"), std::string::npos) << msg;
  r.add<Thing>("a", std::make_shared<Thing>(1));
  EXPECT_EQ(r.find<Thing>("a")->id, 1);
}

TEST(Registry, LookupAsAnotherTypeIsAnErrorNotACast) {
  Registry r;
  r.for_plugin("rogue", "1.0.0")->add<Impostor>("a", std::make_shared<Impostor>());
  auto msg = message_of([&] { r.find<Thing>("a"); });
  EXPECT_NE(msg.find("plugin 'rogue'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("not the"), std::string::npos) << msg;
  EXPECT_NE(message_of([&] { r.all<Thing>(); }), "no exception");
}

TEST(Registry, KindIntroducedByARemovedPluginIsFreeAgain) {
  Registry r;
  r.for_plugin("gone", "1.0.0")->add<Impostor>("a", std::make_shared<Impostor>());
  r.remove_owned_by("gone");
  r.for_plugin("real", "1.0.0")->add<Thing>("a", std::make_shared<Thing>(5));
  EXPECT_EQ(r.find<Thing>("a")->id, 5);
}

// A plugin whose register function looks a service up, which lazily loads
// another plugin, then registers more: everything it registered is its own,
// so a failure rolls all of it back. (With one "current owner" global, the
// nested load reset it to the host and the later registration survived.)
struct NestedResolver : spackext::ServiceResolver {
  Registry* root = nullptr;
  bool load_service(std::string_view, std::string_view name) override {
    if (name != "lazy") return false;
    root->for_plugin("inner", "1.0.0")->add<Thing>("lazy", std::make_shared<Thing>(42));
    return true;
  }
  void load_kind(std::string_view) override {}
  std::vector<std::string> declared(std::string_view) const override { return {}; }
};

TEST(Registry, OwnershipSurvivesANestedLazyLoad) {
  Registry r;
  NestedResolver resolver;
  resolver.root = &r;
  r.set_resolver(&resolver);
  auto outer = r.for_plugin("outer", "1.0.0");
  outer->add<Thing>("before", std::make_shared<Thing>(1));
  ASSERT_TRUE(outer->find<Thing>("lazy"));
  outer->add<Thing>("after", std::make_shared<Thing>(2));
  std::map<std::string, std::string> owner;
  for (const auto& info : r.list("thing")) owner[info.name] = info.plugin;
  EXPECT_EQ(owner["before"], "outer");
  EXPECT_EQ(owner["lazy"], "inner");
  EXPECT_EQ(owner["after"], "outer");
  r.remove_owned_by("outer");
  EXPECT_FALSE(r.find<Thing>("after"));
  EXPECT_FALSE(r.find<Thing>("before"));
  EXPECT_TRUE(r.find<Thing>("lazy"));
  r.set_resolver(nullptr);
}

}  // namespace
