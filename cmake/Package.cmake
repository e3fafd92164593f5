# A Debian package of the install tree: `cpack -G DEB` in the build directory
# (scripts/package wraps it). Runtime dependencies come from dpkg-shlibdeps.
set(CPACK_PACKAGE_NAME mtec-tools)
set(CPACK_PACKAGE_VENDOR "mtec-tools developers")
set(MTEC_PACKAGE_MAINTAINER "mtec-tools developers <mtec-tools@example.org>"
    CACHE STRING "Maintainer field of the Debian package")
set(CPACK_PACKAGE_CONTACT "${MTEC_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Modbus to MQTT tools for M-TEC Energybutler inverters")
set(CPACK_PACKAGE_DESCRIPTION
    "Small composable tools that read M-TEC Energybutler (Wattsonic, Sunways)\n\
hybrid inverters over Modbus TCP and publish the values to MQTT and Home\n\
Assistant exactly as aiomtec2mqtt does: mtec-read, mtec-calc, mtec-publish,\n\
mtec-write, mtec-health, mtec-sim and the mtec2mqtt service.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "mosquitto, prometheus-node-exporter")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
# Maintainer scripts as dh_installsystemd produces them: daemon-reload on
# install, upgrade and removal, try-restart on upgrade, stop on removal.
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/scripts/debian/postinst ${PROJECT_SOURCE_DIR}/scripts/debian/prerm
    ${PROJECT_SOURCE_DIR}/scripts/debian/postrm)
include(CPack)
