import Foundation
import Glibc
import Synchronization

/// A loopback HTTP/1.1 server for client tests: keeps connections alive, counts the TCP connections it
/// accepts and records every request it reads. One thread per connection; answers `200` with body `ok`.
final class KeepAliveServer: Sendable {
    /// What the server does with a connection after answering.
    enum Behaviour: Sendable {
        /// Keep it open for the next request.
        case keepAlive
        /// Close it right after each response without saying so (no `Connection: close`).
        case closeAfterEachResponse
        /// Answer the first request of each connection, then close the connection when the next request on it
        /// arrives, without answering it (a keep-alive timeout racing a client's request).
        case dropSecondRequest
    }

    struct Request: Sendable {
        var method: String
        var target: String
        var headers: [(name: String, value: String)]
        var body: [UInt8]
        var connection: Int

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    private struct State {
        var accepted = 0
        var requests: [Request] = []
        var open: [Int32] = []
        var stopped = false
    }

    let port: UInt16
    private let listener: Int32
    private let behaviour: Behaviour
    private let state = Mutex(State())

    init(_ behaviour: Behaviour = .keepAlive) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0, Glibc.listen(descriptor, 64) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.port = UInt16(bigEndian: address.sin_port)
        self.listener = descriptor
        self.behaviour = behaviour
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// TCP connections accepted so far.
    var acceptedConnections: Int { state.withLock { $0.accepted } }
    /// Requests read so far, in arrival order.
    var requests: [Request] { state.withLock { $0.requests } }

    func url(_ path: String = "/") -> URL { URL(string: "http://127.0.0.1:\(port)\(path)")! }

    func stop() {
        let open = state.withLock { state in
            state.stopped = true
            return state.open
        }
        shutdown(listener, Int32(SHUT_RDWR))
        for descriptor in open { shutdown(descriptor, Int32(SHUT_RDWR)) }
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            let number: Int? = state.withLock { state in
                guard !state.stopped else { return nil }
                state.accepted += 1
                state.open.append(connection)
                return state.accepted
            }
            guard let number else {
                close(connection)
                return
            }
            Thread.detachNewThread { [self] in serve(connection, number: number) }
        }
    }

    private func serve(_ connection: Int32, number: Int) {
        defer {
            state.withLock { $0.open.removeAll { $0 == connection } }
            close(connection)
        }
        var buffer: [UInt8] = []
        var answered = 0
        while true {
            guard let request = readRequest(connection, buffer: &buffer, number: number) else { return }
            if behaviour == .dropSecondRequest, answered == 1 { return }
            state.withLock { $0.requests.append(request) }
            let body = Array("ok".utf8)
            let head = "HTTP/1.1 200 OK\r\nContent-Length: \(body.count)\r\nContent-Type: text/plain\r\n\r\n"
            let response = Array(head.utf8) + (request.method == "HEAD" ? [] : body)
            guard response.withUnsafeBytes({ send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == response.count
            else { return }
            answered += 1
            if behaviour == .closeAfterEachResponse { return }
        }
    }

    private func readRequest(_ connection: Int32, buffer: inout [UInt8], number: Int) -> Request? {
        let separator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            if let range = buffer.firstRange(of: separator) {
                headEnd = range.upperBound
            } else if !receive(connection, into: &buffer) {
                return nil
            }
        }
        guard let headEnd else { return nil }
        let lines = String(decoding: buffer[..<(headEnd - 4)], as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let length = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
        while buffer.count < headEnd + length {
            guard receive(connection, into: &buffer) else { return nil }
        }
        let body = Array(buffer[headEnd..<(headEnd + length)])
        buffer.removeFirst(headEnd + length)
        return Request(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body,
                       connection: number)
    }

    private func receive(_ connection: Int32, into buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        buffer += chunk[..<count]
        return true
    }
}
