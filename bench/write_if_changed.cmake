# write_if_changed(FILE TEXT): writes FILE only when its content would change,
# so that what includes a generated header rebuilds only then.
function(write_if_changed file text)
  set(old "")
  if(EXISTS ${file})
    file(READ ${file} old)
  endif()
  if(NOT old STREQUAL text)
    file(WRITE ${file} "${text}")
  endif()
endfunction()
