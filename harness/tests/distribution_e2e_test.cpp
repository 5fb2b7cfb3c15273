// End-to-end: the built `parity` on the racy fixtures (harness/tests/racy_fixtures): a cpp side
// whose metric distribution is disjoint from python's fails with both histograms in the reason;
// one random source on both sides passes, its comparison shown under its histograms; a race the case claims but no run shows fails each side.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>

#include "parity_invocation.hpp"
#include "temp_dir.hpp"

namespace {

using namespace parity::test_support;
namespace fs = std::filesystem;
using nlohmann::json;

const fs::path racy_fixtures = fs::path(PARITY_FIXTURES_DIR).parent_path() / "racy_fixtures";

TEST(DistributionEndToEnd, DivergentDistributionsFailAndIdenticalSourcesPass) {
  TempDir dir;
  Invocation run = run_parity({"run", "-j", "2", "--no-reference", "--cases", racy_fixtures.string(), "--python",
                               PARITY_PYTHON, "--json", (dir.path() / "report.json").string()});
  ASSERT_FALSE(run.deadline_hit) << run.output;
  EXPECT_EQ(run.exit_code, 1) << run.output;
  expect_no_process_left(run);
  auto results = results_by_key(read_json(dir.path() / "report.json"));

  std::map<std::string, std::string> actual;
  for (const auto& [key, result] : results) actual[key] = result["result"].get<std::string>();
  EXPECT_EQ(actual, (std::map<std::string, std::string>{
                        {"distribution/differs [fork] python", "PASS"},
                        {"distribution/differs [fork] cpp", "FAIL"},
                        {"distribution/one_source [fork] python", "PASS"},
                        {"distribution/one_source [fork] cpp", "PASS"},
                        {"distribution/race_unobserved [fork] python", "FAIL"},
                        {"distribution/race_unobserved [fork] cpp", "FAIL"},
                    }))
      << run.output;

  const json& differs = results["distribution/differs [fork] cpp"];
  EXPECT_NE(joined_reasons(differs).find("visible: p <= 0.0001 (chi-square); only python: 0 (10/10 runs, absent "
                                         "from cpp's 10: p = 5.4e-06 < 0.001/2 values); only cpp: 10 (10/10 runs, absent "
                                         "from python's 10: p = 5.4e-06 < 0.001/2 values); python {0: 10} / cpp {10: 10}"),
            std::string::npos)
      << joined_reasons(differs);
  ASSERT_EQ(differs["distributions"].size(), 2u);
  EXPECT_EQ(differs["distributions"][1]["name"], "visible");
  const json& gaps = differs["distributions"][1]["only_cpp"];
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0]["value"], "10");
  EXPECT_EQ(gaps[0]["shown"], 10);
  EXPECT_EQ(gaps[0]["other_runs"], 10);
  EXPECT_NEAR(gaps[0]["p_value"].get<double>(), 1.0 / 184756, 1e-12);  // 1/C(20,10)
  EXPECT_EQ(differs["distributions"][1]["alpha"], 0.001);

  const json& one_source = results["distribution/one_source [fork] cpp"];
  ASSERT_EQ(one_source["distributions"].size(), 2u);
  EXPECT_TRUE(one_source["distributions"][1]["only_python"].empty());
  EXPECT_GE(one_source["distributions"][1]["p_value"].get<double>(), 0.001);

  EXPECT_NE(joined_reasons(results["distribution/race_unobserved [fork] cpp"])
                .find("metric lost_updates never reached 1 in 4 runs"),
            std::string::npos);
  EXPECT_NE(run.output.find("distribution differs from python's"), std::string::npos) << "console shows it";
  // The passing pair's comparison is shown under its histograms too.
  const std::size_t passing = run.output.find("distribution/one_source [fork] cpp: ");
  ASSERT_NE(passing, std::string::npos) << run.output;
  EXPECT_NE(run.output.find("  against python's runs\n    outcome: p = 1 (chi-square), no support divergence\n", passing),
            std::string::npos)
      << run.output;
}

}  // namespace
