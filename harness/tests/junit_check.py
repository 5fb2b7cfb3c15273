#!/usr/bin/python3
"""Checks a junit.xml as CI systems read it; exit 0 when it passes, 1 with the reason otherwise.

junit_check.py JUNIT_XML [EXPECTED_TESTS]

1. well-formed XML that xmllint validates against harness/tests/junit.xsd (the common JUnit shape);
2. junitparser (Debian's python3-junitparser, what many CI tools build on) reads every suite and
   testcase, and the counts on each testsuite (and on testsuites) agree with the testcases;
3. with EXPECTED_TESTS, the file holds that many testcases.
Runs with Debian's /usr/bin/python3, where python3-junitparser is installed.
"""
import os
import subprocess
import sys

import junitparser


def fail(message):
    print("junit_check: " + message)
    sys.exit(1)


def main():
    path = sys.argv[1]
    schema = os.path.join(os.path.dirname(os.path.abspath(__file__)), "junit.xsd")
    checked = subprocess.run(["xmllint", "--noout", "--schema", schema, path],
                             capture_output=True, text=True, errors="replace")
    if checked.returncode != 0:
        fail("xmllint --schema junit.xsd:\n" + checked.stderr)

    xml = junitparser.JUnitXml.fromfile(path)
    suites = [xml] if isinstance(xml, junitparser.TestSuite) else list(xml)
    total = 0
    totals = {"failures": 0, "errors": 0, "skipped": 0}
    for suite in suites:
        cases = list(suite)
        counted = {"failures": 0, "errors": 0, "skipped": 0}
        for case in cases:
            for result in case.result:
                if isinstance(result, junitparser.Failure):
                    counted["failures"] += 1
                elif isinstance(result, junitparser.Error):
                    counted["errors"] += 1
                elif isinstance(result, junitparser.Skipped):
                    counted["skipped"] += 1
        if suite.tests != len(cases):
            fail("suite %s says tests=%s, holds %d" % (suite.name, suite.tests, len(cases)))
        for key, value in counted.items():
            if int(getattr(suite, key) or 0) != value:
                fail("suite %s says %s=%s, its testcases have %d" %
                     (suite.name, key, getattr(suite, key), value))
            totals[key] += value
        total += len(cases)
    if not isinstance(xml, junitparser.TestSuite):
        for key, value in dict(totals, tests=total).items():
            stated = xml._elem.get(key)
            if stated is not None and int(stated) != value:
                fail("testsuites says %s=%s, its suites have %d" % (key, stated, value))
    if len(sys.argv) > 2 and total != int(sys.argv[2]):
        fail("%d testcases, expected %s" % (total, sys.argv[2]))
    print("junit_check: %d suites, %d testcases: ok" % (len(suites), total))


main()
