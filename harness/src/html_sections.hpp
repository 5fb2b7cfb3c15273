#pragma once
// The sections of the HTML report (html_report.hpp), each rendered into a stream; html_report.cpp
// puts them on the page in order. Internal to the report.

#include <ostream>

#include "report_model.hpp"
#include "trends.hpp"

namespace parity::html {

void what_changed(std::ostream& out, const HistoryView* history);          // html_history_sections.cpp
void summary(std::ostream& out, const ReportModel& model);                  // html_report.cpp
void conformance_matrix(std::ostream& out, const ReportModel& model);       // html_report.cpp
void python_versions(std::ostream& out, const ReportModel& model);          // html_versions.cpp
void failures(std::ostream& out, const ReportModel& model);                 // html_failures.cpp
void performance(std::ostream& out, const ReportModel& model);              // html_performance.cpp
void trends(std::ostream& out, const HistoryView* history);                 // html_history_sections.cpp
void racy_cases(std::ostream& out, const ReportModel& model);               // html_performance.cpp
void flaky_history(std::ostream& out, const HistoryView* history);          // html_history_sections.cpp

}  // namespace parity::html
