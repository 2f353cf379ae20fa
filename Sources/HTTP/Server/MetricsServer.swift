import Dispatch
import Foundation
import Glibc
import Synchronization

/// A minimal HTTP/1.1 server for a metrics endpoint: `GET /metrics` answers with the text a closure renders.
///
/// ```swift
/// let server = try MetricsServer(listen: config.metrics.listen) { metrics.prometheusText() }
/// print("metrics on http://\(server.address)/metrics")
/// …
/// server.stop()
/// ```
///
/// - Only the configured address is bound; an address outside loopback is refused unless
///   ``Configuration/allowNonLoopback`` is set, because metrics reveal activity and the node is meant to
///   accept no inbound connections from the network (ARCHITECTURE.md, principle 2).
/// - `GET` and `HEAD` of ``Configuration/path`` answer 200 with ``Configuration/contentType``; other paths
///   404; other methods on the path 405 with `Allow: GET, HEAD`; unparsable heads 400, 414, 431 or 505
///   (``HTTPParser``); a head that does not arrive within ``Configuration/requestTimeout`` 408.
/// - Every response carries `Connection: close` and the connection is closed after it (RFC 9112 §9.6).
/// - Connections are served on dedicated threads, never on Swift's cooperative pool, at most
///   ``Configuration/maximumConnections`` at a time (more are answered 503 and closed).
/// - ``stop()`` stops accepting, lets connections being served finish, and returns when all threads ended.
///
/// The server logs nothing (a layer-1 module); pass `onEvent` to log or count what it does.
public final class MetricsServer: Sendable {
    /// Settings of a server.
    public struct Configuration: Sendable {
        /// Where to listen; port 0 takes a free port (read it from ``MetricsServer/address``).
        public var listen: ListenAddress
        /// Whether an address outside loopback may be bound (false by default).
        public var allowNonLoopback: Bool
        /// The one path served.
        public var path: String
        /// The `Content-Type` of the body: the Prometheus text format 0.0.4 by default.
        public var contentType: String
        /// Limits on request heads.
        public var limits: HTTPParser.Limits
        /// Connections served at the same time.
        public var maximumConnections: Int
        /// Time allowed for a request head to arrive, and for a response to be sent.
        public var requestTimeout: Duration

        /// Creates settings with safe defaults: loopback only, `/metrics`, text format 0.0.4, the parser's
        /// default limits, 8 connections, 10 s.
        public init(
            listen: ListenAddress, allowNonLoopback: Bool = false, path: String = "/metrics",
            contentType: String = "text/plain; version=0.0.4; charset=utf-8", limits: HTTPParser.Limits = .init(),
            maximumConnections: Int = 8, requestTimeout: Duration = .seconds(10)
        ) {
            self.listen = listen
            self.allowNonLoopback = allowNonLoopback
            self.path = path
            self.contentType = contentType
            self.limits = limits
            self.maximumConnections = maximumConnections
            self.requestTimeout = requestTimeout
        }
    }

    /// Something the server did, for the caller to log or count.
    public enum Event: Sendable {
        /// A request was answered with `status`. `path` is client-supplied text.
        case served(method: String, path: String, status: Int)
        /// A request head was refused (400, 414, 431, 505) with this error.
        case refused(HTTPError)
        /// A connection was answered 503 because ``Configuration/maximumConnections`` were busy.
        case busy
        /// A connection sent no complete head in time and got 408.
        case timedOut
    }

    /// The address actually bound, with the port the kernel chose when 0 was asked for.
    public let address: ListenAddress
    /// The settings.
    public let configuration: Configuration
    private let core: ServerCore

    /// Binds `configuration.listen` and starts serving on a dedicated thread.
    /// - Parameters:
    ///   - configuration: The settings.
    ///   - onEvent: Called on the server's threads for each ``Event``; keep it quick.
    ///   - body: Renders the response body of each `GET`; called on a connection thread.
    /// - Throws: `HTTPError` with `.listen` when the address is outside loopback and not allowed, or
    ///   `socket`, `bind` or `listen` fail (address in use, no such address, permission).
    public init(
        configuration: Configuration, onEvent: (@Sendable (Event) -> Void)? = nil,
        body: @escaping @Sendable () -> String
    ) throws(HTTPError) {
        guard configuration.listen.isLoopback || configuration.allowNonLoopback else {
            throw HTTPError(
                .listen, context: "listener \(configuration.listen)",
                detail: "not a loopback address; metrics are served on loopback unless non-loopback is explicitly allowed")
        }
        let (descriptor, port) = try Socket.listen(on: configuration.listen, backlog: 16)
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else {
            let detail = Socket.lastError("pipe")
            close(descriptor)
            throw HTTPError(.listen, context: "listener \(configuration.listen)", detail: detail)
        }
        Socket.setCloseOnExec(pipeEnds[0])
        Socket.setCloseOnExec(pipeEnds[1])
        address = ListenAddress(host: configuration.listen.host, port: port, isIPv6: configuration.listen.isIPv6)
        self.configuration = configuration
        core = ServerCore(
            listener: descriptor, wakeRead: pipeEnds[0], wakeWrite: pipeEnds[1], configuration: configuration,
            onEvent: onEvent ?? { _ in }, body: body)
        core.start()
    }

    /// Binds `listen` (such as `"127.0.0.1:9464"`) and serves `GET /metrics` with `body`.
    /// - Throws: `HTTPError` with `.listen` when `listen` is not `IP:port`, is outside loopback while
    ///   `allowNonLoopback` is false, or cannot be bound.
    public convenience init(
        listen: String, allowNonLoopback: Bool = false, onEvent: (@Sendable (Event) -> Void)? = nil,
        body: @escaping @Sendable () -> String
    ) throws(HTTPError) {
        try self.init(
            configuration: Configuration(listen: ListenAddress(parsing: listen), allowNonLoopback: allowNonLoopback),
            onEvent: onEvent, body: body)
    }

    /// The bound port.
    public var port: UInt16 { address.port }

    /// Stops accepting, waits for connections being served to finish, closes the socket. Safe to call more
    /// than once; must not be called from `body` or `onEvent`.
    public func stop() {
        core.stop()
    }

    deinit {
        core.stop()
    }
}

/// The server's sockets and threads; the threads hold this, not the ``MetricsServer``, so dropping the
/// server stops it.
private final class ServerCore: Sendable {
    private struct State {
        var stopped = false
        var active = 0
    }

    let listener: Int32
    let wakeRead: Int32
    let wakeWrite: Int32
    let configuration: MetricsServer.Configuration
    let onEvent: @Sendable (MetricsServer.Event) -> Void
    let body: @Sendable () -> String
    private let state = Mutex(State())
    private let threads = DispatchGroup()

    init(
        listener: Int32, wakeRead: Int32, wakeWrite: Int32, configuration: MetricsServer.Configuration,
        onEvent: @escaping @Sendable (MetricsServer.Event) -> Void, body: @escaping @Sendable () -> String
    ) {
        self.listener = listener
        self.wakeRead = wakeRead
        self.wakeWrite = wakeWrite
        self.configuration = configuration
        self.onEvent = onEvent
        self.body = body
    }

    func start() {
        threads.enter()
        let thread = Thread { [self] in
            acceptLoop()
            threads.leave()
        }
        thread.name = "fedlake-metrics-accept"
        thread.start()
    }

    func stop() {
        let first = state.withLock { state -> Bool in
            defer { state.stopped = true }
            return !state.stopped
        }
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
        threads.wait()
        close(listener)
        close(wakeRead)
        close(wakeWrite)
    }

    private func acceptLoop() {
        while true {
            var entries = [
                pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&entries, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if entries[1].revents != 0 { return }
            guard entries[0].revents & Int16(POLLIN) != 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }  // ECONNABORTED, EMFILE, …: try again on the next poll
            Socket.setCloseOnExec(connection)
            let admitted = state.withLock { state -> Bool in
                guard !state.stopped, state.active < configuration.maximumConnections else { return false }
                state.active += 1
                return true
            }
            guard admitted else {
                Socket.setSendTimeout(connection, seconds: 1)
                _ = Socket.sendAll(connection, Self.response(status: 503, extraHeaders: [], body: "busy\n"))
                close(connection)
                onEvent(.busy)
                continue
            }
            threads.enter()
            let thread = Thread { [self] in
                serve(connection)
                state.withLock { $0.active -= 1 }
                threads.leave()
            }
            thread.name = "fedlake-metrics-connection"
            thread.start()
        }
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        let timeoutSeconds = max(1, Int(configuration.requestTimeout.components.seconds))
        Socket.setSendTimeout(connection, seconds: timeoutSeconds)
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.requestTimeout
        var received: [UInt8] = []
        while true {
            let remaining = clock.now.duration(to: deadline)
            let milliseconds = Int32(clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)
            guard milliseconds > 0, Socket.waitReadable(connection, milliseconds: milliseconds) else {
                _ = Socket.sendAll(connection, Self.response(status: 408, extraHeaders: [], body: "request timeout\n"))
                onEvent(.timedOut)
                return
            }
            guard let chunk = Socket.read(connection, count: 4096) else { return }  // closed before a whole head
            received += chunk
            do {
                switch try HTTPParser.parseRequestHead(received, limits: configuration.limits) {
                case .incomplete:
                    continue
                case .complete(let head, _):
                    respond(to: head, on: connection)
                    lingeringClose(connection)
                    return
                }
            } catch {
                let status = error.responseStatus ?? 400
                _ = Socket.sendAll(connection, Self.response(status: status, extraHeaders: [], body: "\(Self.reason(status))\n"))
                onEvent(.refused(error))
                lingeringClose(connection)
                return
            }
        }
    }

    private func respond(to head: HTTPRequestHead, on connection: Int32) {
        let path = head.path
        let status: Int
        let bytes: [UInt8]
        if path != configuration.path {
            status = 404
            bytes = Self.response(status: 404, extraHeaders: [], body: "not found\n")
        } else if head.method == "GET" || head.method == "HEAD" {
            status = 200
            let text = body()
            let response = Self.response(status: 200, extraHeaders: [("Content-Type", configuration.contentType)], body: text)
            bytes = head.method == "HEAD" ? Array(response.prefix(response.count - text.utf8.count)) : response
        } else {
            status = 405
            bytes = Self.response(status: 405, extraHeaders: [("Allow", "GET, HEAD")], body: "method not allowed\n")
        }
        _ = Socket.sendAll(connection, bytes)
        onEvent(.served(method: head.method, path: path, status: status))
    }

    /// Ends the sending side, then reads and drops what the client still sends for a moment, so closing
    /// with unread input does not reset the connection before the client has read the response
    /// (RFC 9112 §9.6).
    private func lingeringClose(_ connection: Int32) {
        shutdown(connection, Int32(SHUT_WR))
        // At most 64 KiB and 2 s, so a client that keeps sending cannot hold the thread.
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(2)
        var drained = 0
        while drained < 64 * 1024, clock.now < deadline, Socket.waitReadable(connection, milliseconds: 500),
            let chunk = Socket.read(connection, count: 4096)
        {
            drained += chunk.count
        }
    }

    static func response(status: Int, extraHeaders: [(String, String)], body: String) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(reason(status))\r\n"
        head += "Date: \(httpDate())\r\n"
        for (name, value) in extraHeaders { head += "\(name): \(value)\r\n" }
        if extraHeaders.allSatisfy({ $0.0 != "Content-Type" }) { head += "Content-Type: text/plain; charset=utf-8\r\n" }
        head += "Content-Length: \(body.utf8.count)\r\n"
        head += "Connection: close\r\n\r\n"
        return Array(head.utf8) + Array(body.utf8)
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 414: "URI Too Long"
        case 431: "Request Header Fields Too Large"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        default: "Error"
        }
    }

    /// The current time as an IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110 §5.6.7).
    static func httpDate() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let two = { (value: Int32) in value < 10 ? "0\(value)" : "\(value)" }
        let day = days[Int(parts.tm_wday) % 7]
        let month = months[Int(parts.tm_mon) % 12]
        return "\(day), \(two(parts.tm_mday)) \(month) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
