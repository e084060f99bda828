# SPDX-License-Identifier: ISC
# Man pages and installation (make install, the Debian package): FHS paths
# from GNUInstallDirs.  With CMAKE_INSTALL_PREFIX=/usr (the package):
#   /usr/bin/custos  /usr/sbin/custosd  /usr/share/man/man{1,5,8}/...
#   /usr/share/bash-completion/completions/custos
#   /lib/systemd/system/custosd.service
#   /etc/custos/custos.conf  /etc/logrotate.d/custosd
#   /usr/share/doc/custos/...
# Another prefix keeps everything under it (/usr/local/etc/custos, ...).
include(GNUInstallDirs)

# Man pages: docs/man/NAME.SECTION.md -> build/man/NAME.SECTION, at build
# time with go-md2man (Debian package go-md2man, in scripts/deps).
option(CUSTOS_MAN "Build the man pages from docs/man/*.md (go-md2man)" ON)
set(CUSTOS_MAN_PAGES custosd.8 custos.1 custos.conf.5)
if(CUSTOS_MAN)
  find_program(GO_MD2MAN go-md2man)
  if(NOT GO_MD2MAN)
    message(FATAL_ERROR "go-md2man not found: run scripts/deps "
      "(or configure with -DCUSTOS_MAN=OFF)")
  endif()
  set(CUSTOS_MAN_OUT "")
  foreach(page ${CUSTOS_MAN_PAGES})
    add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/man/${page}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
      COMMAND ${GO_MD2MAN} -in ${CMAKE_SOURCE_DIR}/docs/man/${page}.md
        -out ${CMAKE_BINARY_DIR}/man/${page}
      DEPENDS ${CMAKE_SOURCE_DIR}/docs/man/${page}.md
      COMMENT "Man page ${page}")
    list(APPEND CUSTOS_MAN_OUT ${CMAKE_BINARY_DIR}/man/${page})
    string(REGEX REPLACE ".*\\." "" section ${page})
    install(FILES ${CMAKE_BINARY_DIR}/man/${page}
      DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  endforeach()
  add_custom_target(man ALL DEPENDS ${CUSTOS_MAN_OUT})
endif()

if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(CUSTOS_UNIT_DEFAULT /lib/systemd/system)
else()
  set(CUSTOS_UNIT_DEFAULT ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)
endif()
set(CUSTOS_SYSTEMD_UNITDIR ${CUSTOS_UNIT_DEFAULT} CACHE PATH
  "Where custosd.service goes")
set(CUSTOS_CONF_DIR ${CMAKE_INSTALL_FULL_SYSCONFDIR}/custos)
configure_file(${CMAKE_SOURCE_DIR}/packaging/custosd.service.in
  ${CMAKE_BINARY_DIR}/custosd.service @ONLY)

install(TARGETS custos RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS custosd RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
install(FILES ${CMAKE_BINARY_DIR}/custosd.service
  DESTINATION ${CUSTOS_SYSTEMD_UNITDIR})
install(FILES ${CMAKE_SOURCE_DIR}/packaging/custos.conf
  DESTINATION ${CUSTOS_CONF_DIR})
install(FILES ${CMAKE_SOURCE_DIR}/packaging/logrotate
  DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/logrotate.d RENAME custosd)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/custos.bash-completion
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
  RENAME custos)
install(FILES ${CMAKE_SOURCE_DIR}/README.md
  ${CMAKE_SOURCE_DIR}/docs/operator-guide.md ${CMAKE_SOURCE_DIR}/docs/cli.md
  ${CMAKE_SOURCE_DIR}/docs/access-workflow.md
  ${CMAKE_SOURCE_DIR}/docs/detection.md ${CMAKE_SOURCE_DIR}/docs/verify.md
  ${CMAKE_SOURCE_DIR}/docs/security.md ${CMAKE_SOURCE_DIR}/docs/import.md
  ${CMAKE_SOURCE_DIR}/docs/console.md ${CMAKE_SOURCE_DIR}/docs/openapi.yaml
  DESTINATION ${CMAKE_INSTALL_DOCDIR})
