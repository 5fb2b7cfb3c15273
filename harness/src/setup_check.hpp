#pragma once
// Mistakes in how parity itself was set up, found before any case runs, so that a run fails at
// once with one clear line (exit 2) instead of after every case, or with no report at the end.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runner.hpp"

namespace parity {

// Why `python` cannot run the catalog's CPython side: it cannot be started, is not Python 3, or
// cannot import multiprocessing. Empty when it can. Runs the interpreter once (bounded in time).
std::optional<std::string> python_setup_error(const std::string& python);

// Everything a run needs checked before it starts: the interpreter (unless only the cpp side
// runs) and each report file (option name -> path; empty paths are skipped).
std::optional<std::string> run_setup_error(
    const RunOptions& options, const std::vector<std::pair<std::string_view, std::string>>& reports);

// Why a report cannot be written to `file` (given as `option`, e.g. "--json"): the path is a
// directory, or its nearest existing ancestor (missing directories are created) is a file or
// not writable. Empty when it can. Creates and removes a
// probe file beside it.
std::optional<std::string> report_path_error(const std::filesystem::path& file, std::string_view option);

}  // namespace parity
