# cmake/static_absl.cmake
#
# With DKB_STATIC_ABSL, the imported Abseil targets point at their static
# archives instead of their shared libraries (Debian's libabsl-dev ships
# both; a target whose .a is missing stays shared): loading some 30 shared
# libraries took about 3 ms of every run. Included after find_package(absl).
# (OpenSSL stays shared, so that providers it loads as modules share it.)
function(dkb_use_static_absl)
  get_property(targets DIRECTORY PROPERTY IMPORTED_TARGETS)
  set(switched 0)
  foreach(target IN LISTS targets)
    if(NOT target MATCHES "^absl::")
      continue()
    endif()
    get_target_property(configs ${target} IMPORTED_CONFIGURATIONS)
    if(NOT configs)
      continue()
    endif()
    foreach(config IN LISTS configs)
      get_target_property(location ${target} IMPORTED_LOCATION_${config})
      if(location MATCHES "^(.*)\\.so(\\.[0-9.]+)?$")
        set(archive "${CMAKE_MATCH_1}.a")
        if(EXISTS "${archive}")
          set_target_properties(${target} PROPERTIES
            IMPORTED_LOCATION_${config} "${archive}"
            IMPORTED_SONAME_${config} "")
          math(EXPR switched "${switched} + 1")
        endif()
      endif()
    endforeach()
  endforeach()
  message(STATUS "DKB_STATIC_ABSL: ${switched} Abseil libraries linked statically")
endfunction()
