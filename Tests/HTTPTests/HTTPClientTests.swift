import Foundation
import HTTP
import Testing
import TestSupport

@Suite struct HTTPClientTests {
    @Test func reportsAConnectionFailureWithTheURLButNoCredentials() async throws {
        let port = try FreePort.next()  // nothing listens here
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/path?X-Amz-Signature=secret"))
        let client = HTTPClient(configuration: .init(
            credentials: BasicCredentials(username: "u", password: "hunter2"), connectTimeout: .seconds(2)))
        let error = await #expect(throws: HTTPError.self) { try await client.send(HTTPRequest(url: url)) }
        #expect(error?.code == .transport)
        let text = error?.description ?? ""
        #expect(text.hasPrefix("GET http://127.0.0.1:\(port)/path?…: "))
        #expect(!text.contains("secret"))
        #expect(!text.contains("hunter2"))
        #expect(text.contains("curl 7"))
    }

    @Test func rejectsHeaderInjection() throws {
        let url = try #require(URL(string: "http://127.0.0.1:1/"))
        let request = HTTPRequest(url: url, headers: [("X-A", "ok\r\nX-Injected: yes")])
        let error = #expect(throws: HTTPError.self) { try HTTPClient().send(request) }
        #expect(error?.code == .invalidRequest)
    }

    @Test func rejectsOtherSchemesAndCredentialsInTheURL() throws {
        let file = try #require(URL(string: "file:///etc/hostname"))
        #expect(throws: HTTPError.self) { try HTTPClient().send(HTTPRequest(url: file)) }
        let withUser = try #require(URL(string: "http://user:pw@127.0.0.1:1/"))
        let error = #expect(throws: HTTPError.self) { try HTTPClient().send(HTTPRequest(url: withUser)) }
        #expect(error?.code == .invalidRequest)
        #expect(error?.description.contains("pw") == false)
    }

    @Test func readsThePasswordFromTheFirstLineOfAFile() throws {
        let directory = try TemporaryDirectory(prefix: "credentials")
        let file = directory.file("password")
        try Data("s3cret\r\nignored\n".utf8).write(to: file)
        let credentials = try BasicCredentials(username: "node", passwordFile: file)
        #expect(credentials.password == "s3cret")
        #expect(!credentials.description.contains("s3cret"))

        let empty = directory.file("empty")
        try Data("\n".utf8).write(to: empty)
        let error = #expect(throws: HTTPError.self) { try BasicCredentials(username: "node", passwordFile: empty) }
        #expect(error?.code == .credentials)
        #expect(error?.description.contains("empty") == true)
    }

    @Test func responseHeaderLookupIgnoresCase() {
        let response = HTTPResponse(status: 200, headers: [("Content-Type", "application/json")])
        #expect(response.header("content-type") == "application/json")
        #expect(response.isSuccess)
    }
}
