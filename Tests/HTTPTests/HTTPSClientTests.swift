import Foundation
import HTTP
import Testing
import TestSupport

/// HTTPS against `openssl s_server -www` on loopback with a throwaway self-signed certificate.
@Suite(.enabled(if: ToolLocator.isContinuousIntegration || ToolLocator.find("openssl") != nil, "openssl not installed"))
struct HTTPSClientTests {
    final class TLSServer: Sendable {
        let directory: TemporaryDirectory
        let certificate: URL
        let url: URL
        let process: LocalProcess

        init() throws {
            let openssl = try ToolLocator.path(of: "openssl")
            directory = try TemporaryDirectory(prefix: "tls")
            certificate = directory.file("cert.pem")
            let key = directory.file("key.pem")
            let make = Process()
            make.executableURL = openssl
            make.arguments = [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", key.path, "-out", certificate.path,
            ]
            make.standardOutput = FileHandle.nullDevice
            make.standardError = FileHandle.nullDevice
            try make.run()
            make.waitUntilExit()
            guard make.terminationStatus == 0 else { throw LocalServerError("openssl req failed") }
            let port = try FreePort.next()
            url = try #require(URL(string: "https://127.0.0.1:\(port)/"))
            process = try LocalProcess(
                executable: openssl,
                arguments: ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificate.path, "-key", key.path,
                            "-www", "-quiet"],
                logFile: directory.file("s_server.log"))
        }

        func waitUntilReady(_ client: HTTPClient) async throws {
            for _ in 0..<100 {
                if let response = try? await client.send(HTTPRequest(url: url)), response.status == 200 { return }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw LocalServerError("s_server not ready: \(process.logTail())")
        }

        deinit { process.stop(gracePeriod: .seconds(1)) }
    }

    @Test func trustsAServerSignedByTheConfiguredCAFile() async throws {
        let server = try TLSServer()
        let client = HTTPClient(configuration: .init(certificateAuthorityFile: server.certificate))
        try await server.waitUntilReady(client)
        let response = try await client.send(HTTPRequest(url: server.url))
        #expect(response.status == 200)
    }

    @Test func refusesAServerItCannotVerify() async throws {
        let server = try TLSServer()
        try await server.waitUntilReady(HTTPClient(configuration: .init(certificateAuthorityFile: server.certificate)))
        // The system trust store does not contain the throwaway certificate.
        let error = await #expect(throws: HTTPError.self) {
            try await HTTPClient().send(HTTPRequest(url: server.url))
        }
        #expect(error?.code == .transport)
    }
}
