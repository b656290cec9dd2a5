# Man pages and the bash completion script, written at build time by the
# built host from the same command models as --help (every in-tree plugin's
# manifest and the built-in commands), then installed with the host.
set(SPACKEXT_MAN_DIR ${CMAKE_BINARY_DIR}/share/man/man1)
set(SPACKEXT_COMPLETION_FILE ${CMAKE_BINARY_DIR}/share/bash-completion/completions/spack-ext)
set(_spackext_doc_env
  ${CMAKE_COMMAND} -E env
  SPACK_EXT_SYSTEM_PLUGIN_PATH=${SPACKEXT_PLUGIN_OUTPUT_DIRECTORY}
  SPACK_EXT_PLUGIN_PATH=
  HOME=${CMAKE_BINARY_DIR}/doc-home)
add_custom_command(
  OUTPUT ${SPACKEXT_MAN_DIR}/spack-ext.1
  COMMAND ${_spackext_doc_env} $<TARGET_FILE:spack-ext> --no-plugin-cache -q __man ${SPACKEXT_MAN_DIR}
  # Installed compressed, as Debian policy wants (gzip -9n: no name or time stamp).
  COMMAND sh -c "cd \"$1\" && for page in *.1; do gzip -9nc \"$page\" > \"$page.gz.tmp\" && mv \"$page.gz.tmp\" \"$page.gz\"; done"
          sh ${SPACKEXT_MAN_DIR}
  DEPENDS spack-ext ${SPACKEXT_ALL_PLUGINS}
  COMMENT "Writing man pages from the command models"
  VERBATIM)
add_custom_command(
  OUTPUT ${SPACKEXT_COMPLETION_FILE}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/share/bash-completion/completions
  COMMAND ${_spackext_doc_env} sh -c "\"$1\" --no-plugin-cache completion bash > \"$2.tmp\" && mv \"$2.tmp\" \"$2\""
          sh $<TARGET_FILE:spack-ext> ${SPACKEXT_COMPLETION_FILE}
  DEPENDS spack-ext
  COMMENT "Writing the bash completion script"
  VERBATIM)
add_custom_target(spackext_docs ALL DEPENDS ${SPACKEXT_MAN_DIR}/spack-ext.1 ${SPACKEXT_COMPLETION_FILE})
install(DIRECTORY ${SPACKEXT_MAN_DIR}/ DESTINATION share/man/man1 FILES_MATCHING PATTERN "*.1.gz")
install(FILES ${SPACKEXT_COMPLETION_FILE} DESTINATION share/bash-completion/completions)
