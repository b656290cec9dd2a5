#include "spackext/bus.hpp"

#include <condition_variable>
#include <deque>
#include <thread>

#include <spdlog/spdlog.h>

namespace spackext {

bool topic_matches(std::string_view pattern, std::string_view topic) noexcept {
  while (true) {
    auto pdot = pattern.find('.');
    std::string_view pseg = pattern.substr(0, pdot);
    if (pseg == "**") return !topic.empty();  // one or more remaining segments
    auto tdot = topic.find('.');
    std::string_view tseg = topic.substr(0, tdot);
    if (topic.empty() || (pseg != "*" && pseg != tseg)) return false;
    bool plast = pdot == std::string_view::npos, tlast = tdot == std::string_view::npos;
    if (plast || tlast) return plast && tlast;
    pattern.remove_prefix(pdot + 1);
    topic.remove_prefix(tdot + 1);
  }
}

struct Bus::Queue {
  std::mutex mutex;
  std::condition_variable wake;
  std::condition_variable drained;
  std::deque<OwnedEvent> items;
  bool busy = false;
  bool stop = false;
  std::thread worker;
};

struct Bus::Subscriber {
  SubscriptionId id;
  std::string pattern;
  EventHandler handler;
  Delivery delivery;
  std::string owner;
  std::atomic<bool> active{true};
  std::unique_ptr<Queue> queue;
};

// Per-topic cache of the matching subscribers. A snapshot is rebuilt when the
// subscription set changed (generation); old snapshots stay alive until the
// bus dies, so a publisher on another thread never reads freed memory.
struct Bus::Topic::State {
  struct Snapshot {
    std::uint64_t generation;
    std::vector<Subscriber*> subscribers;
  };
  std::string name;
  std::atomic<const Snapshot*> current{nullptr};
  std::vector<std::unique_ptr<Snapshot>> history;  // guarded by Bus::mutex_
};

const std::string& Bus::Topic::name() const {
  static const std::string empty;
  return state_ ? state_->name : empty;
}

Bus::Bus(std::shared_ptr<spdlog::logger> logger) : logger_(std::move(logger)) {}

Bus::~Bus() { close(); }

SubscriptionId Bus::subscribe(std::string pattern, EventHandler handler, Delivery delivery,
                              std::string owner) {
  auto s = std::make_unique<Subscriber>();
  s->pattern = std::move(pattern);
  s->handler = std::move(handler);
  s->delivery = delivery;
  s->owner = std::move(owner);
  Subscriber* raw = s.get();
  if (delivery == Delivery::queued) {
    s->queue = std::make_unique<Queue>();
    Queue* q = s->queue.get();
    q->worker = std::thread([this, raw, q] {
      std::unique_lock lock(q->mutex);
      while (true) {
        q->wake.wait(lock, [q] { return q->stop || !q->items.empty(); });
        if (q->items.empty()) break;  // stop requested and nothing left
        OwnedEvent ev = std::move(q->items.front());
        q->items.pop_front();
        q->busy = true;
        lock.unlock();
        if (raw->active.load(std::memory_order_acquire)) {
          Event view = ev.view();
          try {
            raw->handler(view);
          } catch (const std::exception& e) {
            failures_.fetch_add(1);
            (logger_ ? logger_ : spdlog::default_logger())
                ->error("event subscriber '{}' (owner {}) failed on {}: {}", raw->pattern,
                        raw->owner.empty() ? "host" : raw->owner, ev.topic, e.what());
          } catch (...) {
            failures_.fetch_add(1);
          }
        }
        lock.lock();
        q->busy = false;
        if (q->items.empty()) q->drained.notify_all();
      }
      q->drained.notify_all();
    });
  }
  std::lock_guard lock(mutex_);
  s->id = next_id_++;
  subscribers_.push_back(std::move(s));
  generation_.fetch_add(1, std::memory_order_acq_rel);
  return raw->id;
}

void Bus::unsubscribe(SubscriptionId id) {
  std::lock_guard lock(mutex_);
  for (auto& s : subscribers_)
    if (s->id == id) s->active.store(false, std::memory_order_release);
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

void Bus::unsubscribe_owned_by(std::string_view owner) {
  std::lock_guard lock(mutex_);
  for (auto& s : subscribers_)
    if (s->owner == owner) s->active.store(false, std::memory_order_release);
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

Bus::Topic Bus::topic(std::string_view name) {
  std::lock_guard lock(mutex_);
  auto it = topics_.find(std::string(name));
  if (it == topics_.end()) {
    auto state = std::make_unique<Topic::State>();
    state->name = std::string(name);
    it = topics_.emplace(state->name, std::move(state)).first;
  }
  return Topic(it->second.get());
}

const std::vector<Bus::Subscriber*>& Bus::subscribers_for(Topic::State& t) {
  const auto* snap = t.current.load(std::memory_order_acquire);
  if (snap && snap->generation == generation_.load(std::memory_order_acquire))
    return snap->subscribers;
  std::lock_guard lock(mutex_);
  auto fresh = std::make_unique<Topic::State::Snapshot>();
  fresh->generation = generation_.load(std::memory_order_acquire);
  for (auto& s : subscribers_)
    if (s->active.load(std::memory_order_relaxed) && topic_matches(s->pattern, t.name))
      fresh->subscribers.push_back(s.get());
  t.current.store(fresh.get(), std::memory_order_release);
  t.history.push_back(std::move(fresh));
  return t.history.back()->subscribers;
}

void Bus::deliver(Subscriber& s, const Event& e) {
  if (s.delivery == Delivery::queued) {
    {
      std::lock_guard lock(s.queue->mutex);
      if (s.queue->stop) return;
      s.queue->items.push_back(
          OwnedEvent{std::string(e.topic()), std::string(e.source()), e.payload(), e.time()});
    }
    s.queue->wake.notify_one();
    return;
  }
  try {
    s.handler(e);
  } catch (const std::exception& ex) {
    failures_.fetch_add(1, std::memory_order_relaxed);
    (logger_ ? logger_ : spdlog::default_logger())
        ->error("event subscriber '{}' (owner {}) failed on {}: {}", s.pattern,
                s.owner.empty() ? "host" : s.owner, e.topic(), ex.what());
  } catch (...) {
    failures_.fetch_add(1, std::memory_order_relaxed);
    (logger_ ? logger_ : spdlog::default_logger())
        ->error("event subscriber '{}' failed on {} with a non-standard exception", s.pattern,
                e.topic());
  }
}

void Bus::publish(const Topic& topic, const nlohmann::json& payload, std::string_view source) {
  if (!topic.state_) return;
  const auto& subs = subscribers_for(*topic.state_);
  if (subs.empty()) return;
  Event e(topic.state_->name, source, payload);
  for (Subscriber* s : subs)
    if (s->active.load(std::memory_order_relaxed)) deliver(*s, e);
}

bool Bus::has_subscribers(const Topic& topic) {
  return topic.state_ && !subscribers_for(*topic.state_).empty();
}

void Bus::publish(std::string_view topic_name, const nlohmann::json& payload,
                  std::string_view source) {
  publish(topic(topic_name), payload, source);
}

void Bus::flush() {
  std::vector<Queue*> queues;
  {
    std::lock_guard lock(mutex_);
    for (auto& s : subscribers_)
      if (s->queue) queues.push_back(s->queue.get());
  }
  for (Queue* q : queues) {
    std::unique_lock lock(q->mutex);
    q->drained.wait(lock, [q] { return (q->items.empty() && !q->busy) || !q->worker.joinable(); });
  }
}

void Bus::close() {
  flush();
  std::vector<std::unique_ptr<Subscriber>> doomed;
  {
    std::lock_guard lock(mutex_);
    for (auto& s : subscribers_) s->active.store(false, std::memory_order_release);
    generation_.fetch_add(1, std::memory_order_acq_rel);
  }
  for (auto& s : subscribers_) {
    if (!s->queue) continue;
    {
      std::lock_guard lock(s->queue->mutex);
      s->queue->stop = true;
    }
    s->queue->wake.notify_all();
    if (s->queue->worker.joinable()) s->queue->worker.join();
  }
  std::lock_guard lock(mutex_);
  // Handlers (and what they captured) are destroyed now, before any plugin
  // library could be released; the Subscriber shells stay for stale snapshots.
  for (auto& s : subscribers_) s->handler = nullptr;
}

}  // namespace spackext
