/// The head of a request received by a server: request line and header fields (RFC 9112 §3, §5).
public struct HTTPRequestHead: Sendable, Hashable {
    /// One header field line.
    public struct Field: Sendable, Hashable {
        /// The field name as received (compare case-insensitively, RFC 9110 §5.1).
        public var name: String
        /// The field value without leading and trailing whitespace; bytes above 0x7F (obs-text) are kept as
        /// the Latin-1 characters of the same code, so no byte is lost.
        public var value: String

        /// Creates a field.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The method token, case-sensitive (RFC 9110 §9.1): `GET`, `HEAD`, …
    public var method: String
    /// The request target as received: origin-form `/metrics?x=1`, absolute-form `http://host/metrics`,
    /// authority-form or `*` (RFC 9112 §3.2).
    public var target: String
    /// The minor version of HTTP/1.x (0 or 1; higher minor versions are read as 1.1's peers).
    public var minorVersion: Int
    /// The header fields in received order.
    public var fields: [Field]

    /// Creates a request head.
    public init(method: String, target: String, minorVersion: Int = 1, fields: [Field] = []) {
        self.method = method
        self.target = target
        self.minorVersion = minorVersion
        self.fields = fields
    }

    /// The first value of the field named `name`, compared case-insensitively.
    public func field(_ name: String) -> String? {
        let wanted = name.lowercased()
        return fields.first { $0.name.lowercased() == wanted }?.value
    }

    /// The path of the target without query: `/metrics` for `/metrics?x` and for `http://host:1/metrics?x`;
    /// `*` and authority-form targets are returned as they are.
    public var path: String {
        var rest = Substring(target)
        for scheme in ["http://", "https://"] where rest.lowercased().hasPrefix(scheme) {
            rest = rest.dropFirst(scheme.count)
            rest = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        }
        if let query = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<query] }
        return String(rest)
    }

    /// The head serialized in HTTP/1.1 syntax, ending with the empty line (CRLF line ends).
    public var serialized: [UInt8] {
        var bytes = Array("\(method) \(target) HTTP/1.\(minorVersion)\r\n".utf8)
        for field in fields {
            bytes += Array(field.name.utf8)
            bytes += Array(": ".utf8)
            bytes += field.value.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
            bytes += [13, 10]
        }
        return bytes + [13, 10]
    }
}
