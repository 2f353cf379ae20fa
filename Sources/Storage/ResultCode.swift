/// An SQLite result code, primary or extended.
///
/// SQLite reports failures as a primary code in the low eight bits (``primary``) and, because every
/// connection is opened with extended result codes on, a refinement in the upper bits, such as
/// ``constraintUnique`` (2067) refining ``constraint`` (19).
/// The named constants are defined in `LibSQLite.swift` from SQLite's own header.
///
/// Related SQLite documentation: https://www.sqlite.org/rescode.html
public struct ResultCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The numeric code as SQLite returned it.
    public let rawValue: Int32

    /// Wraps a numeric result code.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The primary result code: the low eight bits ("the least significant 8 bits of the result code
    /// define a broad category", https://www.sqlite.org/rescode.html#primary_result_codes_versus_extended_result_codes).
    public var primary: ResultCode { ResultCode(rawValue: rawValue & 0xFF) }

    /// SQLite's English explanation of the code (`sqlite3_errstr`), followed by the number.
    public var description: String { "\(LibSQLite.errorString(rawValue)) (code \(rawValue))" }
}
