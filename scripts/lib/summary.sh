# Stage runner for scripts/test.sh: runs a command, keeps its log, and adds up the pass/fail counts that xunit
# ("Failed: N, Passed: N") and ctest ("N tests failed out of M") print, so the run ends with one summary line.
logdir="${TEST_LOG_DIR:-$root/build/test-logs}"
mkdir -p "$logdir"
total_passed=0
total_failed=0
failed_stages=()

count_results() {
  local log="$1" p=0 f=0
  # xunit via dotnet test: "Failed!  - Failed:     1, Passed:    49, Skipped: ..." / "Passed!  - Failed: 0, Passed: 50"
  while read -r fp pp; do p=$((p + pp)); f=$((f + fp)); done < <(
    grep -aoE 'Failed: +[0-9]+, Passed: +[0-9]+' "$log" | sed -E 's/Failed: +([0-9]+), Passed: +([0-9]+)/\1 \2/')
  # ctest: "95% tests passed, 1 tests failed out of 20"
  while read -r fc tc; do p=$((p + tc - fc)); f=$((f + fc)); done < <(
    grep -aoE '[0-9]+ tests failed out of [0-9]+' "$log" | sed -E 's/([0-9]+) tests failed out of ([0-9]+)/\1 \2/')
  echo "$p $f"
}

stage() {
  local name="$1"; shift
  local log="$logdir/$(echo "$name" | tr -c 'A-Za-z0-9' '_').log"
  echo "==> $name"
  local start=$SECONDS
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  read -r p f < <(count_results "$log")
  total_passed=$((total_passed + p)); total_failed=$((total_failed + f))
  if [ "$rc" -ne 0 ]; then
    failed_stages+=("$name")
    # A stage that failed without a counted failing test (build error, crash) still counts as a failure.
    [ "$f" -eq 0 ] && total_failed=$((total_failed + 1))
  fi
  echo "<== $name: exit $rc, $((SECONDS - start)) s"
}

finish() {
  echo
  if [ ${#failed_stages[@]} -gt 0 ]; then echo "failed stages: ${failed_stages[*]}"; fi
  echo "tests: $total_passed passed, $total_failed failed"
  [ "$total_failed" -eq 0 ] && [ ${#failed_stages[@]} -eq 0 ]
}
