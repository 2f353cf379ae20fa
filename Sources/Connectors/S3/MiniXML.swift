/// A small, bounded XML reader for the documents S3 servers send (ListObjectsV2 results, error documents).
///
/// It reads elements, attributes (skipped), character data, CDATA sections, comments and the XML
/// declaration (XML 1.0, W3C Recommendation, 5th edition). It refuses document type declarations
/// (`<!DOCTYPE`), so no entity is ever defined or expanded ("billion laughs", external entities); only the
/// five predefined entities (§4.6) and character references (§4.1) are decoded. Depth, element count,
/// name and text lengths are limited, and every failure names its byte offset.
struct MiniXML {
    /// An element with its character data (concatenated) and child elements.
    struct Element: Equatable {
        var name: String
        var text: String
        var children: [Element]

        /// The first child named `name`.
        func child(_ name: String) -> Element? { children.first { $0.name == name } }
        /// Every child named `name`.
        func children(_ name: String) -> [Element] { children.filter { $0.name == name } }
    }

    /// A parse failure at a byte offset.
    struct Failure: Error, Equatable {
        let offset: Int
        let reason: String
    }

    /// Limits on what a document may contain.
    struct Limits {
        var maximumBytes = 64 << 20
        var maximumDepth = 32
        var maximumElements = 500_000
        var maximumNameBytes = 256
        var maximumTextBytes = 1 << 20
    }

    private struct Open {
        var name: String
        var text: [UInt8] = []
        var children: [Element] = []
    }

    private let bytes: [UInt8]
    private let limits: Limits
    private var index = 0
    private var stack: [Open] = []
    private var root: Element?
    private var elementCount = 0

    private init(bytes: [UInt8], limits: Limits) {
        self.bytes = bytes
        self.limits = limits
    }

    /// Parses `bytes` (UTF-8) into its root element.
    static func parse(_ bytes: [UInt8], limits: Limits = Limits()) throws(Failure) -> Element {
        guard bytes.count <= limits.maximumBytes else {
            throw Failure(offset: 0, reason: "document of \(bytes.count) bytes exceeds \(limits.maximumBytes)")
        }
        var parser = MiniXML(bytes: bytes, limits: limits)
        return try parser.run()
    }

    private mutating func run() throws(Failure) -> Element {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "<") {
                try markup()
            } else {
                try characterData()
            }
        }
        if let open = stack.last {
            throw Failure(offset: bytes.count, reason: "element <\(open.name)> is not closed")
        }
        guard let root else { throw Failure(offset: bytes.count, reason: "no root element") }
        return root
    }

    private func starts(with text: String, at offset: Int) -> Bool {
        let pattern = Array(text.utf8)
        guard offset + pattern.count <= bytes.count else { return false }
        return bytes[offset..<offset + pattern.count].elementsEqual(pattern)
    }

    /// Moves past the next `terminator`, or fails naming `what`.
    private mutating func skip(past terminator: String, what: String) throws(Failure) -> Range<Int> {
        let start = index
        let pattern = Array(terminator.utf8)
        var position = index
        while position + pattern.count <= bytes.count {
            if bytes[position] == pattern[0], bytes[position..<position + pattern.count].elementsEqual(pattern) {
                index = position + pattern.count
                return start..<position
            }
            position += 1
        }
        throw Failure(offset: start, reason: "\(what) is not terminated by '\(terminator)'")
    }

    private mutating func markup() throws(Failure) {
        let start = index
        if starts(with: "<?", at: index) {
            index += 2
            _ = try skip(past: "?>", what: "processing instruction")
        } else if starts(with: "<!--", at: index) {
            index += 4
            _ = try skip(past: "-->", what: "comment")
        } else if starts(with: "<![CDATA[", at: index) {
            index += 9
            let range = try skip(past: "]]>", what: "CDATA section")
            guard !stack.isEmpty else { throw Failure(offset: start, reason: "CDATA outside the root element") }
            try appendText(bytes[range], at: start)
        } else if starts(with: "<!", at: index) {
            throw Failure(offset: start, reason: "markup declarations (<!DOCTYPE, <!ENTITY) are not accepted")
        } else if starts(with: "</", at: index) {
            index += 2
            let name = try readName()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else {
                throw Failure(offset: index, reason: "expected '>' after </\(name)")
            }
            index += 1
            guard let open = stack.popLast() else {
                throw Failure(offset: start, reason: "end tag </\(name)> without a start tag")
            }
            guard open.name == name else {
                throw Failure(offset: start, reason: "end tag </\(name)> does not match <\(open.name)>")
            }
            guard let text = String(validating: open.text, as: UTF8.self) else {
                throw Failure(offset: start, reason: "text of <\(name)> is not valid UTF-8")
            }
            close(Element(name: open.name, text: text, children: open.children))
        } else {
            index += 1
            let name = try readName()
            guard root == nil || !stack.isEmpty else {
                throw Failure(offset: start, reason: "a second root element <\(name)>")
            }
            guard stack.count < limits.maximumDepth else {
                throw Failure(offset: start, reason: "elements nested deeper than \(limits.maximumDepth)")
            }
            elementCount += 1
            guard elementCount <= limits.maximumElements else {
                throw Failure(offset: start, reason: "more than \(limits.maximumElements) elements")
            }
            try skipAttributes(of: name)
            if bytes[index] == UInt8(ascii: "/") {
                index += 1
                guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else {
                    throw Failure(offset: index, reason: "expected '>' after '/' in <\(name)")
                }
                index += 1
                close(Element(name: name, text: "", children: []))
            } else {
                index += 1  // '>'
                stack.append(Open(name: name))
            }
        }
    }

    private mutating func close(_ element: Element) {
        if stack.isEmpty {
            root = element
        } else {
            stack[stack.count - 1].children.append(element)
        }
    }

    /// Skips `name="value"` pairs; stops at '/' or '>' (index on it).
    private mutating func skipAttributes(of element: String) throws(Failure) {
        while true {
            let hadSpace = skipWhitespace()
            guard index < bytes.count else { throw Failure(offset: index, reason: "start tag <\(element)> is cut off") }
            let byte = bytes[index]
            if byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") { return }
            guard hadSpace else { throw Failure(offset: index, reason: "expected white space in <\(element)>") }
            _ = try readName()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
                throw Failure(offset: index, reason: "expected '=' in an attribute of <\(element)>")
            }
            index += 1
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                throw Failure(offset: index, reason: "expected a quoted attribute value in <\(element)>")
            }
            let quote = bytes[index]
            let valueStart = index
            index += 1
            while index < bytes.count, bytes[index] != quote {
                guard bytes[index] != UInt8(ascii: "<") else {
                    throw Failure(offset: index, reason: "'<' inside an attribute value of <\(element)>")
                }
                index += 1
            }
            guard index < bytes.count else {
                throw Failure(offset: valueStart, reason: "attribute value in <\(element)> is not terminated")
            }
            index += 1
        }
    }

    @discardableResult
    private mutating func skipWhitespace() -> Bool {
        let start = index
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        return index > start
    }

    /// Reads an XML name (§2.3), simplified: ASCII letters, digits, `_ : . -`, and any non-ASCII byte.
    private mutating func readName() throws(Failure) -> String {
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            let isNameByte = (byte >= 0x80) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A)
                || (index > start && byte >= 0x30 && byte <= 0x39) || byte == 0x5F || byte == 0x3A
                || (index > start && (byte == 0x2E || byte == 0x2D))
            guard isNameByte else { break }
            index += 1
            guard index - start <= limits.maximumNameBytes else {
                throw Failure(offset: start, reason: "name longer than \(limits.maximumNameBytes) bytes")
            }
        }
        guard index > start, let name = String(validating: bytes[start..<index], as: UTF8.self) else {
            throw Failure(offset: start, reason: "expected an element or attribute name")
        }
        return name
    }

    private mutating func characterData() throws(Failure) {
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "<") { index += 1 }
        let run = bytes[start..<index]
        guard !stack.isEmpty else {
            guard run.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) else {
                throw Failure(offset: start, reason: "text outside the root element")
            }
            return
        }
        guard !run.contains(UInt8(ascii: "&")) else {
            try appendText(try decodeReferences(run), at: start)
            return
        }
        try appendText(run, at: start)
    }

    private mutating func appendText<Bytes: Collection<UInt8>>(_ text: Bytes, at offset: Int) throws(Failure) {
        let last = stack.count - 1
        guard stack[last].text.count + text.count <= limits.maximumTextBytes else {
            throw Failure(offset: offset, reason: "text of <\(stack[last].name)> exceeds \(limits.maximumTextBytes) bytes")
        }
        stack[last].text.append(contentsOf: text)
    }

    /// Decodes the predefined entities (§4.6) and character references (§4.1) in `run`; anything else fails.
    private func decodeReferences(_ run: ArraySlice<UInt8>) throws(Failure) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(run.count)
        var position = run.startIndex
        while position < run.endIndex {
            let byte = run[position]
            guard byte == UInt8(ascii: "&") else {
                output.append(byte)
                position += 1
                continue
            }
            guard let semicolon = run[position...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
                throw Failure(offset: position, reason: "'&' does not start a reference ending in ';'")
            }
            let name = String(decoding: run[(position + 1)..<semicolon], as: UTF8.self)
            switch name {
            case "lt": output.append(UInt8(ascii: "<"))
            case "gt": output.append(UInt8(ascii: ">"))
            case "amp": output.append(UInt8(ascii: "&"))
            case "quot": output.append(UInt8(ascii: "\""))
            case "apos": output.append(UInt8(ascii: "'"))
            default:
                guard name.hasPrefix("#") else {
                    throw Failure(
                        offset: position,
                        reason: "entity '&\(name.prefix(10));' is not predefined (entities are never expanded)")
                }
                let digits = name.dropFirst()
                let value: UInt32? =
                    digits.hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
                guard let value, value != 0, let scalar = Unicode.Scalar(value) else {
                    throw Failure(offset: position, reason: "character reference '&\(name.prefix(10));' is not valid")
                }
                output.append(contentsOf: Array(String(Character(scalar)).utf8))
            }
            position = semicolon + 1
        }
        return output
    }
}
