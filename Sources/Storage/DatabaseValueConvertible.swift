public import Foundation

/// A Swift type that can be bound as an SQL argument and decoded from a column.
///
/// Conforming: `Int`, `Int64`, `Int32`, `Double`, `Bool` (0 or 1), `String`, `[UInt8]`, `Data`, `UUID`
/// (16-byte BLOB), ``DatabaseValue`` itself, and `Optional` of any of them (`nil` is `NULL`).
///
/// ```swift
/// try db.execute("INSERT INTO objects(id, size) VALUES (\(id), \(size))")
/// let size: Int64? = try db.fetchOne(Int64.self, "SELECT size FROM objects WHERE id = \(id)")
/// ```
public protocol DatabaseValueConvertible: Sendable {
    /// The value to bind.
    var databaseValue: DatabaseValue { get }
    /// Decodes a column value, or returns `nil` when its storage class cannot represent `Self`
    /// (for non-optional types this includes `NULL`).
    static func fromDatabaseValue(_ value: DatabaseValue) -> Self?
}

extension DatabaseValue: DatabaseValueConvertible {
    /// The value itself.
    public var databaseValue: DatabaseValue { self }
    /// Any value, `NULL` included.
    public static func fromDatabaseValue(_ value: DatabaseValue) -> DatabaseValue? { value }
}

extension Int64: DatabaseValueConvertible {
    /// An `INTEGER`.
    public var databaseValue: DatabaseValue { .integer(self) }
    /// From an `INTEGER`, or a `REAL` holding an integral value in range.
    public static func fromDatabaseValue(_ value: DatabaseValue) -> Int64? {
        switch value {
        case .integer(let integer): integer
        case .real(let real): Int64(exactly: real)
        default: nil
        }
    }
}

extension Int: DatabaseValueConvertible {
    /// An `INTEGER`.
    public var databaseValue: DatabaseValue { .integer(Int64(self)) }
    /// From an `INTEGER` (or integral `REAL`) that fits in `Int`.
    public static func fromDatabaseValue(_ value: DatabaseValue) -> Int? {
        Int64.fromDatabaseValue(value).flatMap { Int(exactly: $0) }
    }
}

extension Int32: DatabaseValueConvertible {
    /// An `INTEGER`.
    public var databaseValue: DatabaseValue { .integer(Int64(self)) }
    /// From an `INTEGER` (or integral `REAL`) that fits in `Int32`.
    public static func fromDatabaseValue(_ value: DatabaseValue) -> Int32? {
        Int64.fromDatabaseValue(value).flatMap { Int32(exactly: $0) }
    }
}

extension Double: DatabaseValueConvertible {
    /// A `REAL`.
    public var databaseValue: DatabaseValue { .real(self) }
    /// From a `REAL` or an `INTEGER`.
    public static func fromDatabaseValue(_ value: DatabaseValue) -> Double? {
        switch value {
        case .real(let real): real
        case .integer(let integer): Double(integer)
        default: nil
        }
    }
}

extension Bool: DatabaseValueConvertible {
    /// `INTEGER` 1 or 0 (SQLite has no boolean storage class: https://www.sqlite.org/datatype3.html §2.1).
    public var databaseValue: DatabaseValue { .integer(self ? 1 : 0) }
    /// From an `INTEGER`: zero is `false`, anything else `true`.
    public static func fromDatabaseValue(_ value: DatabaseValue) -> Bool? {
        guard case .integer(let integer) = value else { return nil }
        return integer != 0
    }
}

extension String: DatabaseValueConvertible {
    /// `TEXT`.
    public var databaseValue: DatabaseValue { .text(self) }
    /// From `TEXT` only.
    public static func fromDatabaseValue(_ value: DatabaseValue) -> String? {
        guard case .text(let text) = value else { return nil }
        return text
    }
}

extension Array: DatabaseValueConvertible where Element == UInt8 {
    /// A `BLOB` (an empty array is an empty BLOB, not `NULL`).
    public var databaseValue: DatabaseValue { .blob(self) }
    /// From a `BLOB` only.
    public static func fromDatabaseValue(_ value: DatabaseValue) -> [UInt8]? {
        guard case .blob(let bytes) = value else { return nil }
        return bytes
    }
}

extension Data: DatabaseValueConvertible {
    /// A `BLOB`.
    public var databaseValue: DatabaseValue { .blob(Array(self)) }
    /// From a `BLOB` only.
    public static func fromDatabaseValue(_ value: DatabaseValue) -> Data? {
        guard case .blob(let bytes) = value else { return nil }
        return Data(bytes)
    }
}

extension UUID: DatabaseValueConvertible {
    /// A 16-byte `BLOB` in RFC 9562 §4 byte order.
    public var databaseValue: DatabaseValue {
        withUnsafeBytes(of: uuid) { .blob(Array($0)) }
    }
    /// From a 16-byte `BLOB`, or from `TEXT` in the canonical 8-4-4-4-12 hexadecimal form.
    public static func fromDatabaseValue(_ value: DatabaseValue) -> UUID? {
        switch value {
        case .blob(let bytes) where bytes.count == 16:
            var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &raw) { $0.copyBytes(from: bytes) }
            return UUID(uuid: raw)
        case .text(let text):
            return UUID(uuidString: text)
        default:
            return nil
        }
    }
}

extension Optional: DatabaseValueConvertible where Wrapped: DatabaseValueConvertible {
    /// The wrapped value, or `NULL` for `nil`.
    public var databaseValue: DatabaseValue { self?.databaseValue ?? .null }
    /// `.some(nil)` for `NULL`; otherwise the wrapped type's decoding, and `nil` when that fails.
    public static func fromDatabaseValue(_ value: DatabaseValue) -> Wrapped?? {
        if value == .null { return .some(nil) }
        return Wrapped.fromDatabaseValue(value).map { .some($0) }
    }
}
