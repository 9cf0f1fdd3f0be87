# Writes suites_embedded.hpp: every bench/suites/*.json as a string constant,
# so the binary carries its built-in suites (`accelbench list --suite NAME --json`).
# Run as: cmake -DSUITES="a.json|b.json" -DOUT=suites_embedded.hpp -P embed.cmake
set(body "// Generated from bench/suites/*.json by bench/suites/embed.cmake. Do not edit.\n#pragma once\n")
string(APPEND body "struct embedded_suite { const char* name; const char* text; };\n")
string(APPEND body "inline constexpr embedded_suite embedded_suites[] = {\n")
string(REPLACE "|" ";" SUITES "${SUITES}")
foreach(f IN LISTS SUITES)
  get_filename_component(name "${f}" NAME_WE)
  file(READ "${f}" text)
  string(APPEND body "  {\"${name}\", R\"accelsuite(${text})accelsuite\"},\n")
endforeach()
string(APPEND body "};\n")
file(WRITE "${OUT}.tmp" "${body}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
