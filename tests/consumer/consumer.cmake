# Builds tests/consumer/ against an install of this build tree, through find_package and
# pkg-config (shared and static), and checks the installed files; see consumer/run.sh. Runs
# on the built tree: build first. Skipped (passes) in sanitizer builds.
if(KABAR_INSTALL)
  add_test(NAME consumer_install
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/consumer/run.sh ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR})
  set_tests_properties(consumer_install PROPERTIES TIMEOUT 600 LABELS consumer)
endif()
