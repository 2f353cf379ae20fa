/// A table, column, index or trigger name for ``SQL`` literals, made only from a string literal.
///
/// Because the initializer takes a `StaticString`, identifiers come from a closed set written in the
/// program (a schema enum), never from input. It is double-quoted in SQL text, with any `"` doubled,
/// as https://www.sqlite.org/lang_keywords.html prescribes for identifiers.
///
/// ```swift
/// enum Schema {
///     static let objects = SQLIdentifier("objects")
/// }
/// try db.execute("DELETE FROM \(Schema.objects) WHERE id = \(id)")
/// ```
public struct SQLIdentifier: Hashable, Sendable, CustomStringConvertible {
    /// The unquoted name.
    public let name: String

    /// An identifier from a string literal.
    ///
    /// - Precondition: `name` is not empty and contains no U+0000 (a programming error otherwise).
    public init(_ name: StaticString) {
        let text = name.description
        precondition(!text.isEmpty && !text.utf8.contains(0), "an SQL identifier is non-empty and has no NUL")
        self.name = text
    }

    /// The identifier as it appears in SQL: `"name"`.
    public var quoted: String {
        var result = "\""
        for character in name {
            result.append(character)
            if character == "\"" { result.append("\"") }
        }
        return result + "\""
    }

    /// The quoted form.
    public var description: String { quoted }
}
