// Line comparison under a compare mode, and unified diffs from a Myers shortest edit script.

#include "comparator.hpp"

#include <algorithm>
#include <map>

namespace parity {
namespace {

struct Edit {
  enum class Op { equal, remove, insert };
  Op op;
  std::size_t left;   // index into left (equal, remove)
  std::size_t right;  // index into right (equal, insert)
};

// Beyond this many edits the trace gets large; the diff then replaces the whole range (still a
// correct diff, just not a minimal one).
constexpr long max_edit_distance = 2000;

// Myers' O((N+M)D) algorithm; trace[d] holds V[k] for k in [-d, d] after round d.
std::vector<Edit> edit_script(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const long n = static_cast<long>(a.size());
  const long m = static_cast<long>(b.size());
  std::vector<std::vector<long>> trace;
  std::vector<long> previous;  // round d-1, indexed k + (d-1)
  long found_d = -1;
  for (long d = 0; d <= std::min(n + m, max_edit_distance); ++d) {
    std::vector<long> current(2 * d + 1, 0);
    auto prev_at = [&](long k) { return previous[k + (d - 1)]; };
    for (long k = -d; k <= d; k += 2) {
      long x;
      if (d == 0) x = 0;
      else if (k == -d || (k != d && prev_at(k - 1) < prev_at(k + 1))) x = prev_at(k + 1);
      else x = prev_at(k - 1) + 1;
      long y = x - k;
      while (x < n && y < m && a[x] == b[y]) ++x, ++y;
      current[k + d] = x;
      if (x >= n && y >= m) found_d = d;
    }
    trace.push_back(current);
    previous = std::move(current);
    if (found_d >= 0) break;
  }

  std::vector<Edit> edits;
  if (found_d < 0) {  // too different: remove everything, insert everything
    for (long i = 0; i < n; ++i) edits.push_back({Edit::Op::remove, std::size_t(i), 0});
    for (long j = 0; j < m; ++j) edits.push_back({Edit::Op::insert, std::size_t(n), std::size_t(j)});
    return edits;
  }
  long x = n, y = m;
  for (long d = found_d; d > 0; --d) {
    const std::vector<long>& v = trace[d - 1];
    auto at = [&](long k) { return v[k + (d - 1)]; };
    long k = x - y;
    bool down = k == -d || (k != d && at(k - 1) < at(k + 1));  // down: an insertion
    long prev_k = down ? k + 1 : k - 1;
    long prev_x = at(prev_k);
    long prev_y = prev_x - prev_k;
    long start_x = down ? prev_x : prev_x + 1;
    while (x > start_x) {
      --x, --y;
      edits.push_back({Edit::Op::equal, std::size_t(x), std::size_t(y)});
    }
    if (down) edits.push_back({Edit::Op::insert, std::size_t(prev_x), std::size_t(prev_y)});
    else edits.push_back({Edit::Op::remove, std::size_t(prev_x), std::size_t(prev_y)});
    x = prev_x, y = prev_y;
  }
  while (x > 0 && y > 0) {
    --x, --y;
    edits.push_back({Edit::Op::equal, std::size_t(x), std::size_t(y)});
  }
  std::reverse(edits.begin(), edits.end());
  return edits;
}

bool started(const NormalizedRun& run) { return run.record.status.has_value(); }

// difflib's range format: "start,length", "start" for one line, "before,0" for none.
std::string range(std::size_t first, std::size_t length) {
  if (length == 1) return std::to_string(first + 1);
  if (length == 0) return std::to_string(first) + ",0";
  return std::to_string(first + 1) + "," + std::to_string(length);
}

// One diff line: the mark, the line (cut at max_diff_line_bytes), a newline.
void append_diff_line(std::string& out, char mark, const std::string& line) {
  out += mark;
  if (line.size() <= max_diff_line_bytes) {
    out += line;
  } else {
    out.append(line, 0, max_diff_line_bytes);
    out += " [parity: line cut, " + std::to_string(line.size()) + " bytes in all]";
  }
  out += '\n';
}

}  // namespace

std::string unified_diff(const std::vector<std::string>& left, const std::vector<std::string>& right,
                         std::string_view left_label, std::string_view right_label, int context) {
  if (left == right) return {};
  std::vector<Edit> edits = edit_script(left, right);
  const std::size_t ctx = static_cast<std::size_t>(std::max(context, 0));

  std::string out = "--- " + std::string(left_label) + "\n+++ " + std::string(right_label) + "\n";
  std::size_t i = 0;
  while (i < edits.size()) {
    // Find the next change; the hunk starts ctx equal edits before it.
    std::size_t change = i;
    while (change < edits.size() && edits[change].op == Edit::Op::equal) ++change;
    if (change == edits.size()) break;
    std::size_t begin = change >= i + ctx ? change - ctx : i;
    // Extend the hunk while the gap of equal edits to the next change is at most 2*ctx.
    std::size_t end = change;
    while (true) {
      while (end < edits.size() && edits[end].op != Edit::Op::equal) ++end;
      std::size_t gap_end = end;
      while (gap_end < edits.size() && edits[gap_end].op == Edit::Op::equal) ++gap_end;
      if (gap_end < edits.size() && gap_end - end <= 2 * ctx) {
        end = gap_end;
        continue;
      }
      end = std::min(end + ctx, gap_end);
      break;
    }
    std::size_t left_first = edits[begin].left, right_first = edits[begin].right;
    std::size_t left_count = 0, right_count = 0;
    std::string body;
    bool full = false;
    for (std::size_t e = begin; e < end; ++e) {
      if (out.size() + body.size() > max_diff_bytes) {
        full = true;
        break;
      }
      switch (edits[e].op) {
        case Edit::Op::equal:
          append_diff_line(body, ' ', left[edits[e].left]);
          ++left_count, ++right_count;
          break;
        case Edit::Op::remove:
          append_diff_line(body, '-', left[edits[e].left]);
          ++left_count;
          break;
        case Edit::Op::insert:
          append_diff_line(body, '+', right[edits[e].right]);
          ++right_count;
          break;
      }
    }
    out += "@@ -" + range(left_first, left_count) + " +" + range(right_first, right_count) + " @@\n";
    out += body;
    i = end;
    if (full || (i < edits.size() && out.size() > max_diff_bytes)) {
      out += "[parity: diff cut at " + std::to_string(max_diff_bytes) + " bytes]\n";
      break;
    }
  }
  return out;
}

Comparison compare_lines(const std::vector<std::string>& left, const std::vector<std::string>& right,
                         const CompareOptions& options) {
  Comparison result;
  switch (options.mode) {
    case CompareMode::none:
      return result;
    case CompareMode::ordered:
      result.equal = left == right;
      if (!result.equal)
        result.diff = unified_diff(left, right, options.left_label, options.right_label, options.context);
      return result;
    case CompareMode::unordered: {
      std::vector<std::string> sorted_left = left, sorted_right = right;
      std::sort(sorted_left.begin(), sorted_left.end());
      std::sort(sorted_right.begin(), sorted_right.end());
      result.equal = sorted_left == sorted_right;
      if (!result.equal)
        result.diff = unified_diff(sorted_left, sorted_right, options.left_label + " (sorted)",
                                   options.right_label + " (sorted)", options.context);
      return result;
    }
  }
  return result;
}

std::vector<std::string> representative_output(const std::vector<NormalizedRun>& runs) {
  std::map<std::vector<std::string>, std::pair<int, std::size_t>> seen;  // output -> count, first
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (!started(runs[i])) continue;
    auto [it, inserted] = seen.try_emplace(runs[i].lines, 0, i);
    ++it->second.first;
  }
  if (seen.empty()) return {};
  const std::vector<std::string>* best = nullptr;
  std::pair<int, std::size_t> best_rank{0, 0};
  for (const auto& [output, rank] : seen) {
    if (!best || rank.first > best_rank.first ||
        (rank.first == best_rank.first && rank.second < best_rank.second)) {
      best = &output;
      best_rank = rank;
    }
  }
  return *best;
}

std::string first_difference(std::string_view unified_diff) {
  std::string removed, added;
  std::size_t start = 0;
  while (start < unified_diff.size() && added.empty()) {
    std::size_t end = unified_diff.find('\n', start);
    if (end == std::string_view::npos) end = unified_diff.size();
    std::string_view line = unified_diff.substr(start, end - start);
    start = end + 1;
    if (line.starts_with("---") || line.starts_with("+++")) continue;
    if (line.starts_with("@@") && !removed.empty()) break;  // a hunk that only removes
    if (line.starts_with("-") && removed.empty()) removed = line;
    if (line.starts_with("+")) added = line;
  }
  if (removed.empty() || added.empty()) return removed + added;
  return removed + " | " + added;
}

Comparison compare_runs(const CaseSpec& spec, StartMethod method,
                        const std::vector<NormalizedRun>& python_runs,
                        const std::vector<NormalizedRun>& cpp_runs, std::string_view left_name,
                        std::string_view right_name) {
  auto any_started = [](const std::vector<NormalizedRun>& runs) {
    return std::any_of(runs.begin(), runs.end(), started);
  };
  if (!any_started(python_runs) || !any_started(cpp_runs)) return {};
  CompareOptions options;
  options.mode = spec.compare;
  options.left_label = std::string(left_name) + " [" + to_string(method) + "]";
  options.right_label = std::string(right_name) + " [" + to_string(method) + "]";
  return compare_lines(representative_output(python_runs), representative_output(cpp_runs), options);
}

}  // namespace parity
