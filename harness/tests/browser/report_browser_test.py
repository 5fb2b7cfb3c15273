#!/usr/bin/env python3
"""The nightly report, checked in a real browser (a CTest test; scripts/test runs it).

1. A fixture run: `parity run` on harness/tests/fixtures (basic, bench, crashes, malformed), so the
   report has passes, a FAIL with a diff, a crash, UNRESOLVED cases and a benchmark.
2. A fixture history: 20 nightly runs made from that run's report, one a day, with a planted step:
   mp's median of every benchmark operation is 1.5x from run 16 on (the last 5), every other series
   flat with a small deterministic wiggle; runs 6 and 7 share a clean commit and disagree on a
   verdict (a flaky case).
3. `parity history import` and `parity report --html --markdown --history`.
4. The page in headless Chromium from file://: no console error, uncaught exception, failed request
   or request of anything but the page; each result of the run in the matrix with its code; every
   performance and trend chart drawn with data points; the planted change point listed (and only
   on the mp series); a screenshot saved beside the report.

Usage: report_browser_test.py --parity EXE --fixtures DIR --out DIR
Exit 0 when every check holds; 1 with each failed check listed.
"""

import argparse
import copy
import json
import os
import shutil
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from headless_chromium import HeadlessChromium  # noqa: E402

HISTORY_RUNS = 20
STEP_AT = 15          # 0-based: runs 16..20 are at the new level
STEP_FACTOR = 1.5


def run(command, expect=(0,)):
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode not in expect:
        sys.exit(f"FAILED: {' '.join(command)} exited {done.returncode}:\n{done.stdout}")
    return done.stdout


def history_report(base, i):
    """Nightly run i of the fixture history, made from the fixture run's report."""
    report = copy.deepcopy(base)
    report["started_at"] = f"2026-10-{i + 1:02d}T02:00:00Z"
    commit = 5 if i == 6 else i  # runs 6 and 7 (i = 5, 6) measure the same commit
    report["metadata"]["git_commit"] = f"{commit + 1:02d}" + "c0ffee" * 6 + "00"
    report["metadata"]["git_dirty"] = False
    wiggle = 1 + 0.002 * ((i * 7) % 20 - 10)  # +-2%, no two runs alike
    for result in report["results"]:
        for name, summary in result.get("sample_summaries", {}).items():
            factor = wiggle
            if result["impl"] == "cpp" and not name.startswith("floor.") and i >= STEP_AT:
                factor *= STEP_FACTOR
            summary["median"] *= factor
            summary["median_ci"] = [value * factor for value in summary["median_ci"]]
        if i == 5 and (result["case"], result["start_method"], result["impl"]) == ("basic/passes", "fork", "cpp"):
            result["result"], result["success"] = "FAIL", False  # the flaky verdict
    return report


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--parity", required=True)
    parser.add_argument("--fixtures", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    out = os.path.abspath(args.out)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)

    run_json = os.path.join(out, "results.json")
    run([args.parity, "run", "basic/", "bench/", "crashes/", "malformed/", "--cases", os.path.abspath(args.fixtures),
         "--json", run_json, "--no-reference", "-j", "2"], expect=(1,))
    with open(run_json) as f:
        base = json.load(f)

    history_files = []
    for i in range(HISTORY_RUNS):
        path = os.path.join(out, f"history-{i + 1:02d}.json")
        with open(path, "w") as f:
            json.dump(history_report(base, i), f)
        history_files.append(path)
    database = os.path.join(out, "history.sqlite")
    run([args.parity, "history", "import", "--history", database] + history_files)
    html = os.path.join(out, "report.html")
    markdown = os.path.join(out, "report.md")
    run([args.parity, "report", run_json, "--html", html, "--markdown", markdown, "--history", database])

    failures = []

    def check(condition, message):
        if not condition:
            failures.append(message)

    operations = sorted({(r["case"], r["start_method"], name) for r in base["results"] if r["impl"] == "cpp"
                         for name in r.get("sample_summaries", {}) if not name.startswith("floor.")})
    check(operations, "the fixture run has no benchmark operation (bench/spin)")
    first_after = STEP_AT + 1  # run ids count from 1 in import order

    with HeadlessChromium() as browser:
        page = browser.open("file://" + urllib.parse.quote(html))
        matrix = page.evaluate("""[...document.querySelectorAll('td.cell[data-case]')].map(c =>
            [c.dataset.case, c.dataset.method, c.dataset.impl, c.dataset.result])""")
        perf = page.evaluate("""[...document.querySelectorAll('.card.perf')].map(c =>
            [c.id, c.querySelectorAll('svg.chart .point').length])""")
        trends = page.evaluate("""[...document.querySelectorAll('.card.trend')].map(c =>
            [c.id, c.querySelectorAll('svg.chart .point').length, c.querySelectorAll('.change-point').length])""")
        changes = page.evaluate("""[...document.querySelectorAll('tr.change')].map(r =>
            [r.dataset.case, r.dataset.method, r.dataset.operation, r.dataset.series, r.dataset.afterRun])""")
        flaky = page.evaluate("document.querySelectorAll('tr.flaky-case').length")
        failures_shown = page.evaluate("""[...document.querySelectorAll('#failures .failure')]
            .reduce((n, f) => n + Number(f.dataset.results), 0)""")
        chart_sizes = page.evaluate("""[...document.querySelectorAll('svg.chart')].map(s => {
            const r = s.getBoundingClientRect(); return r.width * r.height; })""")
        page.screenshot(os.path.join(out, "report.png"))
        problems = list(page.problems)
        requests = list(page.requests)

    check(not problems, "the page had problems: " + "; ".join(problems))
    check(len(requests) == 1, f"the page made {len(requests)} requests, expected only itself: {requests}")
    expected_cells = sorted([r["case"], r["start_method"], r["impl"], r["result"]] for r in base["results"])
    check(sorted(matrix) == expected_cells,
          f"matrix cells differ from the run's results:\n  page: {sorted(matrix)}\n  run:  {expected_cells}")
    check(any(cell[3] == "FAIL" for cell in matrix), "no FAIL cell (basic/differs fails on the cpp side)")
    check(any(cell[3] == "UNRESOLVED" for cell in matrix), "no UNRESOLVED cell (malformed/ cases)")
    expected_failures = sum(1 for r in base["results"] if not r["success"])
    check(failures_shown == expected_failures, f"{failures_shown} failures shown, the run has {expected_failures}")
    check(len(perf) == len(operations), f"{len(perf)} performance charts for {len(operations)} operations")
    for card, points in perf:
        check(points == 3, f"performance chart {card} has {points} points, expected mp, CPython and floor")
    check(len(trends) == len(operations), f"{len(trends)} trend charts for {len(operations)} operations")
    for card, points, marks in trends:
        check(points == 3 * HISTORY_RUNS, f"trend chart {card} has {points} points, expected {3 * HISTORY_RUNS}")
        check(marks == 1, f"trend chart {card} marks {marks} change points, expected the planted one")
    check(all(size > 1000 for size in chart_sizes), f"a chart was not laid out: areas {chart_sizes}")
    expected_changes = sorted([case, method, name, "mp", str(first_after)] for case, method, name in operations)
    check(sorted(changes) == expected_changes,
          f"'what changed' lists {sorted(changes)}, expected the planted steps {expected_changes}")
    check(flaky == 1, f"{flaky} flaky cases listed, expected basic/passes")
    with open(markdown) as f:
        text = f.read()
    check(f"`{first_after - 1:02d}c0ffee" in text and f"`{first_after:02d}c0ffee" in text,
          "the Markdown change list lacks the commits either side of the planted step")

    print(f"report: {html} ({os.path.getsize(html) // 1024} KiB), opened in {page.load_seconds:.2f} s; "
          f"{len(matrix)} matrix cells, {len(perf)} performance and {len(trends)} trend charts, "
          f"{len(changes)} change(s); screenshot {os.path.join(out, 'report.png')}")
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
