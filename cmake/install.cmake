# Install rules: library, headers, tools, man pages, language data, CMake package and kabar.pc.
include(CMakePackageConfigHelpers)

install(TARGETS kabar kabar_static EXPORT kabar-targets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES include/kabar.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES "${PROJECT_BINARY_DIR}/include/kabar/version.h"
              "${PROJECT_BINARY_DIR}/include/kabar/export.h"
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/kabar)
install(DIRECTORY corpora/ DESTINATION ${CMAKE_INSTALL_DATADIR}/kabar
        PATTERN "samples" EXCLUDE)
install(DIRECTORY corpora/samples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/samples)
if(KABAR_BUILD_TOOLS)
  install(TARGETS dedup kabar-batch kabar-train-ner kabar-ner RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(FILES docs/man/dedup.1 docs/man/kabar-batch.1 docs/man/kabar-ner.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()

set(KABAR_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/kabar)
install(EXPORT kabar-targets NAMESPACE kabar:: DESTINATION ${KABAR_CMAKE_DIR})
configure_package_config_file(cmake/kabarConfig.cmake.in
  "${PROJECT_BINARY_DIR}/kabarConfig.cmake" INSTALL_DESTINATION ${KABAR_CMAKE_DIR})
write_basic_package_version_file("${PROJECT_BINARY_DIR}/kabarConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/kabarConfig.cmake"
              "${PROJECT_BINARY_DIR}/kabarConfigVersion.cmake"
              cmake/FindStemmer.cmake
        DESTINATION ${KABAR_CMAKE_DIR})

# kabar.pc's paths follow ${prefix}, so the tree can be relocated (cmake --install --prefix);
# an absolute CMAKE_INSTALL_<dir> is kept as given.
foreach(dir LIBDIR INCLUDEDIR DATADIR)
  set(KABAR_PC_${dir} "\${prefix}")
  cmake_path(APPEND KABAR_PC_${dir} "${CMAKE_INSTALL_${dir}}")
endforeach()
configure_file(cmake/kabar.pc.in "${PROJECT_BINARY_DIR}/kabar.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/kabar.pc" DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
