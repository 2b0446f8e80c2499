# Our own targets build with strict warnings; third-party glue does not (Debian's ImGui backend
# sources emit -Wconversion warnings we cannot fix).
function(th_strict_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
  if(TH_STRICT_WARNINGS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
