# SPDX-License-Identifier: MIT
# Every third-party dependency, all from Debian 12 packages (scripts/setup installs them). Nothing is downloaded.
find_package(fmt REQUIRED)
find_package(CURL REQUIRED)
find_package(simdjson REQUIRED)
find_package(SQLiteCpp REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(zstd REQUIRED)
find_package(CLI11 REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
if(TRIALWATCH_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)
  include(Catch)
  pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
endif()

# Helper: a first-party static library with the project's settings and warnings.
function(trialwatch_library name)
  add_library(${name} STATIC ${ARGN})
  target_link_libraries(${name} PRIVATE tw_settings tw_warnings)
  target_include_directories(${name} PUBLIC "${PROJECT_SOURCE_DIR}")
endfunction()
