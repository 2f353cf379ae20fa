public import Foundation

/// A blocking-call-safe HTTP/1.1 client over libcurl, usable from any thread or task.
///
/// ```swift
/// let client = HTTPClient(configuration: .init(credentials: BasicCredentials(username: "fedlake", password: pw)))
/// let response = try await client.send(HTTPRequest(url: URL(string: "http://127.0.0.1:8042/system")!))
/// let saved = try await client.download(HTTPRequest(url: objectURL), to: localFile)
/// ```
///
/// Policy, whatever the environment says: no proxy (`http_proxy` is ignored), redirects are returned to the
/// caller and never followed (so credentials never travel to another host), only `http` and `https`,
/// TLS 1.2 or newer with peer and host verification (RFC 9325 §3.1.1).
///
/// Connections are reused: a client and its copies share a small pool of curl handles, each keeping the
/// connections (and TLS sessions) of the requests it performed, so consecutive requests to a server that
/// keeps connections alive travel over one TCP connection instead of opening one each (RFC 9112 §9.3).
/// Concurrent requests use different handles, so a client opens about as many connections as it has
/// requests in flight, and keeps at most ``Configuration/maximumIdleConnections`` handles between requests.
/// Nothing else carries from one request to the next: every option (URL, method, headers, body,
/// credentials, where the body goes) is set afresh for each one. A kept connection the server has closed is
/// noticed by libcurl, which connects again (and resends the request, body included, when the connection
/// died under it).
///
/// The synchronous methods block the calling thread; the `async` ones run the transfer on a Dispatch thread,
/// off Swift's cooperative pool.
public struct HTTPClient: Sendable {
    /// Settings shared by every request of a client.
    public struct Configuration: Sendable {
        /// HTTP Basic credentials sent with every request (RFC 7617), or nil.
        public var credentials: BasicCredentials?
        /// A PEM file of trusted CA certificates for `https`, or nil for the system store.
        public var certificateAuthorityFile: URL?
        /// Limit on establishing the connection (TCP and TLS).
        public var connectTimeout: Duration
        /// Limit on the whole transfer.
        public var timeout: Duration
        /// The largest response body kept in memory (``HTTPClient/send(_:)``, and error bodies of
        /// ``HTTPClient/download(_:to:)``).
        public var maximumBodyBytes: Int
        /// How many curl handles, each with its open connections, a client keeps between requests; 0 opens a
        /// new connection for every request. Read once, when the client is made.
        public var maximumIdleConnections: Int

        /// Creates a configuration; defaults: no credentials, system CAs, 10 s to connect, 300 s in all,
        /// 64 MiB in-memory bodies, 8 idle connections.
        public init(
            credentials: BasicCredentials? = nil,
            certificateAuthorityFile: URL? = nil,
            connectTimeout: Duration = .seconds(10),
            timeout: Duration = .seconds(300),
            maximumBodyBytes: Int = 64 << 20,
            maximumIdleConnections: Int = 8
        ) {
            self.credentials = credentials
            self.certificateAuthorityFile = certificateAuthorityFile
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.maximumBodyBytes = maximumBodyBytes
            self.maximumIdleConnections = maximumIdleConnections
        }
    }

    /// The settings of this client.
    public let configuration: Configuration

    /// The idle handles, shared by copies of this client; freed when the last copy goes away.
    private let handles: CurlHandlePool

    /// Creates a client with an empty pool of connections.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.handles = CurlHandlePool(capacity: configuration.maximumIdleConnections)
    }

    /// How many curl handles (with their connections) sit idle in this client's pool now.
    var idleConnectionHandles: Int { handles.idleCount }

    /// Sends `request` and returns the response with its body in memory. Blocks the calling thread.
    ///
    /// Any status, 4xx and 5xx included, is a response, not an error.
    /// - Throws: `HTTPError` when the request is malformed, the transfer fails (`.transport`, with curl's
    ///   message) or the body exceeds ``Configuration/maximumBodyBytes`` (`.responseTooLarge`).
    public func send(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse {
        try perform(request, sink: .memory(limit: configuration.maximumBodyBytes))
    }

    /// Sends `request` and streams a 2xx response body into `file` (created or truncated), so large objects
    /// never sit in memory. Blocks the calling thread.
    ///
    /// For other statuses the file is left empty and the (size-limited) body is returned in memory, so the
    /// caller can read the server's error document. The file is a working copy and is not flushed to stable
    /// storage; a caller that keeps it durably flushes it (the lake flushes what it stores).
    /// - Throws: `HTTPError` as ``send(_:)``, or `.fileWrite` when `file` cannot be created or written.
    public func download(_ request: HTTPRequest, to file: URL) throws(HTTPError) -> HTTPResponse {
        guard let handle = BodySink.openWorkingFile(path: file.path) else {
            throw HTTPError(.fileWrite, method: request.method, url: request.url,
                            detail: "cannot create \(file.lastPathComponent): \(String(cString: strerror(errno)))")
        }
        defer { try? handle.close() }
        return try perform(request, sink: .file(handle, errorLimit: errorBodyLimit))
    }

    /// Sends `request` and keeps a 2xx response body of at most `memoryLimit` bytes in memory (in `body`); a
    /// longer one is streamed into `file` (created or truncated, mode 0600, only then) and
    /// ``HTTPResponse/bodyIsInFile`` is set. Small objects so never touch the disk, large ones never sit in
    /// memory whole. Blocks the calling thread.
    ///
    /// For other statuses the (size-limited) body is returned in memory and `file` is not touched.
    /// - Throws: `HTTPError` as ``download(_:to:)``.
    public func download(
        _ request: HTTPRequest, to file: URL, keepingInMemoryUpTo memoryLimit: Int
    ) throws(HTTPError) -> HTTPResponse {
        try perform(request, sink: .spill(path: file.path, memoryLimit: memoryLimit, errorLimit: errorBodyLimit))
    }

    /// Performs `request` on a handle of this client's pool, its body going to `sink`.
    private func perform(_ request: HTTPRequest, sink: BodySink) throws(HTTPError) -> HTTPResponse {
        let settings = settings
        return try handles.withHandle { (easy) throws(HTTPError) in try easy.perform(request, settings: settings, sink: sink) }
    }

    /// The largest error body a download keeps in memory (the server's error document).
    private var errorBodyLimit: Int { min(configuration.maximumBodyBytes, 1 << 20) }

    /// ``download(_:to:keepingInMemoryUpTo:)`` run on a Dispatch thread, off the cooperative pool.
    /// - Throws: `HTTPError` as ``download(_:to:)``.
    public func download(
        _ request: HTTPRequest, to file: URL, keepingInMemoryUpTo memoryLimit: Int
    ) async throws(HTTPError) -> HTTPResponse {
        try await offPool { () throws(HTTPError) in try self.download(request, to: file, keepingInMemoryUpTo: memoryLimit) }
    }

    /// ``send(_:)`` run on a Dispatch thread so the blocking transfer stays off the cooperative pool.
    /// - Throws: `HTTPError` as ``send(_:)``.
    public func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        try await offPool { () throws(HTTPError) in try self.send(request) }
    }

    /// ``download(_:to:)`` run on a Dispatch thread so the blocking transfer stays off the cooperative pool.
    /// - Throws: `HTTPError` as ``download(_:to:)``.
    public func download(_ request: HTTPRequest, to file: URL) async throws(HTTPError) -> HTTPResponse {
        try await offPool { () throws(HTTPError) in try self.download(request, to: file) }
    }

    private static let transferQueue = DispatchQueue(label: "HTTPClient.transfers", attributes: .concurrent)

    private func offPool(
        _ work: @escaping @Sendable () throws(HTTPError) -> HTTPResponse
    ) async throws(HTTPError) -> HTTPResponse {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<HTTPResponse, HTTPError>, Never>) in
            Self.transferQueue.async { continuation.resume(returning: Result { () throws(HTTPError) in try work() }) }
        }
        return try result.get()
    }

    private var settings: CurlSettings {
        CurlSettings(
            username: configuration.credentials?.username,
            password: configuration.credentials?.password,
            certificateAuthorityFile: configuration.certificateAuthorityFile?.path,
            connectTimeoutMilliseconds: Self.milliseconds(configuration.connectTimeout),
            timeoutMilliseconds: Self.milliseconds(configuration.timeout))
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}

/// A user name and password for HTTP Basic authentication (RFC 7617).
///
/// Read the password from a file the operator protects (`BasicCredentials(username:passwordFile:)`), not
/// from the command line. `description` never shows the password.
public struct BasicCredentials: Sendable, CustomStringConvertible {
    /// The user name.
    public let username: String
    /// The password.
    public let password: String

    /// Credentials from values in memory.
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// Credentials whose password is the first line of `passwordFile` (trailing newline removed).
    /// - Throws: `HTTPError` with code `.credentials` naming the file when it cannot be read or is empty.
    public init(username: String, passwordFile: URL) throws(HTTPError) {
        let context = "password file \(passwordFile.lastPathComponent)"
        let text: String
        do {
            text = try String(contentsOf: passwordFile, encoding: .utf8)
        } catch {
            throw HTTPError(.credentials, context: context, detail: "cannot read: \(error.localizedDescription)")
        }
        // `isNewline` covers "\n", "\r" and the single Character "\r\n".
        let firstLine = text.split(maxSplits: 1, omittingEmptySubsequences: false, whereSeparator: \.isNewline).first
        let password = String(firstLine ?? "")
        guard !password.isEmpty else { throw HTTPError(.credentials, context: context, detail: "the first line is empty") }
        self.init(username: username, password: password)
    }

    /// `BasicCredentials(username: <name>, password: <redacted>)`.
    public var description: String { "BasicCredentials(username: \(username), password: <redacted>)" }
}
