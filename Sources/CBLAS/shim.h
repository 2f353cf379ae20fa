/* shim.h — Debian's libblas-dev ships the CBLAS interface in cblas.h; nothing here needs wrapping. */
#include <cblas.h>
