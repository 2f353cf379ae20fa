/* shim.h — only what Swift cannot import: variadic functions and function-like macros. */
#include <zlib.h>

/// inflateInit2 and deflateInit2 are function-like macros over the *_ functions.
static inline int CZlib_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
static inline int CZlib_deflateInit2(z_streamp strm, int level, int method, int windowBits, int memLevel, int strategy) {
    return deflateInit2(strm, level, method, windowBits, memLevel, strategy);
}
