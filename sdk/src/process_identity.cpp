#include "spackext/process_identity.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>

namespace spackext {

namespace {

std::string boot_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id;
}

}  // namespace

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

std::optional<std::string> process_start(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The command name (field 2) may hold spaces and parentheses: parse after the last ')'.
  auto close = stat.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(stat.substr(close + 2));
  std::string field, state;
  rest >> state;  // field 3
  if (state == "Z" || state == "X") return std::nullopt;
  for (int i = 4; i <= 22 && rest >> field; ++i) {
    if (i == 22) return boot_id() + ":" + field;  // starttime, in clock ticks after boot
  }
  return std::nullopt;
}

ProcessIdentity current_process() {
  ProcessIdentity p;
  p.host = host_name();
  p.pid = static_cast<long>(::getpid());
  p.start = process_start(::getpid()).value_or("");
  return p;
}

std::string ProcessIdentity::str() const { return host + ":" + std::to_string(pid) + ":" + start; }

std::optional<ProcessIdentity> ProcessIdentity::parse(const std::string& s) {
  // host:pid:bootid:tick; a host name holds no ':'.
  auto a = s.find(':');
  if (a == std::string::npos) return std::nullopt;
  auto b = s.find(':', a + 1);
  if (b == std::string::npos) return std::nullopt;
  ProcessIdentity p;
  p.host = s.substr(0, a);
  try {
    std::size_t used = 0;
    p.pid = std::stol(s.substr(a + 1, b - a - 1), &used);
    if (used != b - a - 1) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  p.start = s.substr(b + 1);
  if (p.host.empty() || p.pid <= 0) return std::nullopt;
  return p;
}

bool on_this_host(const ProcessIdentity& p) { return p.host == host_name(); }

bool is_running(const ProcessIdentity& p) {
  if (!on_this_host(p) || p.start.empty()) return false;
  auto start = process_start(static_cast<pid_t>(p.pid));
  return start && *start == p.start;
}

}  // namespace spackext
