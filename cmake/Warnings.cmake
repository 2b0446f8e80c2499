# Our own targets build with strict warnings; third-party glue does not (Debian's ImGui backend
# sources emit -Wconversion warnings we cannot fix).
function(th_strict_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
  if(TH_STRICT_WARNINGS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  # GCC 12 at -O3 inlines libstdc++'s std::string concatenation and then warns that memcpy may
  # overlap by 2^63 bytes (GCC bug 105329, fixed in 13): a false -Wrestrict on any `"x" + s`.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
endfunction()
