#include "events/event_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>

#include "spackext/errors.hpp"

namespace spackext::core {

EventLog::EventLog(Bus& bus, const std::filesystem::path& file) : bus_(bus) {
  fd_ = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw InputError(file.string(), std::string("cannot open the events file: ") + std::strerror(errno));
  subscription_ = bus_.subscribe("**", [this](const Event& e) { write(e); }, Delivery::sync, "host");
}

EventLog::~EventLog() {
  bus_.unsubscribe(subscription_);
  if (fd_ >= 0) ::close(fd_);
}

void EventLog::write(const Event& e) {
  std::string line = e.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line += '\n';
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("cannot write the events file: ") + std::strerror(errno));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace spackext::core
