import Foundation
import Glibc
import HTTP
import Synchronization
import Testing

@Suite struct MetricsServerTests {
    private func url(_ server: MetricsServer, _ path: String = "/metrics") throws -> URL {
        try #require(URL(string: "http://127.0.0.1:\(server.port)\(path)"))
    }

    @Test func servesMetricsOverLoopback() async throws {
        let calls = Mutex(0)
        let server = try MetricsServer(listen: "127.0.0.1:0") {
            calls.withLock { $0 += 1 }
            return "# TYPE up gauge\nup 1\n"
        }
        defer { server.stop() }
        #expect(server.port != 0)
        let response = try await HTTPClient().send(HTTPRequest(url: url(server)))
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        #expect(response.header("Connection") == "close")
        #expect(response.header("Date")?.hasSuffix(" GMT") == true)
        #expect(response.bodyText == "# TYPE up gauge\nup 1\n")
        let withQuery = try await HTTPClient().send(HTTPRequest(url: url(server, "/metrics?name=up")))
        #expect(withQuery.status == 200)
        #expect(calls.withLock { $0 } == 2)
    }

    @Test func answersHeadWithoutABody() async throws {
        let server = try MetricsServer(listen: "127.0.0.1:0") { "up 1\n" }
        defer { server.stop() }
        let response = try await HTTPClient().send(HTTPRequest(method: "HEAD", url: url(server)))
        #expect(response.status == 200)
        #expect(response.header("Content-Length") == "5")
        #expect(response.body.isEmpty)
    }

    @Test func answers404And405() async throws {
        let events = Mutex<[Int]>([])
        let server = try MetricsServer(listen: "127.0.0.1:0", onEvent: { event in
            if case .served(_, _, let status) = event { events.withLock { $0.append(status) } }
        }) { "up 1\n" }
        defer { server.stop() }
        let missing = try await HTTPClient().send(HTTPRequest(url: url(server, "/other")))
        #expect(missing.status == 404)
        let post = try await HTTPClient().send(HTTPRequest(method: "POST", url: url(server), body: .bytes(Array("x=1".utf8))))
        #expect(post.status == 405)
        #expect(post.header("Allow") == "GET, HEAD")
        let delete = try await HTTPClient().send(HTTPRequest(method: "DELETE", url: url(server)))
        #expect(delete.status == 405)
        server.stop()
        #expect(events.withLock { $0 } == [404, 405, 405])
    }

    @Test func answersMalformedAndOversizedRequests() throws {
        let server = try MetricsServer(listen: "127.0.0.1:0") { "up 1\n" }
        defer { server.stop() }
        #expect(try RawClient.exchange(port: server.port, "GET /metrics HTTP/1.1\r\n\r\n").hasPrefix("HTTP/1.1 400 "))
        #expect(try RawClient.exchange(port: server.port, "GET /metrics HTTP/2.0\r\nHost: a\r\n\r\n").hasPrefix("HTTP/1.1 505 "))
        let many = (0..<101).map { "X-\($0): v\r\n" }.joined()
        #expect(try RawClient.exchange(port: server.port, "GET /metrics HTTP/1.1\r\nHost: a\r\n\(many)\r\n").hasPrefix("HTTP/1.1 431 "))
        let huge = "GET /metrics HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "a", count: 20_000) + "\r\n\r\n"
        #expect(try RawClient.exchange(port: server.port, huge).hasPrefix("HTTP/1.1 431 "))
        let long = "GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\nHost: a\r\n\r\n"
        #expect(try RawClient.exchange(port: server.port, long).hasPrefix("HTTP/1.1 414 "))
        let bareLF = try RawClient.exchange(port: server.port, "GET /metrics HTTP/1.1\nHost: a\n\n")
        #expect(bareLF.hasPrefix("HTTP/1.1 200 "))
        #expect(bareLF.hasSuffix("\r\n\r\nup 1\n"))
    }

    @Test func timesOutASilentClient() throws {
        let configuration = try MetricsServer.Configuration(
            listen: ListenAddress(parsing: "127.0.0.1:0"), requestTimeout: .milliseconds(300))
        let server = try MetricsServer(configuration: configuration) { "up 1\n" }
        defer { server.stop() }
        #expect(try RawClient.exchange(port: server.port, "GET /metrics HTTP/1.1\r\n").hasPrefix("HTTP/1.1 408 "))
    }

    @Test func refusesNonLoopbackUnlessAllowed() throws {
        let error = #expect(throws: HTTPError.self) { try MetricsServer(listen: "0.0.0.0:0") { "" } }
        #expect(error?.code == .listen)
        #expect(error?.description.contains("loopback") == true)
        #expect(throws: HTTPError.self) { try MetricsServer(listen: "[::]:0") { "" } }
        #expect(throws: HTTPError.self) { try MetricsServer(listen: "metrics.example:9464") { "" } }
        // Explicitly allowed: binds the wildcard address (a test still only connects over loopback).
        let server = try MetricsServer(listen: "0.0.0.0:0", allowNonLoopback: true) { "up 1\n" }
        defer { server.stop() }
        #expect(try RawClient.exchange(port: server.port, "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n").hasPrefix("HTTP/1.1 200 "))
    }

    @Test func reportsAnAddressInUse() throws {
        let first = try MetricsServer(listen: "127.0.0.1:0") { "" }
        defer { first.stop() }
        let error = #expect(throws: HTTPError.self) { try MetricsServer(listen: "127.0.0.1:\(first.port)") { "" } }
        #expect(error?.code == .listen)
        #expect(error?.description.contains("bind") == true)
        #expect(error?.description.contains("errno") == true)
    }

    @Test func servesConcurrentClientsAndStopsGracefully() async throws {
        let server = try MetricsServer(listen: "127.0.0.1:0") { "up 1\n" }
        let target = try url(server)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 {
                group.addTask { try await HTTPClient().send(HTTPRequest(url: target)).status }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 20))
        server.stop()
        server.stop()
        let error = await #expect(throws: HTTPError.self) {
            try await HTTPClient(configuration: .init(connectTimeout: .seconds(2))).send(HTTPRequest(url: target))
        }
        #expect(error?.code == .transport)
    }

    @Test func servesIPv6Loopback() throws {
        let server: MetricsServer
        do {
            server = try MetricsServer(listen: "[::1]:0") { "up 1\n" }
        } catch {
            // A machine without IPv6 on loopback cannot run this test.
            #expect(error.description.contains("bind"))
            return
        }
        defer { server.stop() }
        #expect(server.address.description == "[::1]:\(server.port)")
    }
}

/// Sends raw bytes to 127.0.0.1 and reads the whole response, for requests HTTPClient cannot make.
enum RawClient {
    struct Failure: Error {}

    static func exchange(port: UInt16, _ request: String) throws -> String {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure() }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw Failure() }
        let bytes = Array(request.utf8)
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { break }  // the server may answer and close before reading everything
            offset += sent
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let received = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if received <= 0 { break }
            response += buffer.prefix(received)
        }
        return String(decoding: response, as: UTF8.self)
    }
}
