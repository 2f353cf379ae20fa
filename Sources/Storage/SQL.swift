/// SQL text whose interpolated values become bound `?` arguments.
///
/// Literal segments must be string literals (`StaticString`), so the only way runtime text reaches the
/// SQL is as a bound value. Interpolate:
/// - any ``DatabaseValueConvertible`` value: it becomes `?` and is bound, never spliced;
/// - a ``SQLIdentifier`` (made only from a string literal): it becomes a quoted identifier;
/// - another `SQL` fragment: its text and arguments are embedded;
/// - `list:` a collection of values: it becomes `?, ?, ?` for an `IN (…)` clause.
///
/// ```swift
/// let name = "'); DROP TABLE t; --"
/// try db.execute("INSERT INTO t(name) VALUES (\(name))")       // text: INSERT INTO t(name) VALUES (?)
/// let rows = try db.fetchAll("SELECT * FROM \(Schema.objects) WHERE id IN (\(list: ids))")
/// ```
///
/// Related SQLite documentation: https://www.sqlite.org/lang_expr.html#parameters
public struct SQL: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringInterpolation {
    /// The SQL text, with a `?` for every bound argument.
    public private(set) var text: String
    /// The arguments, in the order of their `?` in ``text``.
    public private(set) var arguments: [DatabaseValue]

    /// SQL from a string literal without interpolations.
    public init(stringLiteral value: StaticString) {
        text = value.description
        arguments = []
    }

    /// SQL from an interpolated string literal.
    public init(stringInterpolation: StringInterpolation) {
        text = stringInterpolation.text
        arguments = stringInterpolation.arguments
    }

    /// The text only, with `?` in place of every argument: safe to log, because values are never shown.
    public var description: String { text }

    /// Appends another fragment, its arguments after this one's.
    public mutating func append(_ other: SQL) {
        text += other.text
        arguments += other.arguments
    }

    /// The concatenation of two fragments.
    public static func + (lhs: SQL, rhs: SQL) -> SQL {
        var result = lhs
        result.append(rhs)
        return result
    }

    /// Builds the text of an `SQL` literal: literal segments verbatim, values as `?`.
    public struct StringInterpolation: StringInterpolationProtocol {
        /// Literal segments are `StaticString`, so no runtime string becomes SQL text.
        public typealias StringLiteralType = StaticString

        var text = ""
        var arguments: [DatabaseValue] = []

        /// Reserves room for the literal.
        public init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + interpolationCount)
        }

        /// Appends a literal segment of the SQL text.
        public mutating func appendLiteral(_ literal: StaticString) {
            text += literal.description
        }

        /// Appends `?` and binds `value` to it.
        public mutating func appendInterpolation(_ value: some DatabaseValueConvertible) {
            text += "?"
            arguments.append(value.databaseValue)
        }

        /// Appends `?` and binds `value` to it, or `NULL` when it is `nil`.
        public mutating func appendInterpolation<T: DatabaseValueConvertible>(_ value: T?) {
            text += "?"
            arguments.append(value.databaseValue)
        }

        /// Appends a quoted identifier (a table or column name from a closed set).
        public mutating func appendInterpolation(_ identifier: SQLIdentifier) {
            text += identifier.quoted
        }

        /// Appends a fragment with its arguments.
        public mutating func appendInterpolation(_ fragment: SQL) {
            text += fragment.text
            arguments += fragment.arguments
        }

        /// Appends `?, ?, …` with one bound argument per element, for `IN (…)`. An empty collection appends
        /// nothing, which SQLite accepts as the empty list `IN ()` (https://www.sqlite.org/lang_expr.html#the_in_and_not_in_operators).
        public mutating func appendInterpolation<C: Collection>(list values: C)
        where C.Element: DatabaseValueConvertible {
            var first = true
            for value in values {
                text += first ? "?" : ", ?"
                first = false
                arguments.append(value.databaseValue)
            }
        }
    }
}

extension Sequence where Element == SQL {
    /// The fragments joined by `separator`, arguments in order.
    ///
    /// ```swift
    /// let conditions: [SQL] = ["age >= \(minimum)", "sex = \(sex)"]
    /// let query: SQL = "SELECT count(*) FROM patients WHERE \(conditions.joined(separator: " AND "))"
    /// ```
    public func joined(separator: SQL) -> SQL {
        var result: SQL = ""
        var first = true
        for fragment in self {
            if !first { result.append(separator) }
            result.append(fragment)
            first = false
        }
        return result
    }
}
