import Connectors
import Crypto
import Foundation
import HTTP
import TestSupport

/// An Orthanc of its own for a test, which can be stopped and started again on the same storage, index and port
/// (the shared one of `LocalServers` cannot be restarted).
final class RestartableOrthanc: Sendable {
    let directory: TemporaryDirectory
    let port: UInt16
    let username = "fedlake"
    let password: String
    let passwordFile: URL
    let configFile: URL
    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)") ?? directory.url }
    private let process: LockedProcess

    /// Holds the running Orthanc process, replaced on restart.
    final class LockedProcess: @unchecked Sendable {
        // Only the test's task touches it, one call at a time.
        var current: LocalProcess?
    }

    init() async throws {
        directory = try TemporaryDirectory(prefix: "lake-orthanc")
        port = try FreePort.next()
        password = Hex.encode(try SecureRandom.bytes(count: 12))
        passwordFile = directory.file("password")
        try Data(password.utf8).write(to: passwordFile)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: passwordFile.path)
        configFile = directory.file("orthanc.json")
        let configuration: [String: Any] = [
            "Name": "fedlake-lake-test", "StorageDirectory": directory.file("storage").path,
            "IndexDirectory": directory.file("index").path, "HttpPort": Int(port), "DicomServerEnabled": false,
            "RemoteAccessAllowed": false, "AuthenticationEnabled": true, "RegisteredUsers": [username: password],
            "Plugins": [String](), "LuaScripts": [String](), "OrthancExplorerEnabled": false, "WebDavEnabled": false,
            "HttpCompressionEnabled": false, "MetricsEnabled": false, "SaveJobs": false, "HttpThreadsCount": 4,
            "StableAge": 2,
        ]
        try JSONSerialization.data(withJSONObject: configuration, options: [.sortedKeys]).write(to: configFile)
        process = LockedProcess()
        try await start()
    }

    /// Starts Orthanc on the same storage, index and port. A launch that is not ready within 20 s is stopped and
    /// launched again (three launches): Orthanc has been seen to hang at start-up, rarely, under heavy load.
    func start() async throws {
        var lastTail = ""
        for _ in 0..<3 {
            let launched = try LocalProcess(
                executable: try ToolLocator.path(of: "Orthanc"), arguments: [configFile.path],
                logFile: directory.file("orthanc-\(UUID().uuidString.prefix(8)).log"))
            process.current = launched
            let client = HTTPClient(configuration: .init(
                credentials: BasicCredentials(username: username, password: password), connectTimeout: .seconds(1),
                timeout: .seconds(5)))
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                if (try? await client.send(HTTPRequest(url: baseURL.appendingPathComponent("system"))))?.status == 200 {
                    return
                }
                guard launched.isRunning else { throw LocalServerError("Orthanc exited: \(launched.logTail())") }
                try await Task.sleep(for: .milliseconds(100))
            }
            lastTail = launched.logTail()
            launched.stop(gracePeriod: .seconds(1))
        }
        throw LocalServerError("Orthanc was not ready in time (three launches): \(lastTail)")
    }

    func stop() { process.current?.stop(gracePeriod: .seconds(5)) }

    var client: HTTPClient {
        HTTPClient(configuration: .init(credentials: BasicCredentials(username: username, password: password)))
    }

    /// Uploads one Part 10 file (`POST /instances`).
    func upload(_ bytes: [UInt8]) async throws {
        let request = HTTPRequest(
            method: "POST", url: baseURL.appendingPathComponent("instances"),
            headers: [("Content-Type", "application/dicom")], body: .bytes(bytes))
        let response = try await client.send(request)
        guard response.status == 200 else { throw LocalServerError("upload failed: HTTP \(response.status)") }
    }

    /// The number of instances Orthanc holds (`GET /instances`).
    func instanceCount() async throws -> Int {
        let response = try await client.send(HTTPRequest(url: baseURL.appendingPathComponent("instances")))
        let list = try JSONSerialization.jsonObject(with: Data(response.body)) as? [Any]
        return list?.count ?? -1
    }

    func source(retry: RetryPolicy = RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(10), maxDelay: .milliseconds(20), seed: 1))
        throws -> OrthancSource
    {
        try OrthancSource(url: baseURL, username: username, passwordFile: passwordFile, retryPolicy: retry)
    }

    deinit { process.current?.stop(gracePeriod: .seconds(5)) }
}

/// Signed requests to the shared SeaweedFS, and one bucket for the lake's suites (each test uses a prefix).
enum S3Helper {
    static func send(
        _ s3: S3Server, _ method: String, _ path: String, body: [UInt8] = [], secret: String? = nil
    ) async throws -> HTTPResponse {
        let hash = body.isEmpty ? SigV4.emptyPayloadHash : Hex.encode(try SHA256.hash(body))
        let signer = SigV4(accessKeyID: s3.accessKeyID, secretAccessKey: secret ?? s3.secretAccessKey, region: s3.region)
        let signed = try signer.sign(SigV4.Request(method: method, host: s3.host, path: path, query: [], payloadHash: hash), date: Date())
        guard let url = URL(string: s3.endpoint.absoluteString + signed.pathAndQuery) else {
            throw LocalServerError("cannot build the URL of \(path)")
        }
        let request = HTTPRequest(method: method, url: url, headers: signed.headers, body: body.isEmpty ? .none : .bytes(body))
        return try await HTTPClient().send(request)
    }

    static func put(_ s3: S3Server, _ bucket: String, _ key: String, _ body: [UInt8]) async throws {
        let response = try await send(s3, "PUT", "/\(bucket)/\(key)", body: body)
        guard response.status == 200 else { throw LocalServerError("PUT failed: HTTP \(response.status) \(response.bodyText)") }
    }

    static func delete(_ s3: S3Server, _ bucket: String, _ key: String) async throws {
        let response = try await send(s3, "DELETE", "/\(bucket)/\(key)")
        guard response.status == 204 || response.status == 200 else { throw LocalServerError("DELETE failed: HTTP \(response.status)") }
    }

    /// The suite's bucket (created once) and a fresh prefix.
    static func bucket(_ s3: S3Server) async throws -> (bucket: String, prefix: String) {
        let bucket = try await BucketRegistry.shared.bucket(on: s3)
        return (bucket, "t-" + Hex.encode(try SecureRandom.bytes(count: 6)) + "/")
    }

    /// A 0600 file holding `secret`.
    static func secretFile(_ secret: String, in directory: TemporaryDirectory) throws -> URL {
        let file = directory.file("s3-secret-\(UUID().uuidString.prefix(6))")
        try Data(secret.utf8).write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        return file
    }

    private actor BucketRegistry {
        static let shared = BucketRegistry()
        private var creation: Task<String, any Error>?

        func bucket(on s3: S3Server) async throws -> String {
            if let creation { return try await creation.value }
            let task = Task<String, any Error> {
                let bucket = "lake-" + Hex.encode(try SecureRandom.bytes(count: 5))
                let created = try await S3Helper.send(s3, "PUT", "/\(bucket)")
                guard created.status == 200 else { throw LocalServerError("cannot create bucket: HTTP \(created.status)") }
                return bucket
            }
            creation = task
            return try await task.value
        }
    }
}
