#include <gtest/gtest.h>

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
  r.set_current_owner("p1", "1.2.3");
  r.add<Thing>("a", std::make_shared<Thing>(1, &destroyed));
  r.set_current_owner("p2", "0.1.0");
  r.add<Thing>("b", std::make_shared<Thing>(2, &destroyed));
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

}  // namespace
