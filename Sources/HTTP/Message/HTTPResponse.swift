/// A response received by ``HTTPClient``.
public struct HTTPResponse: Sendable {
    /// The status code, such as 200 or 404 (RFC 9110 §15).
    public var status: Int
    /// Header fields of the final response in received order (interim 1xx responses are dropped).
    public var headers: [(name: String, value: String)]
    /// The body, unless it was streamed to a file by ``HTTPClient/download(_:to:)`` (then empty, or the error
    /// body of a non-2xx response).
    public var body: [UInt8]
    /// Whether a 2xx body was written to the file given to ``HTTPClient/download(_:to:keepingInMemoryUpTo:)``
    /// (then `body` is empty) rather than kept in `body`.
    public internal(set) var bodyIsInFile = false

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The first value of the header named `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// The body decoded as UTF-8 (invalid sequences replaced).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
