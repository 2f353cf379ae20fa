/// Parses the head of an HTTP/1.1 request from received bytes, with limits (RFC 9112).
///
/// ```swift
/// switch try HTTPParser.parseRequestHead(buffer) {
/// case .complete(let head, let length): respond(to: head)   // buffer[length...] is the body, if any
/// case .incomplete: readMore()
/// }
/// ```
///
/// What is accepted, and why:
/// - Lines end in CRLF; a bare LF is accepted as a line end too, and the CR before it ignored ("a recipient
///   MAY recognize a single LF as a line terminator and ignore any preceding CR", RFC 9112 §2.2). A CR not
///   followed by LF is refused (§2.2 lets a recipient "consider such an element invalid").
/// - Empty lines before the request line are skipped ("SHOULD ignore at least one empty line", §2.2).
/// - The request line is exactly `method SP request-target SP HTTP/1.x`: a token, a target of visible
///   US-ASCII, single spaces (§3). A major version other than 1 gives `.unsupportedVersion`.
/// - A header line is `field-name ":" OWS field-value OWS`; whitespace before the colon is refused (§5.1
///   "MUST respond with a 400"), and so is a line starting with whitespace — obs-fold, or whitespace after
///   the request line (§5.2, §2.2). Values may hold HTAB, SP, VCHAR and obs-text, not other control bytes
///   (RFC 9110 §5.5).
/// - HTTP/1.1 requests need exactly one `Host`, and no request may carry two (§3.2 "MUST respond with a 400").
/// - `Content-Length` must be digits and agree when repeated; `Transfer-Encoding` with `Content-Length` is
///   refused (§6.3: such a message "ought to be handled as an error"), as is `Transfer-Encoding` in HTTP/1.0.
public enum HTTPParser {
    /// Bounds on a request head, so a client cannot make the server hold or scan unbounded input.
    public struct Limits: Sendable, Hashable {
        /// The most bytes of the whole head, from the first byte through the empty line: 16 KiB by default.
        public var maximumHeadBytes: Int
        /// The most header field lines: 100 by default.
        public var maximumHeaderCount: Int
        /// The longest request line, line end excluded: 8 KiB by default (RFC 9112 §3 recommends supporting
        /// at least 8000 octets).
        public var maximumRequestLineBytes: Int

        /// Creates limits; the defaults are the server's.
        public init(maximumHeadBytes: Int = 16 * 1024, maximumHeaderCount: Int = 100, maximumRequestLineBytes: Int = 8 * 1024) {
            self.maximumHeadBytes = maximumHeadBytes
            self.maximumHeaderCount = maximumHeaderCount
            self.maximumRequestLineBytes = maximumRequestLineBytes
        }
    }

    /// The outcome of parsing the bytes received so far.
    public enum Result: Sendable, Hashable {
        /// The head is complete: it took the first `length` bytes (its empty line included).
        case complete(HTTPRequestHead, length: Int)
        /// More bytes are needed; nothing wrong so far.
        case incomplete
    }

    /// Parses the request head at the start of `bytes`.
    /// - Parameters:
    ///   - bytes: Everything received on the connection so far.
    ///   - limits: Size and count limits.
    /// - Returns: `.complete` with the head and its length, or `.incomplete` when the head has not ended yet
    ///   and no limit is exceeded.
    /// - Throws: `HTTPError` with `.malformedRequest`, `.requestLineTooLong`, `.headerTooLarge`,
    ///   `.tooManyHeaders` or `.unsupportedVersion`, naming the byte offset; never the request's text.
    public static func parseRequestHead(_ bytes: [UInt8], limits: Limits = Limits()) throws(HTTPError) -> Result {
        var cursor = LineCursor(bytes: bytes)
        // Empty lines before the request line (§2.2).
        var requestLine: Range<Int>
        repeat {
            guard let line = try cursor.nextLine() else {
                try checkUnterminated(cursor, limits: limits, inRequestLine: true)
                return .incomplete
            }
            requestLine = line
        } while requestLine.isEmpty
        guard requestLine.count <= limits.maximumRequestLineBytes else {
            throw error(.requestLineTooLong, at: requestLine.lowerBound,
                        "the request line is \(requestLine.count) bytes, more than \(limits.maximumRequestLineBytes)")
        }
        var lines: [Range<Int>] = []
        while true {
            guard let line = try cursor.nextLine() else {
                try checkUnterminated(cursor, limits: limits, inRequestLine: false)
                if lines.count > limits.maximumHeaderCount { throw tooMany(limits, at: cursor.lineStart) }
                return .incomplete
            }
            if cursor.position > limits.maximumHeadBytes { throw tooLarge(limits) }
            if line.isEmpty { break }
            lines.append(line)
            if lines.count > limits.maximumHeaderCount { throw tooMany(limits, at: line.lowerBound) }
        }
        var head = try parseRequestLine(bytes, requestLine)
        for (index, line) in lines.enumerated() {
            head.fields.append(try parseField(bytes, line, number: index + 1))
        }
        try checkFraming(head)
        return .complete(head, length: cursor.position)
    }

    // MARK: - Lines

    /// Walks `bytes` line by line; a line is the range before its LF, without a CR just before the LF.
    private struct LineCursor {
        let bytes: [UInt8]
        var position = 0
        var lineStart = 0

        /// The next line, or nil when no LF follows yet (`position` stays at the line's start).
        mutating func nextLine() throws(HTTPError) -> Range<Int>? {
            lineStart = position
            var index = position
            while index < bytes.count {
                switch bytes[index] {
                case 10:
                    let end = index > position && bytes[index - 1] == 13 ? index - 1 : index
                    position = index + 1
                    return lineStart..<end
                case 13 where index + 1 < bytes.count && bytes[index + 1] != 10:
                    throw HTTPParser.error(.malformedRequest, at: index, "a CR not followed by LF (RFC 9112 §2.2)")
                default:
                    index += 1
                }
            }
            return nil
        }
    }

    /// Limits that apply while the head is still arriving.
    private static func checkUnterminated(_ cursor: LineCursor, limits: Limits, inRequestLine: Bool) throws(HTTPError) {
        let pending = cursor.bytes.count - cursor.lineStart
        // A CR may end the buffer; it belongs to the line end still to come.
        let pendingContent = cursor.bytes.last == 13 ? pending - 1 : pending
        if inRequestLine, pendingContent > limits.maximumRequestLineBytes {
            throw error(.requestLineTooLong, at: cursor.lineStart,
                        "no end of the request line within \(limits.maximumRequestLineBytes) bytes")
        }
        if cursor.bytes.count > limits.maximumHeadBytes { throw tooLarge(limits) }
    }

    private static func tooLarge(_ limits: Limits) -> HTTPError {
        error(.headerTooLarge, at: limits.maximumHeadBytes, "the request head is larger than \(limits.maximumHeadBytes) bytes")
    }

    private static func tooMany(_ limits: Limits, at offset: Int) -> HTTPError {
        error(.tooManyHeaders, at: offset, "more than \(limits.maximumHeaderCount) header lines")
    }

    // MARK: - Request line (RFC 9112 §3)

    private static func parseRequestLine(_ bytes: [UInt8], _ line: Range<Int>) throws(HTTPError) -> HTTPRequestHead {
        let parts = bytes[line].split(separator: 32, maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw error(.malformedRequest, at: line.lowerBound, "the request line is not 'method SP target SP version'")
        }
        let (method, target, version) = (parts[0], parts[1], parts[2])
        guard !method.isEmpty, method.allSatisfy(isTokenByte) else {
            throw error(.malformedRequest, at: line.lowerBound, "the method is not a token (RFC 9110 §9.1)")
        }
        guard !target.isEmpty, target.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw error(.malformedRequest, at: target.startIndex,
                        "the request target is empty or holds bytes other than visible US-ASCII (RFC 9112 §3.2)")
        }
        let prefix = Array("HTTP/".utf8)
        guard version.count == 8, version.starts(with: prefix), isDigit(version[version.startIndex + 5]),
            version[version.startIndex + 6] == UInt8(ascii: "."), isDigit(version[version.startIndex + 7])
        else {
            throw error(.malformedRequest, at: version.startIndex, "the version is not HTTP/DIGIT.DIGIT (RFC 9112 §2.3)")
        }
        let major = Int(version[version.startIndex + 5] - UInt8(ascii: "0"))
        let minor = Int(version[version.startIndex + 7] - UInt8(ascii: "0"))
        guard major == 1 else {
            throw error(.unsupportedVersion, at: version.startIndex, "HTTP/\(major).\(minor) is not supported; use HTTP/1.1")
        }
        return HTTPRequestHead(
            method: String(decoding: method, as: UTF8.self), target: String(decoding: target, as: UTF8.self),
            minorVersion: minor)
    }

    // MARK: - Header fields (RFC 9112 §5, RFC 9110 §5)

    private static func parseField(_ bytes: [UInt8], _ line: Range<Int>, number: Int) throws(HTTPError) -> HTTPRequestHead.Field {
        let first = bytes[line.lowerBound]
        guard first != 32, first != 9 else {
            throw error(.malformedRequest, at: line.lowerBound,
                        "header line \(number) starts with whitespace (obs-fold, RFC 9112 §5.2)")
        }
        guard let colon = bytes[line].firstIndex(of: UInt8(ascii: ":")) else {
            throw error(.malformedRequest, at: line.lowerBound, "header line \(number) has no colon")
        }
        let name = bytes[line.lowerBound..<colon]
        guard !name.isEmpty, name.allSatisfy(isTokenByte) else {
            throw error(.malformedRequest, at: line.lowerBound,
                        "the name of header line \(number) is not a token, or whitespace precedes the colon (RFC 9112 §5.1)")
        }
        var start = colon + 1
        var end = line.upperBound
        while start < end, bytes[start] == 32 || bytes[start] == 9 { start += 1 }
        while end > start, bytes[end - 1] == 32 || bytes[end - 1] == 9 { end -= 1 }
        for index in start..<end {
            let byte = bytes[index]
            guard byte == 9 || byte >= 0x20, byte != 0x7F else {
                throw error(.malformedRequest, at: index, "the value of header line \(number) holds a control byte (RFC 9110 §5.5)")
            }
        }
        var value = ""
        value.unicodeScalars.append(contentsOf: bytes[start..<end].map { Unicode.Scalar($0) })
        return HTTPRequestHead.Field(name: String(decoding: name, as: UTF8.self), value: value)
    }

    // MARK: - Framing rules a server must enforce

    private static func checkFraming(_ head: HTTPRequestHead) throws(HTTPError) {
        let hosts = head.fields.filter { $0.name.lowercased() == "host" }
        if hosts.count > 1 || (head.minorVersion >= 1 && hosts.isEmpty) {
            throw HTTPError(.malformedRequest, context: "request head",
                            detail: "\(hosts.count) Host header lines; HTTP/1.1 needs exactly one (RFC 9112 §3.2)")
        }
        let lengths = head.fields.filter { $0.name.lowercased() == "content-length" }.map(\.value)
        for length in lengths where length.isEmpty || !length.utf8.allSatisfy(isDigit) {
            throw HTTPError(.malformedRequest, context: "request head",
                            detail: "a Content-Length that is not a number (RFC 9110 §8.6)")
        }
        if Set(lengths.map { $0.drop { $0 == "0" } }).count > 1 {
            throw HTTPError(.malformedRequest, context: "request head", detail: "Content-Length lines disagree (RFC 9112 §6.3)")
        }
        if head.fields.contains(where: { $0.name.lowercased() == "transfer-encoding" }) {
            if !lengths.isEmpty || head.minorVersion == 0 {
                throw HTTPError(.malformedRequest, context: "request head",
                                detail: "Transfer-Encoding with Content-Length or in HTTP/1.0 (RFC 9112 §6.1, §6.3)")
            }
        }
    }

    // MARK: - Characters

    /// tchar of RFC 9110 §5.6.2: `!#$%&'*+-.^_`|~`, digits and letters.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    static func error(_ code: HTTPError.Code, at offset: Int, _ detail: String) -> HTTPError {
        HTTPError(code, context: "request head at byte \(offset)", detail: detail)
    }
}
