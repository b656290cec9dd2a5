# Helpers for this source tree (not installed; plugin authors use
# sdk/cmake/SpackExtPlugin.cmake).

# Adds every folder below `root` (up to two levels: <root>/<kind>/<plugin> or
# <root>/<plugin>) that has a CMakeLists.txt, so a new plugin needs no edit of
# a shared file.
function(spackext_add_plugin_folders root)
  file(GLOB level1 LIST_DIRECTORIES true "${CMAKE_SOURCE_DIR}/${root}/*")
  list(SORT level1)
  foreach(dir IN LISTS level1)
    if(NOT IS_DIRECTORY "${dir}")
      continue()
    endif()
    if(EXISTS "${dir}/CMakeLists.txt")
      add_subdirectory("${dir}")
      continue()
    endif()
    file(GLOB level2 LIST_DIRECTORIES true "${dir}/*")
    list(SORT level2)
    foreach(sub IN LISTS level2)
      if(IS_DIRECTORY "${sub}" AND EXISTS "${sub}/CMakeLists.txt")
        add_subdirectory("${sub}")
      endif()
    endforeach()
  endforeach()
endfunction()

# spackext_add_gtest(<name> SOURCES <src>... [LINK_LIBRARIES <lib>...] [LABELS <l>...])
# A GoogleTest executable whose tests ctest discovers one by one. Tests find
# the shared fixtures through SPACKEXT_SHARED_DIR and the built tree through
# SPACKEXT_BUILD_DIR (environment variables set for every test).
function(spackext_add_gtest name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "SOURCES;LINK_LIBRARIES;LABELS")
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE GTest::gtest GTest::gtest_main GTest::gmock
                        spackext_testing ${ARG_LINK_LIBRARIES})
  gtest_discover_tests(${name}
    DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "${ARG_LABELS}")
endfunction()
