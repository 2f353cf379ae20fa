/* shim.h — only what Swift cannot import: variadic functions and function-like macros. */
#include <sqlite3.h>

/// sqlite3_db_config is variadic; Swift cannot call it. This form takes one int and an out-int.
static inline int CSQLite_sqlite3_db_config_int(sqlite3 *db, int op, int value, int *out) {
    return sqlite3_db_config(db, op, value, out);
}

/// SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift cannot import. Binding with it
/// makes SQLite copy the bytes before the call returns (https://www.sqlite.org/c3ref/bind_blob.html).
static inline sqlite3_destructor_type CSQLite_SQLITE_TRANSIENT(void) {
    return SQLITE_TRANSIENT;
}
