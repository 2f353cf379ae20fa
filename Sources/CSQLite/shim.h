/* shim.h — only what Swift cannot import: variadic functions and function-like macros. */
#include <sqlite3.h>

/// sqlite3_db_config is variadic; Swift cannot call it. This form takes one int and an out-int.
static inline int CSQLite_sqlite3_db_config_int(sqlite3 *db, int op, int value, int *out) {
    return sqlite3_db_config(db, op, value, out);
}
