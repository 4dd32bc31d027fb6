# SPDX-License-Identifier: MIT
# `cpack -G DEB` in a build folder configured with CMAKE_INSTALL_PREFIX=/usr: a Debian 12 package that creates the
# trialwatch user, enables and starts trialwatchd.service (see docs/operations.md).
install(FILES examples/trialwatch.toml DESTINATION "${CMAKE_INSTALL_DOCDIR}/examples")

set(CPACK_PACKAGE_NAME "trialwatch")
set(CPACK_PACKAGE_VENDOR "trialwatch")
set(CPACK_PACKAGE_CONTACT "trialwatch developers <dev@trialwatch.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "ClinicalTrials.gov change monitor: local history and results alerts")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # the library packages, computed by dpkg-shlibdeps
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${PROJECT_SOURCE_DIR}/packaging/debian/postinst;${PROJECT_SOURCE_DIR}/packaging/debian/prerm;${PROJECT_SOURCE_DIR}/packaging/debian/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
