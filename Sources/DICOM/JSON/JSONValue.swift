/// A JSON value (RFC 8259) as the DICOM JSON model needs it: objects keep their key order, numbers keep
/// their literal text so that a Decimal String goes out exactly as written and comes back unchanged.
enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number in RFC 8259 §6 syntax, as literal text.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in order; the serializer writes them in this order.
    case object([(key: String, value: JSONValue)])

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(value)
        case .number(let text): hasher.combine(text)
        case .string(let text): hasher.combine(text)
        case .array(let values): hasher.combine(values)
        case .object(let members):
            for member in members {
                hasher.combine(member.key)
                hasher.combine(member.value)
            }
        }
    }

    /// The member named `key` of an object.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// Whether `text` is a number in RFC 8259 §6 syntax: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    static func isNumberLiteral(_ text: some StringProtocol) -> Bool { isNumberLiteral(bytes: text.utf8) }

    /// ``isNumberLiteral(_:)`` of UTF-8 bytes.
    static func isNumberLiteral(bytes: some Collection<UInt8>) -> Bool {
        var index = bytes.startIndex
        let end = bytes.endIndex
        func skipDigits() -> Int {
            var count = 0
            while index != end, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                index = bytes.index(after: index)
                count += 1
            }
            return count
        }
        if index != end, bytes[index] == UInt8(ascii: "-") { index = bytes.index(after: index) }
        guard index != end, bytes[index] >= 0x30, bytes[index] <= 0x39 else { return false }
        if bytes[index] == UInt8(ascii: "0") { index = bytes.index(after: index) } else { _ = skipDigits() }
        if index != end, bytes[index] == UInt8(ascii: ".") {
            index = bytes.index(after: index)
            guard skipDigits() > 0 else { return false }
        }
        if index != end, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index = bytes.index(after: index)
            if index != end, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index = bytes.index(after: index)
            }
            guard skipDigits() > 0 else { return false }
        }
        return index == end
    }
}

// MARK: Serializing

extension JSONValue {
    /// UTF-8 JSON text: compact (no white space), or pretty with two-space indentation and `": "`.
    func serialized(pretty: Bool) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(4096)
        write(into: &output, pretty: pretty, indent: 0)
        if pretty { output.append(0x0A) }
        return output
    }

    func write(into output: inout [UInt8], pretty: Bool, indent: Int) {
        switch self {
        case .null: output += Array("null".utf8)
        case .bool(let value): output += Array((value ? "true" : "false").utf8)
        case .number(let text): output += Array(text.utf8)
        case .string(let text): Self.writeString(text, into: &output)
        case .array(let values):
            guard !values.isEmpty else {
                output += [0x5B, 0x5D]
                return
            }
            output.append(0x5B)
            for (index, value) in values.enumerated() {
                if index > 0 { output.append(0x2C) }
                if pretty { Self.newline(&output, indent: indent + 1) }
                value.write(into: &output, pretty: pretty, indent: indent + 1)
            }
            if pretty { Self.newline(&output, indent: indent) }
            output.append(0x5D)
        case .object(let members):
            guard !members.isEmpty else {
                output += [0x7B, 0x7D]
                return
            }
            output.append(0x7B)
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(0x2C) }
                if pretty { Self.newline(&output, indent: indent + 1) }
                Self.writeString(member.key, into: &output)
                output.append(0x3A)
                if pretty { output.append(0x20) }
                member.value.write(into: &output, pretty: pretty, indent: indent + 1)
            }
            if pretty { Self.newline(&output, indent: indent) }
            output.append(0x7D)
        }
    }

    private static func newline(_ output: inout [UInt8], indent: Int) {
        output.append(0x0A)
        output += repeatElement(0x20, count: indent * 2)
    }

    /// RFC 8259 §7: quote, reverse solidus and control characters escaped; everything else as UTF-8.
    private static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(0x22)
        // Most text needs no escape: copy its UTF-8 in one go.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            output.append(contentsOf: text.utf8)
            output.append(0x22)
            return
        }
        let hex = Array("0123456789abcdef".utf8)
        for byte in text.utf8 {
            switch byte {
            case 0x22: output += [0x5C, 0x22]
            case 0x5C: output += [0x5C, 0x5C]
            case 0x0A: output += [0x5C, 0x6E]
            case 0x0D: output += [0x5C, 0x72]
            case 0x09: output += [0x5C, 0x74]
            case 0x08: output += [0x5C, 0x62]
            case 0x0C: output += [0x5C, 0x66]
            case 0x00..<0x20: output += [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: output.append(byte)
            }
        }
        output.append(0x22)
    }
}

// MARK: Parsing

/// A strict RFC 8259 parser over UTF-8 bytes with a nesting limit; errors name the byte offset.
struct JSONParser {
    private let bytes: [UInt8]
    private var position = 0
    private let maxDepth: Int

    /// Parses one JSON text.
    /// - Throws: `DICOMError` `.invalidJSON` naming the byte offset and what was expected.
    static func parse(_ bytes: [UInt8], maxDepth: Int) throws(DICOMError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        if parser.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.position = 3 }  // RFC 8259 §8.1 allows ignoring a BOM
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.position == parser.bytes.count else { throw parser.failure("unexpected bytes after the JSON value") }
        return value
    }

    private init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    private func failure(_ reason: String) -> DICOMError {
        DICOMError(.invalidJSON, "JSON syntax error at byte \(position): \(reason)")
    }

    private mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    private mutating func expect(_ literal: String, value: JSONValue) throws(DICOMError) -> JSONValue {
        let expected = Array(literal.utf8)
        guard bytes.count - position >= expected.count, Array(bytes[position..<(position + expected.count)]) == expected
        else { throw failure("expected a JSON value") }
        position += expected.count
        return value
    }

    private mutating func parseValue(depth: Int) throws(DICOMError) -> JSONValue {
        skipWhitespace()
        guard position < bytes.count else { throw failure("the input ends where a value was expected") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            guard depth < maxDepth else { throw failure("JSON nests deeper than \(maxDepth) levels") }
            position += 1
            var members: [(key: String, value: JSONValue)] = []
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                    throw failure("expected a member name in quotes")
                }
                let key = try parseString()
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw failure("expected ':'") }
                position += 1
                let value = try parseValue(depth: depth + 1)
                members.append((key, value))
                skipWhitespace()
                guard position < bytes.count else { throw failure("the input ends inside an object") }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                guard bytes[position] == UInt8(ascii: "}") else { throw failure("expected ',' or '}' in an object") }
                position += 1
                return .object(members)
            }
        case UInt8(ascii: "["):
            guard depth < maxDepth else { throw failure("JSON nests deeper than \(maxDepth) levels") }
            position += 1
            var values: [JSONValue] = []
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(values)
            }
            while true {
                values.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                guard position < bytes.count else { throw failure("the input ends inside an array") }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                guard bytes[position] == UInt8(ascii: "]") else { throw failure("expected ',' or ']' in an array") }
                position += 1
                return .array(values)
            }
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try expect("true", value: .bool(true))
        case UInt8(ascii: "f"): return try expect("false", value: .bool(false))
        case UInt8(ascii: "n"): return try expect("null", value: .null)
        default: return try parseNumber()
        }
    }

    private mutating func parseNumber() throws(DICOMError) -> JSONValue {
        let start = position
        let allowed: Set<UInt8> = Set(Array("0123456789+-.eE".utf8))
        while position < bytes.count, allowed.contains(bytes[position]) { position += 1 }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard !text.isEmpty, JSONValue.isNumberLiteral(text) else {
            position = start
            throw failure("expected a JSON value")
        }
        return .number(text)
    }

    private mutating func parseString() throws(DICOMError) -> String {
        position += 1  // opening quote
        var scalars = String.UnicodeScalarView()
        var runStart = position
        func flush(_ end: Int) throws(DICOMError) {
            guard end > runStart else { return }
            guard let run = String(validating: bytes[runStart..<end], as: UTF8.self) else {
                throw DICOMError(.invalidJSON, "JSON syntax error at byte \(runStart): a string is not valid UTF-8")
            }
            scalars.append(contentsOf: run.unicodeScalars)
        }
        while true {
            guard position < bytes.count else { throw failure("the input ends inside a string") }
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                try flush(position)
                position += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                try flush(position)
                position += 1
                guard position < bytes.count else { throw failure("the input ends inside a string") }
                let escaped = bytes[position]
                position += 1
                switch escaped {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    let unit = try parseHex4()
                    if (0xD800..<0xDC00).contains(unit) {
                        guard bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"),
                            bytes[position + 1] == UInt8(ascii: "u")
                        else { throw failure("a high surrogate escape is not followed by a low surrogate") }
                        position += 2
                        let low = try parseHex4()
                        guard (0xDC00..<0xE000).contains(low),
                            let scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                        else { throw failure("invalid surrogate pair") }
                        scalars.append(scalar)
                    } else {
                        guard let scalar = Unicode.Scalar(unit) else { throw failure("a lone low surrogate escape") }
                        scalars.append(scalar)
                    }
                default: throw failure("invalid escape in a string")
                }
                runStart = position
            case 0x00..<0x20:
                throw failure("unescaped control character in a string")
            default:
                position += 1
            }
        }
    }

    private mutating func parseHex4() throws(DICOMError) -> UInt32 {
        guard bytes.count - position >= 4,
            let value = UInt32(String(decoding: bytes[position..<(position + 4)], as: UTF8.self), radix: 16),
            bytes[position..<(position + 4)].allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "-") })
        else { throw failure("expected four hexadecimal digits after \\u") }
        position += 4
        return value
    }
}
