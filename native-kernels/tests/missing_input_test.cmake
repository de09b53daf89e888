# ni_add_missing_input_test(NAME MESSAGE): registers test NAME that prints "missing: MESSAGE" on one line and fails.
# For a test whose input or tool is missing at configure time: it must fail, naming what is missing, not vanish.
function(ni_add_missing_input_test name text)
  add_test(NAME ${name} COMMAND ${CMAKE_COMMAND} -E echo "missing: ${text}")
  set_tests_properties(${name} PROPERTIES FAIL_REGULAR_EXPRESSION "^missing: ")
endfunction()
