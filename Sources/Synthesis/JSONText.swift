import Telemetry

/// A JSON value with object members in the order they were given, written deterministically (RFC 8259).
///
/// Non-ASCII text is written as UTF-8, not `\u` escapes, so a byte search finds planted values as they are.
indirect enum JSONText {
    case object([(String, JSONText)])
    case array([JSONText])
    case string(String)
    case number(Double)
    case integer(Int)

    /// The JSON text, indented by two spaces per level, ending without a newline.
    func rendered(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent)
        let inner = String(repeating: "  ", count: indent + 1)
        switch self {
        case .object(let members):
            if members.isEmpty { return "{}" }
            let body = members.map { inner + Self.quoted($0.0) + ": " + $0.1.rendered(indent: indent + 1) }
            return "{\n" + body.joined(separator: ",\n") + "\n" + pad + "}"
        case .array(let values):
            if values.isEmpty { return "[]" }
            let body = values.map { inner + $0.rendered(indent: indent + 1) }
            return "[\n" + body.joined(separator: ",\n") + "\n" + pad + "]"
        case .string(let text): return Self.quoted(text)
        case .number(let value): return String(value)
        case .integer(let value): return String(value)
        }
    }

    static func quoted(_ text: String) -> String { JSONString.quoted(text) }
}
