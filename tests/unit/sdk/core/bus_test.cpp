#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "spackext/bus.hpp"

namespace {

using spackext::Bus;
using spackext::Delivery;
using spackext::Event;
using nlohmann::json;

TEST(TopicMatching, Rules) {
  using spackext::topic_matches;
  EXPECT_TRUE(topic_matches("deploy.stage.finished", "deploy.stage.finished"));
  EXPECT_FALSE(topic_matches("deploy.stage.finished", "deploy.stage"));
  EXPECT_FALSE(topic_matches("deploy.stage", "deploy.stage.finished"));
  EXPECT_TRUE(topic_matches("deploy.*.finished", "deploy.stage.finished"));
  EXPECT_FALSE(topic_matches("deploy.*.finished", "deploy.stage.started"));
  EXPECT_FALSE(topic_matches("deploy.*", "deploy.stage.finished"));
  EXPECT_TRUE(topic_matches("deploy.**", "deploy.stage.finished"));
  EXPECT_TRUE(topic_matches("deploy.**", "deploy.x"));
  EXPECT_FALSE(topic_matches("deploy.**", "deploy"));
  EXPECT_FALSE(topic_matches("deploy.**", "deployment.x"));
  EXPECT_TRUE(topic_matches("**", "anything.at.all"));
  EXPECT_TRUE(topic_matches("*", "single"));
  EXPECT_FALSE(topic_matches("*", "two.parts"));
}

TEST(Bus, DeliversInSubscriptionOrderWithPayloadAndSource) {
  Bus bus;
  std::vector<std::string> seen;
  bus.subscribe("a.b", [&](const Event& e) { seen.push_back("first:" + e.payload()["n"].dump()); });
  bus.subscribe("a.*", [&](const Event& e) { seen.push_back("second:" + std::string(e.source())); });
  bus.subscribe("x.y", [&](const Event&) { seen.push_back("never"); });
  bus.publish("a.b", json{{"n", 1}}, "tester");
  EXPECT_EQ(seen, (std::vector<std::string>{"first:1", "second:tester"}));
}

TEST(Bus, EveryEventOfOnePublishHasTheSameTimestamp) {
  Bus bus;
  std::vector<spackext::Clock::time_point> times;
  for (int i = 0; i < 3; ++i) bus.subscribe("t", [&](const Event& e) { times.push_back(e.time()); });
  bus.publish("t", json::object());
  ASSERT_EQ(times.size(), 3u);
  EXPECT_EQ(times[0], times[1]);
  EXPECT_EQ(times[1], times[2]);
  auto j = Event("t", "s", json::object(), times[0]).to_json();
  EXPECT_EQ(j["topic"], "t");
  EXPECT_EQ(j["time"].get<std::string>().size(), std::string("2026-11-21T05:35:23.776849Z").size());
}

TEST(Bus, ThrowingSubscriberIsIsolated) {
  Bus bus;
  int after = 0;
  bus.subscribe("t", [](const Event&) { throw std::runtime_error("boom"); });
  bus.subscribe("t", [](const Event&) { throw 42; });
  bus.subscribe("t", [&](const Event&) { ++after; });
  bus.publish("t", json::object());
  bus.publish("t", json::object());
  EXPECT_EQ(after, 2);
  EXPECT_EQ(bus.subscriber_failures(), 4u);
}

TEST(Bus, UnsubscribeStopsDeliveryEvenThroughACachedTopic) {
  Bus bus;
  int n = 0;
  auto topic = bus.topic("cached.topic");
  auto id = bus.subscribe("cached.*", [&](const Event&) { ++n; });
  bus.publish(topic, json::object());
  bus.unsubscribe(id);
  bus.publish(topic, json::object());
  EXPECT_EQ(n, 1);
  bus.subscribe("cached.topic", [&](const Event&) { n += 10; });  // new subscriber seen by the old handle
  bus.publish(topic, json::object());
  EXPECT_EQ(n, 11);
}

TEST(Bus, HasSubscribersFollowsSubscribeAndUnsubscribe) {
  Bus bus;
  auto topic = bus.topic("mirror.object.listed");
  EXPECT_FALSE(bus.has_subscribers(topic));
  EXPECT_FALSE(bus.has_subscribers(Bus::Topic()));
  bus.subscribe("deploy.**", [](const Event&) {});
  EXPECT_FALSE(bus.has_subscribers(topic));
  auto id = bus.subscribe("mirror.**", [](const Event&) {});
  EXPECT_TRUE(bus.has_subscribers(topic));
  bus.unsubscribe(id);
  EXPECT_FALSE(bus.has_subscribers(topic));
}

TEST(Bus, UnsubscribeOwnedByDropsOnlyThatOwner) {
  Bus bus;
  int a = 0, b = 0;
  bus.subscribe("t", [&](const Event&) { ++a; }, Delivery::sync, "plugin-a");
  bus.subscribe("t", [&](const Event&) { ++b; }, Delivery::sync, "plugin-b");
  bus.unsubscribe_owned_by("plugin-a");
  bus.publish("t", json::object());
  EXPECT_EQ(a, 0);
  EXPECT_EQ(b, 1);
}

TEST(Bus, QueuedSubscriberGetsEveryEventInOrderOnAnotherThread) {
  Bus bus;
  std::vector<int> got;
  std::thread::id worker;
  bus.subscribe("q.*", [&](const Event& e) {
    worker = std::this_thread::get_id();
    got.push_back(e.payload()["i"].get<int>());
  }, Delivery::queued);
  for (int i = 0; i < 1000; ++i) bus.publish("q.item", json{{"i", i}});
  bus.flush();
  ASSERT_EQ(got.size(), 1000u);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(got[i], i);
  EXPECT_NE(worker, std::this_thread::get_id());
}

TEST(Bus, QueuedDeliveryDoesNotBlockThePublisher) {
  Bus bus;
  std::atomic<bool> release{false};
  std::atomic<int> handled{0};
  bus.subscribe("slow", [&](const Event&) {
    while (!release.load()) std::this_thread::yield();
    ++handled;
  }, Delivery::queued);
  int sync_seen = 0;
  bus.subscribe("slow", [&](const Event&) { ++sync_seen; });
  for (int i = 0; i < 5; ++i) bus.publish("slow", json::object());  // returns although the queued one is stuck
  EXPECT_EQ(sync_seen, 5);
  release = true;
  bus.flush();
  EXPECT_EQ(handled.load(), 5);
}

TEST(Bus, ThrowingQueuedSubscriberIsIsolated) {
  Bus bus;
  int ok = 0;
  bus.subscribe("t", [](const Event&) { throw std::runtime_error("queued boom"); }, Delivery::queued);
  bus.subscribe("t", [&](const Event&) { ++ok; }, Delivery::queued);
  for (int i = 0; i < 3; ++i) bus.publish("t", json::object());
  bus.flush();
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(bus.subscriber_failures(), 3u);
}

TEST(Bus, CloseDrainsQueuesAndStopsDelivery) {
  Bus bus;
  int n = 0;
  bus.subscribe("t", [&](const Event&) { ++n; }, Delivery::queued);
  for (int i = 0; i < 10; ++i) bus.publish("t", json::object());
  bus.close();
  EXPECT_EQ(n, 10);
  bus.publish("t", json::object());
  EXPECT_EQ(n, 10);
}

TEST(Bus, ConcurrentPublishersAreSafe) {
  Bus bus;
  std::atomic<int> n{0};
  bus.subscribe("p.*", [&](const Event&) { n.fetch_add(1); });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      auto topic = bus.topic("p." + std::to_string(t % 2));
      for (int i = 0; i < 10000; ++i) bus.publish(topic, json::object());
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(n.load(), 40000);
}

}  // namespace
