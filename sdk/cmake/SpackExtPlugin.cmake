# spackext_add_plugin(<name> SOURCES <src>... MANIFEST <plugin.json>
#                     [LINK_LIBRARIES <lib>...] [OUTPUT_DIRECTORY <dir>] [NO_INSTALL]
#                     [TARGET <cmake-target>])
#
# TARGET names the CMake target when <name> cannot be one (CMake and CPack
# reserve "package", "install", "test", ...); the file is <name>.so either way.
#
# Builds <name>.so as a loadable module against SpackExt::sdk: hidden
# visibility (only the entry point is exported), no undefined symbols, and the
# manifest embedded in the ".spackext_manifest" ELF section together with the
# API version and ABI tag of the compiler used. Installs to
# ${SPACKEXT_PLUGIN_INSTALL_DIR} (default lib/spack-ext/plugins).
# A cache entry: functions run in other directory scopes than this include.
set(_SPACKEXT_PLUGIN_CMAKE_DIR "${CMAKE_CURRENT_LIST_DIR}" CACHE INTERNAL "")

# Writes `content` to `path` only when it differs from what is there, so a
# generated source does not trigger needless rebuilds (used for embedded
# manifests here and for the schemas plugins compile in).
function(spackext_write_if_changed path content)
  set(old "")
  if(EXISTS "${path}")
    file(READ "${path}" old)
  endif()
  if(NOT old STREQUAL content)
    file(WRITE "${path}" "${content}")
  endif()
endfunction()

function(_spackext_embed_manifest target manifest validate)
  get_filename_component(manifest "${manifest}" ABSOLUTE)
  if(NOT EXISTS "${manifest}")
    message(FATAL_ERROR "spackext_add_plugin(${target}): manifest ${manifest} does not exist")
  endif()
  file(READ "${manifest}" SPACKEXT_MANIFEST_TEXT)
  if(validate)
    string(JSON _name ERROR_VARIABLE _err GET "${SPACKEXT_MANIFEST_TEXT}" name)
    if(_err)
      message(FATAL_ERROR "spackext_add_plugin(${target}): ${manifest}: ${_err}")
    endif()
  endif()
  if(SPACKEXT_MANIFEST_TEXT MATCHES "\\)SPXMANIFEST")
    message(FATAL_ERROR "${manifest} must not contain the text )SPXMANIFEST")
  endif()
  # Substitute by hand: configure_file() would also expand @VAR@ inside the JSON.
  file(READ "${_SPACKEXT_PLUGIN_CMAKE_DIR}/manifest_section.cpp.in" content)
  string(REPLACE "@SPACKEXT_MANIFEST_SOURCE@" "${manifest}" content "${content}")
  string(REPLACE "@SPACKEXT_MANIFEST_TEXT@" "${SPACKEXT_MANIFEST_TEXT}" content "${content}")
  set(generated "${CMAKE_CURRENT_BINARY_DIR}/${target}_manifest_section.cpp")
  spackext_write_if_changed("${generated}" "${content}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${manifest}")
  target_sources(${target} PRIVATE "${generated}")
endfunction()

function(spackext_add_plugin plugin_name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "NO_INSTALL" "MANIFEST;OUTPUT_DIRECTORY;TARGET" "SOURCES;LINK_LIBRARIES")
  if(NOT ARG_SOURCES OR NOT ARG_MANIFEST)
    message(FATAL_ERROR "spackext_add_plugin(${plugin_name}) needs SOURCES and MANIFEST")
  endif()
  set(name ${plugin_name})
  if(ARG_TARGET)
    set(name ${ARG_TARGET})
  endif()
  add_library(${name} MODULE ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES OUTPUT_NAME ${plugin_name})
  _spackext_embed_manifest(${name} "${ARG_MANIFEST}" TRUE)
  target_link_libraries(${name} PRIVATE SpackExt::sdk ${ARG_LINK_LIBRARIES})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    # The host has libspackext loaded already; this only helps tools like ldd.
    INSTALL_RPATH "$ORIGIN/../..")
  target_link_options(${name} PRIVATE "LINKER:--no-undefined")
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}")
  elseif(DEFINED SPACKEXT_PLUGIN_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${SPACKEXT_PLUGIN_OUTPUT_DIRECTORY}")
  endif()
  set_property(GLOBAL APPEND PROPERTY SPACKEXT_PLUGIN_TARGETS ${name})
  if(NOT ARG_NO_INSTALL)
    if(NOT DEFINED SPACKEXT_PLUGIN_INSTALL_DIR)
      set(SPACKEXT_PLUGIN_INSTALL_DIR lib/spack-ext/plugins)
    endif()
    install(TARGETS ${name} LIBRARY DESTINATION ${SPACKEXT_PLUGIN_INSTALL_DIR})
  endif()
endfunction()
