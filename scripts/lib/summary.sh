# Stage runner for scripts/test.sh: runs a command, keeps its log, and adds up the pass/fail counts that xunit
# ("Passed: N" / "Failed: N" under "Total tests") and ctest ("N tests failed out of M") print, so the run ends with one summary line.
logdir="${TEST_LOG_DIR:-$root/build/test-logs}"
mkdir -p "$logdir"
total_passed=0
total_failed=0
failed_stages=()

count_results() {
  local log="$1" p=0 f=0
  # xunit via dotnet test, at normal verbosity: "Total tests: N" then "     Passed: N" / "     Failed: N"
  local xp xf
  xp=$(grep -aE '^ +Passed: +[0-9]+$' "$log" | awk '{s += $2} END {print s + 0}')
  xf=$(grep -aE '^ +Failed: +[0-9]+$' "$log" | awk '{s += $2} END {print s + 0}')
  p=$((p + xp)); f=$((f + xf))
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
