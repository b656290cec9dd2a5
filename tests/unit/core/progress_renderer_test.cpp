#include <gtest/gtest.h>

#include "events/progress_renderer.hpp"

namespace {

using spackext::core::ProgressRenderer;

TEST(ProgressRenderer, LineShowsBarPercentRateAndEta) {
  ProgressRenderer::Task t;
  t.label = "sync";
  t.unit = "B";
  t.total = 1024 * 1024 * 100;
  t.done = 1024 * 1024 * 25;
  t.started = std::chrono::steady_clock::now();
  auto line = ProgressRenderer::format_line(t, t.started + std::chrono::seconds(10), 100);
  EXPECT_EQ(line.rfind("sync [", 0), 0u) << line;
  EXPECT_NE(line.find(" 25% 25.0 MiB/100.0 MiB 2.5 MiB/s ETA 00:30"), std::string::npos) << line;
  EXPECT_LE(line.size(), 100u);
}

TEST(ProgressRenderer, UnknownRateShowsNoEta) {
  ProgressRenderer::Task t;
  t.label = "objects";
  t.total = 10;
  t.started = std::chrono::steady_clock::now();
  auto line = ProgressRenderer::format_line(t, t.started, 80);
  EXPECT_NE(line.find("0% 0/10 ETA --:--"), std::string::npos) << line;
}

}  // namespace
