#include "endpoint_worker.hpp"

#include <algorithm>
#include <random>

#include <spdlog/spdlog.h>

#include "signature.hpp"
#include "spackext/bus.hpp"

namespace spackext::webhook {
namespace {

http::ClientOptions client_options(const EndpointSettings& s) {
  http::ClientOptions o;
  o.ca_bundle = s.ca_bundle;
  o.timeout = s.request_timeout;
  o.connect_timeout = std::min<std::chrono::milliseconds>(s.request_timeout, std::chrono::seconds(15));
  o.max_attempts = 1;  // retries are ours: they must yield to the exit deadline
  o.follow_redirects = false;  // a redirected POST would turn into a GET
  o.user_agent = "spack-ext-webhook";
  if (!s.secret.empty()) o.secrets.push_back(s.secret);
  return o;
}

// A random id per event, the same on every retry, so a receiver can drop
// duplicates (a post that timed out here may have arrived there).
std::string delivery_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 2; ++i) {
    auto v = rng();
    for (int b = 0; b < 16; ++b, v >>= 4) id += hex[v & 15];
  }
  return id;
}

bool permanent_rejection(long status) { return status >= 400 && status < 500 && status != 408 && status != 429; }

}  // namespace

EndpointWorker::EndpointWorker(EndpointSettings settings, std::chrono::milliseconds exit_timeout,
                               std::shared_ptr<spdlog::logger> logger)
    : settings_(std::move(settings)),
      exit_timeout_(exit_timeout),
      logger_(std::move(logger)),
      client_(client_options(settings_)),
      shown_url_(client_.redact(settings_.url)) {
  thread_ = std::thread([this] { run(); });
}

EndpointWorker::~EndpointWorker() {
  if (thread_.joinable()) finish(SteadyClock::now());
}

const std::string* EndpointWorker::first_match(std::string_view topic) const {
  for (const auto& p : settings_.topics)
    if (topic_matches(p, topic)) return &p;
  return nullptr;
}

void EndpointWorker::enqueue(PendingPost delivery) {
  bool first_drop = false;
  {
    std::lock_guard lock(mutex_);
    if (deadline_) return;  // finishing: the bus is being torn down
    if (queue_.size() >= settings_.queue_size) {
      queue_.pop_front();
      first_drop = stats_.dropped++ == 0;
    }
    queue_.push_back(std::move(delivery));
  }
  wake_.notify_one();
  if (first_drop)
    logger_->warn("webhook {}: {} events queued, dropping the oldest (raise queue_size if this endpoint is slow)",
                  shown_url_, settings_.queue_size);
}

void EndpointWorker::request_finish(SteadyClock::time_point deadline) {
  {
    std::lock_guard lock(mutex_);
    if (!deadline_) deadline_ = deadline;
  }
  wake_.notify_all();
}

void EndpointWorker::finish(SteadyClock::time_point deadline) {
  request_finish(deadline);
  if (thread_.joinable()) thread_.join();
  report();
}

DeliveryStats EndpointWorker::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

bool EndpointWorker::past_deadline() const { return deadline_ && SteadyClock::now() >= *deadline_; }

void EndpointWorker::run() {
  for (;;) {
    PendingPost d;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return !queue_.empty() || deadline_; });
      if (queue_.empty()) return;  // finishing, nothing left
      if (past_deadline()) {
        stats_.abandoned += queue_.size();
        queue_.clear();
        return;
      }
      d = std::move(queue_.front());
      queue_.pop_front();
    }
    deliver(d);
  }
}

std::chrono::milliseconds EndpointWorker::attempt_timeout() {
  auto t = std::min(settings_.request_timeout, exit_timeout_);
  std::lock_guard lock(mutex_);
  if (deadline_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline_ - SteadyClock::now());
    t = std::min(t, left);
  }
  return t;
}

bool EndpointWorker::wait_until(SteadyClock::time_point until) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (past_deadline()) return false;
    auto limit = deadline_ ? std::min(until, *deadline_) : until;
    if (SteadyClock::now() >= limit) return !past_deadline();
    wake_.wait_until(lock, limit);  // request_finish() wakes us to shorten the wait
  }
}

void EndpointWorker::deliver(const PendingPost& d) {
  http::Request request;
  request.method = "POST";
  request.url = settings_.url;
  request.headers = {{"Content-Type", "application/json"},
                     {"X-SpackExt-Event", d.topic},
                     {"X-SpackExt-Delivery", delivery_id()}};
  if (!settings_.secret.empty())
    request.headers.emplace_back(kSignatureHeader, "sha256=" + hmac_sha256_hex(settings_.secret, d.body));
  request.body = d.body;

  std::string last_error;
  for (int attempt = 1; attempt <= settings_.max_attempts; ++attempt) {
    auto timeout = attempt_timeout();
    if (timeout.count() <= 0) {
      std::lock_guard lock(mutex_);
      ++stats_.abandoned;
      return;
    }
    request.timeout = timeout;
    std::optional<std::chrono::milliseconds> retry_after;
    {
      std::lock_guard lock(mutex_);
      ++stats_.attempts;
    }
    try {
      auto r = client_.send(request);
      if (r.status >= 200 && r.status < 300) {
        logger_->debug("webhook {}: {} delivered (HTTP {}, attempt {})", shown_url_, d.topic, r.status, attempt);
        std::lock_guard lock(mutex_);
        ++stats_.delivered;
        return;
      }
      if (permanent_rejection(r.status) || (r.status >= 300 && r.status < 400)) {
        logger_->warn("webhook {}: {} rejected with HTTP {}; not retried", shown_url_, d.topic, r.status);
        std::lock_guard lock(mutex_);
        ++stats_.rejected;
        return;
      }
      last_error = "HTTP " + std::to_string(r.status);
      retry_after = http::parse_retry_after(r.header("retry-after"));
    } catch (const http::HttpError& e) {
      last_error = e.what();  // redacted by the client
      if (!e.transient()) {
        logger_->warn("webhook {}: {} not delivered: {}", shown_url_, d.topic, last_error);
        std::lock_guard lock(mutex_);
        ++stats_.failed;
        return;
      }
    }
    logger_->debug("webhook {}: {} attempt {} failed: {}", shown_url_, d.topic, attempt, last_error);
    if (attempt == settings_.max_attempts) break;
    auto delay = http::backoff_delay(attempt, settings_.backoff, settings_.backoff * 64, retry_after);
    if (!wait_until(SteadyClock::now() + delay)) {
      std::lock_guard lock(mutex_);
      ++stats_.abandoned;
      return;
    }
  }
  logger_->warn("webhook {}: {} not delivered after {} attempts: {}", shown_url_, d.topic, settings_.max_attempts,
                last_error);
  std::lock_guard lock(mutex_);
  ++stats_.failed;
}

void EndpointWorker::report() {
  DeliveryStats s;
  {
    std::lock_guard lock(mutex_);
    if (reported_) return;
    reported_ = true;
    s = stats_;
  }
  if (s.abandoned)
    logger_->warn("webhook {}: gave up on {} undelivered event(s) at exit (timeout {} s)", shown_url_, s.abandoned,
                  exit_timeout_.count() / 1000.0);
  if (s.dropped)
    logger_->warn("webhook {}: dropped {} event(s) because its queue ({}) was full", shown_url_, s.dropped,
                  settings_.queue_size);
  logger_->debug("webhook {}: {} delivered, {} rejected, {} failed, {} attempts", shown_url_, s.delivered, s.rejected,
                 s.failed, s.attempts);
}

}  // namespace spackext::webhook
