import Connectors
import Crypto
import Foundation
import HTTP
import Testing
import TestSupport

/// Orthanc, started once for the process by `LocalServers`, answers our HTTP client as the ingest code
/// will use it.
@Suite(.enabled(if: LocalServers.orthancEnabled, "Orthanc not installed (set CI=1 to require it)"))
struct OrthancServerTests {
    @Test func answersSystemWithThePasswordFromItsFile() async throws {
        let orthanc = try await LocalServers.orthanc()
        let credentials = try BasicCredentials(username: orthanc.username, passwordFile: orthanc.passwordFile)
        let client = HTTPClient(configuration: .init(credentials: credentials))
        let response = try await client.send(HTTPRequest(url: orthanc.baseURL.appendingPathComponent("system")))
        #expect(response.status == 200)
        let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        #expect(json?["Version"] is String)
    }

    @Test func refusesAWrongPassword() async throws {
        let orthanc = try await LocalServers.orthanc()
        let client = HTTPClient(configuration: .init(
            credentials: BasicCredentials(username: orthanc.username, password: orthanc.password + "x")))
        let response = try await client.send(HTTPRequest(url: orthanc.baseURL.appendingPathComponent("system")))
        #expect(response.status == 401)
    }

    @Test func storesAnUploadedInstanceReportsItInChangesAndReturnsItUnchanged() async throws {
        let orthanc = try await LocalServers.orthanc()
        let client = HTTPClient(configuration: .init(credentials: orthanc.credentials))
        let source = try pydicomTestFile("CT_small.dcm")

        var upload = HTTPRequest(method: "POST", url: orthanc.baseURL.appendingPathComponent("instances"))
        upload.body = .file(source)
        upload.headers = [("Content-Type", "application/dicom")]
        let stored = try await client.send(upload)
        #expect(stored.status == 200)
        let storedJSON = try #require(try JSONSerialization.jsonObject(with: Data(stored.body)) as? [String: Any])
        let instanceID = try #require(storedJSON["ID"] as? String)

        let changesURL = try #require(URL(string: "\(orthanc.baseURL.absoluteString)/changes?since=0&limit=1000"))
        let changes = try await client.send(HTTPRequest(url: changesURL))
        #expect(changes.status == 200)
        let changesJSON = try #require(try JSONSerialization.jsonObject(with: Data(changes.body)) as? [String: Any])
        let entries = try #require(changesJSON["Changes"] as? [[String: Any]])
        #expect(entries.contains { $0["ChangeType"] as? String == "NewInstance" && $0["ID"] as? String == instanceID })

        let directory = try TemporaryDirectory(prefix: "orthanc-download")
        let copy = directory.file("copy.dcm")
        let fileURL = orthanc.baseURL.appendingPathComponent("instances/\(instanceID)/file")
        let downloaded = try await client.download(HTTPRequest(url: fileURL), to: copy)
        #expect(downloaded.status == 200)
        #expect(downloaded.body.isEmpty)
        #expect(try Data(contentsOf: copy) == Data(contentsOf: source))
    }

    /// A body up to the memory limit stays in memory and the file is never made; a longer one goes whole to the
    /// file; an error body stays in memory and leaves the file alone.
    @Test func aDownloadKeepsSmallBodiesInMemoryAndSpillsLargerOnesToTheFile() async throws {
        let orthanc = try await LocalServers.orthanc()
        let client = HTTPClient(configuration: .init(credentials: orthanc.credentials))
        let source = try pydicomTestFile("CT_small.dcm")
        let bytes = [UInt8](try Data(contentsOf: source))
        var upload = HTTPRequest(method: "POST", url: orthanc.baseURL.appendingPathComponent("instances"))
        upload.body = .file(source)
        upload.headers = [("Content-Type", "application/dicom")]
        let stored = try await client.send(upload)
        let storedJSON = try #require(try JSONSerialization.jsonObject(with: Data(stored.body)) as? [String: Any])
        let fileURL = orthanc.baseURL.appendingPathComponent("instances/\(try #require(storedJSON["ID"] as? String))/file")
        let directory = try TemporaryDirectory(prefix: "orthanc-spill")

        for (name, limit, inFile) in [("exact", bytes.count, false), ("larger", bytes.count + 1, false),
                                      ("one-short", bytes.count - 1, true), ("zero", 0, true)] {
            let target = directory.file(name)
            let response = try await client.download(HTTPRequest(url: fileURL), to: target, keepingInMemoryUpTo: limit)
            #expect(response.status == 200)
            #expect(response.bodyIsInFile == inFile, "\(name)")
            if inFile {
                #expect(response.body.isEmpty)
                #expect(try Data(contentsOf: target) == Data(bytes))
            } else {
                #expect(response.body == bytes)
                #expect(!FileManager.default.fileExists(atPath: target.path), "\(name)")
            }
        }
        let missing = directory.file("missing")
        let url = orthanc.baseURL.appendingPathComponent("instances/no-such-instance/file")
        let response = try await client.download(HTTPRequest(url: url), to: missing, keepingInMemoryUpTo: 0)
        #expect(response.status == 404)
        #expect(!response.bodyIsInFile)
        #expect(!FileManager.default.fileExists(atPath: missing.path))
    }

    @Test func keepsAnErrorBodyInMemoryInsteadOfTheDownloadFile() async throws {
        let orthanc = try await LocalServers.orthanc()
        let client = HTTPClient(configuration: .init(credentials: orthanc.credentials))
        let directory = try TemporaryDirectory(prefix: "orthanc-download")
        let target = directory.file("missing.dcm")
        let url = orthanc.baseURL.appendingPathComponent("instances/no-such-instance/file")
        let response = try await client.download(HTTPRequest(url: url), to: target)
        #expect(response.status == 404)
        #expect(try Data(contentsOf: target).isEmpty)
    }

    @Test func enforcesTheInMemoryBodyLimit() async throws {
        let orthanc = try await LocalServers.orthanc()
        let client = HTTPClient(configuration: .init(credentials: orthanc.credentials, maximumBodyBytes: 16))
        let error = await #expect(throws: HTTPError.self) {
            try await client.send(HTTPRequest(url: orthanc.baseURL.appendingPathComponent("system")))
        }
        #expect(error?.code == .responseTooLarge)
    }
}

/// SeaweedFS, started once for the process by `LocalServers`, accepts requests signed by our SigV4 and
/// refuses a wrong secret.
@Suite(.enabled(if: LocalServers.s3Enabled, "SeaweedFS (weed) not installed (set CI=1 to require it)"))
struct S3ServerTests {
    @Test func createsABucketStoresAnObjectReturnsItByteIdenticalAndListsIt() async throws {
        let s3 = try await LocalServers.s3()
        let bucket = try Self.bucketName()
        let key = "dir/a b+c$.dcm"
        let body = try SecureRandom.bytes(count: 70_000)

        let created = try await Self.send(s3, "PUT", "/\(bucket)")
        #expect(created.status == 200, "\(created.bodyText)")
        let put = try await Self.send(s3, "PUT", "/\(bucket)/\(key)", body: body)
        #expect(put.status == 200, "\(put.bodyText)")
        let get = try await Self.send(s3, "GET", "/\(bucket)/\(key)")
        #expect(get.status == 200)
        #expect(get.body == body)
        let list = try await Self.send(s3, "GET", "/\(bucket)", query: [("list-type", "2"), ("prefix", "dir/")])
        #expect(list.status == 200)
        #expect(list.bodyText.contains("<Key>\(key)</Key>"))
    }

    @Test func uploadsFromAFileAndDownloadsToAFile() async throws {
        let s3 = try await LocalServers.s3()
        let bucket = try Self.bucketName()
        let directory = try TemporaryDirectory(prefix: "s3-files")
        let source = directory.file("source.bin")
        try Data(try SecureRandom.bytes(count: 3 << 20)).write(to: source)
        let hash = Hex.encode(try SHA256.hash(contentsOf: source))

        #expect(try await Self.send(s3, "PUT", "/\(bucket)").status == 200)
        let put = try await Self.send(s3, "PUT", "/\(bucket)/big.bin", body: .file(source), payloadHash: hash)
        #expect(put.status == 200, "\(put.bodyText)")
        let target = directory.file("target.bin")
        let get = try await Self.send(s3, "GET", "/\(bucket)/big.bin", downloadTo: target)
        #expect(get.status == 200)
        #expect(try SHA256.hash(contentsOf: target) == (try SHA256.hash(contentsOf: source)))
    }

    @Test func refusesARequestSignedWithTheWrongSecret() async throws {
        let s3 = try await LocalServers.s3()
        let bucket = try Self.bucketName()
        #expect(try await Self.send(s3, "PUT", "/\(bucket)").status == 200)
        let response = try await Self.send(s3, "GET", "/\(bucket)", query: [("list-type", "2")],
                                           secret: s3.secretAccessKey + "wrong")
        #expect(response.status == 403)
        #expect(response.bodyText.contains("SignatureDoesNotMatch"))
    }

    /// A fresh bucket name per test, so tests sharing the server stay independent.
    static func bucketName() throws -> String {
        "t-" + Hex.encode(try SecureRandom.bytes(count: 8))
    }

    static func send(
        _ s3: S3Server, _ method: String, _ path: String, query: [(name: String, value: String)] = [],
        body: HTTPRequest.Body = .none, payloadHash: String? = nil, secret: String? = nil, downloadTo file: URL? = nil
    ) async throws -> HTTPResponse {
        var bodyHash = payloadHash ?? SigV4.emptyPayloadHash
        if case .bytes(let bytes) = body, payloadHash == nil { bodyHash = Hex.encode(try SHA256.hash(bytes)) }
        let signer = SigV4(accessKeyID: s3.accessKeyID, secretAccessKey: secret ?? s3.secretAccessKey, region: s3.region)
        let signed = try signer.sign(
            SigV4.Request(method: method, host: s3.host, path: path, query: query, payloadHash: bodyHash), date: Date())
        let url = try #require(URL(string: s3.endpoint.absoluteString + signed.pathAndQuery))
        let request = HTTPRequest(method: method, url: url, headers: signed.headers, body: body)
        let client = HTTPClient()
        if let file { return try await client.download(request, to: file) }
        return try await client.send(request)
    }

    static func send(
        _ s3: S3Server, _ method: String, _ path: String, body bytes: [UInt8]
    ) async throws -> HTTPResponse {
        try await send(s3, method, path, body: .bytes(bytes))
    }
}

/// The path of one of pydicom's bundled test files.
func pydicomTestFile(_ name: String) throws -> URL {
    let python = try ToolLocator.path(of: "python3")
    let process = Process()
    process.executableURL = python
    process.arguments = ["-c", "from pydicom.data import get_testdata_file; print(get_testdata_file('\(name)'))"]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let path = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard process.terminationStatus == 0, !path.isEmpty, path != "None" else {
        throw LocalServerError("pydicom could not provide test file \(name) (pip install pydicom)")
    }
    return URL(fileURLWithPath: path)
}

@Suite struct LocalServerHarnessTests {
    @Test func grpcTwinPortsAreBelowTheLimitDistinctAndFree() throws {
        let ports = try (0..<4).map { _ in try FreePort.nextWithGRPCTwin() }
        #expect(Set(ports).count == 4)
        for port in ports {
            #expect(port < 55535)
            #expect(!ports.contains(port + 10000))
        }
    }

    @Test func toolLocatorNamesAMissingTool() {
        let error = #expect(throws: LocalServerError.self) { try ToolLocator.path(of: "no-such-tool-fedlake") }
        #expect(error?.description.contains("no-such-tool-fedlake") == true)
    }

    @Test(.enabled(if: LocalServers.orthancEnabled, "Orthanc not installed (set CI=1 to require it)"))
    func aPrivateOrthancStopsAndReleasesItsPortAndDirectory() async throws {
        let orthanc = try await OrthancServer.start()
        do {
            // The client keeps its connection alive; it is dropped (and closes it) before the server stops,
            // so that the server's port is not left in TIME_WAIT by the server closing first (RFC 9293 §3.6).
            let client = HTTPClient(configuration: .init(credentials: orthanc.credentials))
            #expect(try await client.send(HTTPRequest(url: orthanc.baseURL.appendingPathComponent("system"))).status == 200)
        }
        let client = HTTPClient(configuration: .init(credentials: orthanc.credentials))
        orthanc.stop()
        #expect(!orthanc.process.isRunning)
        #expect(FreePort.isFree(orthanc.httpPort))
        await #expect(throws: HTTPError.self) {
            try await client.send(HTTPRequest(url: orthanc.baseURL.appendingPathComponent("system")))
        }
    }
}
