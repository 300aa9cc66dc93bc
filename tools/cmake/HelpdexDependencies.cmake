# Every package helpdex builds against, found in this one place (included by the
# top-level CMakeLists.txt) and used only through imported targets:
#   - a CMake config package where Debian ships one (Xapian, ICU, nlohmann_json,
#     yaml-cpp, CLI11, SQLite3, ZLIB, OpenSSL, mstch, GTest);
#   - else pkg-config (PkgConfig::<NAME>: hunspell, re2, cmark-gfm, pistache,
#     argon2, cpp-httplib);
#   - else, for the four Debian packages that ship neither a .pc nor a CMake
#     file (libstemmer-dev, libcld2-dev, libphonenumber-dev, libcsv-dev),
#     find_library + find_path into helpdex_deps::<name>.
# tools/deps installs all of them. A missing one stops the configure with the
# name of the Debian package to install.

find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

# _helpdex_require(found what debian):
# a REQUIRED lookup whose error names the Debian package.
macro(_helpdex_require found what debian)
  if(NOT ${found})
    message(FATAL_ERROR "helpdex: ${what} not found; install the Debian package ${debian} (tools/deps installs everything)")
  endif()
endmacro()

# helpdex_pkg_config(NAME module DEBIAN package): PkgConfig::NAME.
function(helpdex_pkg_config name module debian)
  pkg_check_modules(${name} QUIET IMPORTED_TARGET ${module})
  _helpdex_require(${name}_FOUND "pkg-config module ${module}" ${debian})
endfunction()

# helpdex_bare_library(name LIBRARY lib HEADER header DEBIAN package):
# helpdex_deps::name, an imported library from a package without .pc or CMake file.
function(helpdex_bare_library name)
  cmake_parse_arguments(D "" "LIBRARY;HEADER;DEBIAN" "" ${ARGN})
  find_library(HELPDEX_${name}_LIBRARY NAMES ${D_LIBRARY})
  find_path(HELPDEX_${name}_INCLUDE_DIR NAMES ${D_HEADER})
  _helpdex_require(HELPDEX_${name}_LIBRARY "library lib${D_LIBRARY}" ${D_DEBIAN})
  _helpdex_require(HELPDEX_${name}_INCLUDE_DIR "header ${D_HEADER}" ${D_DEBIAN})
  add_library(helpdex_deps::${name} UNKNOWN IMPORTED)
  set_target_properties(helpdex_deps::${name} PROPERTIES
    IMPORTED_LOCATION "${HELPDEX_${name}_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${HELPDEX_${name}_INCLUDE_DIR}")
endfunction()

# helpdex_cmake_package(package DEBIAN debian [find_package arguments...]).
macro(helpdex_cmake_package package debian)
  find_package(${package} QUIET ${ARGN})
  _helpdex_require(${package}_FOUND "CMake package ${package}" ${debian})
endmacro()

# helpdex::search: Xapian, ICU, Snowball's libstemmer (Greek), CLD2, Hunspell.
helpdex_cmake_package(Xapian libxapian-dev)
# Xapian's config file sets variables only; one imported target carries them.
add_library(helpdex_deps::xapian INTERFACE IMPORTED)
set_target_properties(helpdex_deps::xapian PROPERTIES
  INTERFACE_LINK_LIBRARIES "${XAPIAN_LIBRARIES}"
  INTERFACE_INCLUDE_DIRECTORIES "${XAPIAN_INCLUDE_DIR}")
helpdex_cmake_package(ICU libicu-dev COMPONENTS uc i18n)
helpdex_bare_library(stemmer LIBRARY stemmer HEADER libstemmer.h DEBIAN libstemmer-dev)
helpdex_bare_library(cld2 LIBRARY cld2 HEADER cld2/public/compact_lang_det.h DEBIAN libcld2-dev)
helpdex_pkg_config(HUNSPELL hunspell libhunspell-dev)

# Everywhere: JSON, and zlib (gzipped ticket exports, the evaluation data sets).
helpdex_cmake_package(nlohmann_json nlohmann-json3-dev)
helpdex_cmake_package(ZLIB zlib1g-dev)

# helpdex::article (front matter, Markdown), helpdex::redaction, helpdex::indexer.
helpdex_cmake_package(yaml-cpp libyaml-cpp-dev)
# cmark-gfm (GitHub's cmark, with the table, strikethrough and autolink
# extensions): its one .pc file links both libcmark-gfm and
# libcmark-gfm-extensions. Plain cmark is not used: it exports the same symbol
# names, so the two must never be linked into one program.
helpdex_pkg_config(CMARK_GFM libcmark-gfm "libcmark-gfm-dev and libcmark-gfm-extensions-dev")
helpdex_pkg_config(RE2 re2 libre2-dev)
helpdex_bare_library(phonenumber LIBRARY phonenumber HEADER phonenumbers/phonenumberutil.h
                     DEBIAN libphonenumber-dev)
helpdex_bare_library(csv LIBRARY csv HEADER csv.h DEBIAN libcsv-dev)

# helpdex::stores (and the evaluation's FTS5 baseline): SQLite, argon2id, OpenSSL.
helpdex_cmake_package(SQLite3 libsqlite3-dev)
helpdex_cmake_package(OpenSSL libssl-dev)
helpdex_pkg_config(ARGON2 libargon2 libargon2-dev)
# helpdex::stores' message forwarder calls webhooks with cpp-httplib's client
# (the tests use it too). Debian's cpp-httplib is a compiled library with a
# pkg-config file (no CMake config); its Cflags carry the OpenSSL/zlib/brotli
# defines the ABI needs.
helpdex_pkg_config(HTTPLIB cpp-httplib libcpp-httplib-dev)

# helpdex::server only: Pistache and mstch.
helpdex_pkg_config(PISTACHE libpistache libpistache-dev)
helpdex_cmake_package(mstch libmstch-dev)

# The `helpdex` command line.
helpdex_cmake_package(CLI11 libcli11-dev)

if(HELPDEX_BUILD_TESTS)
  helpdex_cmake_package(GTest libgtest-dev)
endif()
