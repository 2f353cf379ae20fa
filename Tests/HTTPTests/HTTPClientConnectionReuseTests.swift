import Foundation
@testable import HTTP
import Testing

@Suite struct HTTPClientConnectionReuseTests {
    @Test func sequentialRequestsShareOneConnection() throws {
        let server = try KeepAliveServer()
        defer { server.stop() }
        let client = HTTPClient()
        for index in 0..<50 {
            let response = try client.send(HTTPRequest(url: server.url("/instances/\(index)/file")))
            #expect(response.status == 200)
            #expect(response.bodyText == "ok")
        }
        #expect(server.requests.count == 50)
        #expect(server.acceptedConnections == 1)
        #expect(client.idleConnectionHandles == 1)
    }

    @Test func copiesOfAClientShareItsConnections() async throws {
        let server = try KeepAliveServer()
        defer { server.stop() }
        let client = HTTPClient()
        let copy = client
        _ = try await client.send(HTTPRequest(url: server.url()))
        _ = try await copy.send(HTTPRequest(url: server.url()))
        _ = try await copy.send(HTTPRequest(url: server.url()))
        #expect(server.acceptedConnections == 1)
    }

    @Test func downloadsReuseTheConnection() throws {
        let server = try KeepAliveServer()
        defer { server.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("reuse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let client = HTTPClient()
        for index in 0..<10 {
            let file = directory.appendingPathComponent("\(index)")
            let response = try client.download(HTTPRequest(url: server.url("/instances/\(index)/file")), to: file)
            #expect(response.status == 200)
            #expect(try Data(contentsOf: file) == Data("ok".utf8))
        }
        #expect(server.acceptedConnections == 1)
    }

    /// `workers` tasks at once, each sending `requestsEach` GETs one after the other; every answer must be 200.
    static func sendConcurrently(_ client: HTTPClient, _ server: KeepAliveServer, workers: Int, requestsEach: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    for index in 0..<requestsEach {
                        let response = try await client.send(HTTPRequest(url: server.url("/\(worker)/\(index)")))
                        #expect(response.status == 200)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    @Test func concurrentRequestsOpenAtMostOneConnectionPerPooledHandle() async throws {
        let server = try KeepAliveServer()
        defer { server.stop() }
        let client = HTTPClient(configuration: .init(maximumIdleConnections: 4))
        try await Self.sendConcurrently(client, server, workers: 4, requestsEach: 25)
        #expect(server.requests.count == 100)
        #expect(server.acceptedConnections <= 4)
        #expect(client.idleConnectionHandles <= 4)
    }

    @Test func keepsNoMoreIdleHandlesThanConfigured() async throws {
        let server = try KeepAliveServer()
        defer { server.stop() }
        let client = HTTPClient(configuration: .init(maximumIdleConnections: 2))
        try await Self.sendConcurrently(client, server, workers: 8, requestsEach: 5)
        #expect(server.requests.count == 40)
        #expect(client.idleConnectionHandles <= 2)
    }

    @Test func aPoolOfNoHandlesConnectsForEveryRequest() throws {
        let server = try KeepAliveServer()
        defer { server.stop() }
        let client = HTTPClient(configuration: .init(maximumIdleConnections: 0))
        for _ in 0..<5 { _ = try client.send(HTTPRequest(url: server.url())) }
        #expect(server.acceptedConnections == 5)
        #expect(client.idleConnectionHandles == 0)
    }

    @Test func reconnectsWhenTheServerClosesBetweenRequests() throws {
        let server = try KeepAliveServer(.closeAfterEachResponse)
        defer { server.stop() }
        let client = HTTPClient()
        for index in 0..<20 {
            let response = try client.send(HTTPRequest(url: server.url("/\(index)")))
            #expect(response.status == 200)
        }
        #expect(server.requests.count == 20)
        #expect(server.acceptedConnections == 20)
    }

    @Test func resendsARequestWithItsBodyWhenAReusedConnectionDiesUnderIt() throws {
        let server = try KeepAliveServer(.dropSecondRequest)
        defer { server.stop() }
        let client = HTTPClient()
        let first = try client.send(HTTPRequest(url: server.url("/first")))
        #expect(first.status == 200)
        let body = Array((0..<40_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let post = try client.send(HTTPRequest(method: "POST", url: server.url("/post"), body: .bytes(body)))
        #expect(post.status == 200)
        let put = try client.send(HTTPRequest(method: "PUT", url: server.url("/put"), body: .bytes(body)))
        #expect(put.status == 200)
        let got = server.requests
        #expect(got.map(\.target) == ["/first", "/post", "/put"])
        #expect(got.map(\.method) == ["GET", "POST", "PUT"])
        #expect(got[1].body == body)
        #expect(got[2].body == body)
        #expect(Set(got.map(\.connection)).count == 3)
    }

    @Test func resendsAFileBodyWhenAReusedConnectionDiesUnderIt() throws {
        let server = try KeepAliveServer(.dropSecondRequest)
        defer { server.stop() }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("upload-\(UUID().uuidString)")
        let body = Array((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 13) })
        try Data(body).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let client = HTTPClient()
        _ = try client.send(HTTPRequest(url: server.url("/first")))
        let put = try client.send(HTTPRequest(method: "PUT", url: server.url("/object"), body: .file(file)))
        #expect(put.status == 200)
        #expect(server.requests.last?.body == body)
    }

    @Test func nothingOfOneRequestCarriesIntoTheNext() throws {
        let server = try KeepAliveServer()
        defer { server.stop() }
        let client = HTTPClient()
        let post = HTTPRequest(
            method: "POST", url: server.url("/tools/find"),
            headers: [("Content-Type", "application/json"), ("Authorization", "AWS4-HMAC-SHA256 Credential=secret"),
                      ("X-Amz-Date", "20240101T000000Z")],
            body: .bytes(Array("{\"Level\":\"Instance\"}".utf8)))
        _ = try client.send(post)
        _ = try client.send(HTTPRequest(url: server.url("/instances")))
        _ = try client.send(HTTPRequest(method: "DELETE", url: server.url("/instances/1")))
        _ = try client.send(HTTPRequest(method: "HEAD", url: server.url("/instances/2")))
        _ = try client.send(HTTPRequest(url: server.url("/instances/3")))
        let got = server.requests
        #expect(server.acceptedConnections == 1)
        #expect(got.map(\.method) == ["POST", "GET", "DELETE", "HEAD", "GET"])
        #expect(got[0].body == Array("{\"Level\":\"Instance\"}".utf8))
        #expect(got[0].header("Authorization") != nil)
        for later in got.dropFirst() {
            #expect(later.body.isEmpty)
            #expect(later.header("Content-Length") == nil)
            #expect(later.header("Content-Type") == nil)
            #expect(later.header("Authorization") == nil)
            #expect(later.header("X-Amz-Date") == nil)
        }
    }

    @Test func configuredCredentialsGoOnlyWithTheirOwnClient() throws {
        let server = try KeepAliveServer()
        defer { server.stop() }
        let withCredentials = HTTPClient(configuration: .init(credentials: BasicCredentials(username: "fedlake", password: "pw")))
        let without = HTTPClient()
        _ = try withCredentials.send(HTTPRequest(url: server.url("/a")))
        _ = try without.send(HTTPRequest(url: server.url("/b")))
        _ = try withCredentials.send(HTTPRequest(url: server.url("/c")))
        let got = server.requests
        #expect(got[0].header("Authorization") == "Basic " + Data("fedlake:pw".utf8).base64EncodedString())
        #expect(got[1].header("Authorization") == nil)
        #expect(got[2].header("Authorization") == got[0].header("Authorization"))
    }

    @Test func aRefusedOrFailedRequestLeavesThePoolUsable() throws {
        let server = try KeepAliveServer()
        defer { server.stop() }
        let client = HTTPClient(configuration: .init(maximumIdleConnections: 1))
        #expect(try client.send(HTTPRequest(url: server.url("/before"))).status == 200)
        #expect(throws: HTTPError.self) {
            try client.send(HTTPRequest(url: server.url("/bad"), headers: [("X-Bad", "a\r\nInjected: 1")]))
        }
        let tiny = HTTPClient(configuration: .init(maximumBodyBytes: 1, maximumIdleConnections: 1))
        #expect(throws: HTTPError.self) { try tiny.send(HTTPRequest(url: server.url("/too-big"))) }
        #expect(try client.send(HTTPRequest(method: "HEAD", url: server.url("/after"))).status == 200)
        #expect(try client.send(HTTPRequest(url: server.url("/after"))).bodyText == "ok")
        #expect(server.requests.allSatisfy { $0.header("Injected") == nil })
        #expect(client.idleConnectionHandles == 1)
    }
}
