# Writes OUT = a header naming the commit the sources are at, marked -dirty
# when tracked files outside results/ differ from it. results/ holds reports,
# not code: a GPU lease unpacks its partial report there (over a committed one
# of the same GPU) and its next call must build the same name to resume it.
# Run at every build (not only at configure), and rewritten only when the name
# changes, so a report never names a commit other than the one its binary was
# built from.
execute_process(COMMAND git describe --always --abbrev=12
                WORKING_DIRECTORY ${SRC}
                OUTPUT_VARIABLE sha OUTPUT_STRIP_TRAILING_WHITESPACE
                ERROR_QUIET RESULT_VARIABLE failed)
if(failed OR NOT sha)
  set(sha "unknown")
else()
  execute_process(COMMAND git status --porcelain --untracked-files=no -- . ":(exclude)results"
                  WORKING_DIRECTORY ${SRC}
                  OUTPUT_VARIABLE changes OUTPUT_STRIP_TRAILING_WHITESPACE
                  ERROR_QUIET RESULT_VARIABLE failed)
  if(failed OR changes)
    set(sha "${sha}-dirty")
  endif()
endif()
include(${CMAKE_CURRENT_LIST_DIR}/write_if_changed.cmake)
write_if_changed(${OUT} "#define ACCELBENCH_GIT_SHA \"${sha}\"\n")
