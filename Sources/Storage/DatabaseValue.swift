/// One SQLite value in one of the five storage classes.
///
/// Related SQLite documentation: https://www.sqlite.org/datatype3.html §2 ("Storage Classes and Datatypes").
public enum DatabaseValue: Hashable, Sendable {
    /// `NULL`.
    case null
    /// A signed 64-bit `INTEGER`.
    case integer(Int64)
    /// An IEEE 754 64-bit `REAL`.
    case real(Double)
    /// `TEXT` in UTF-8. May contain U+0000: it is bound and read with its byte length, never as a C string.
    case text(String)
    /// A `BLOB`; may be empty, which is not the same as `NULL`.
    case blob([UInt8])

    /// Whether this is `NULL`.
    public var isNull: Bool { self == .null }

    /// The storage class's SQL name (`NULL`, `INTEGER`, `REAL`, `TEXT`, `BLOB`), for error messages that
    /// must describe a value without showing it.
    public var storageClass: String {
        switch self {
        case .null: "NULL"
        case .integer: "INTEGER"
        case .real: "REAL"
        case .text: "TEXT"
        case .blob: "BLOB"
        }
    }
}
