import Crypto
public import Foundation
import HTTP

/// A private SeaweedFS S3 server on loopback for integration tests, with its own ports, data directory and
/// a random access key and secret; stopped by `stop()`, on release, or when the test process exits.
///
/// ```swift
/// let s3 = try await S3Server.start()
/// // sign requests for s3.endpoint with s3.accessKeyID / s3.secretAccessKey, region s3.region
/// ```
///
/// SeaweedFS takes 5–20 s to start on a small machine, so suites should share one instance through
/// ``LocalServers/s3()``.
public final class S3Server: Sendable {
    /// `http://127.0.0.1:<s3Port>`.
    public let endpoint: URL
    /// `127.0.0.1:<s3Port>`, the `Host` header value to sign.
    public let host: String
    /// The S3 API port.
    public let s3Port: UInt16
    /// The access key ID of the one (admin) identity.
    public let accessKeyID: String
    /// The identity's secret access key.
    public let secretAccessKey: String
    /// The region to sign for (SeaweedFS accepts any; this is the conventional default).
    public let region = "us-east-1"
    /// The running `weed server` process.
    public let process: LocalProcess
    /// The server's directory: identities, data and `weed.log`.
    public let directory: URL
    private let temporaryDirectory: TemporaryDirectory

    private init(
        directory: TemporaryDirectory, s3Port: UInt16, accessKeyID: String, secretAccessKey: String,
        process: LocalProcess
    ) {
        self.temporaryDirectory = directory
        self.directory = directory.url
        self.s3Port = s3Port
        self.host = "127.0.0.1:\(s3Port)"
        self.endpoint = URL(string: "http://127.0.0.1:\(s3Port)") ?? directory.url
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.process = process
    }

    /// Starts `weed server` with master, volume, filer and S3 on fresh ports and waits until the filer and
    /// the S3 port answer HTTP.
    ///
    /// Every fixed-port extra is disabled (`-s3.port.iceberg=0 -s3.port.lance=0`), usage telemetry is off,
    /// and local sockets live in the server's directory, so several servers can run side by side.
    /// - Parameter timeout: How long to wait for readiness.
    /// - Throws: `LocalServerError` with the log tail when `weed` is missing, exits, or is not ready in time.
    public static func start(timeout: Duration = .seconds(60)) async throws -> S3Server {
        let executable = try ToolLocator.path(of: "weed")
        var lastError: (any Error)?
        for _ in 0..<3 {
            do {
                return try await launch(executable: executable, timeout: timeout)
            } catch let error as RetryableStartError {
                lastError = error.underlying
            }
        }
        throw lastError ?? LocalServerError("SeaweedFS did not start")
    }

    private static func launch(executable: URL, timeout: Duration) async throws -> S3Server {
        let directory = try TemporaryDirectory(prefix: "fedlake-s3")
        let data = directory.file("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let masterPort = try FreePort.nextWithGRPCTwin()
        let volumePort = try FreePort.nextWithGRPCTwin()
        let filerPort = try FreePort.nextWithGRPCTwin()
        let s3Port = try FreePort.nextWithGRPCTwin()

        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        let accessKeyID = "FL" + String(try SecureRandom.bytes(count: 18).map { alphabet[Int($0 & 31)] })
        let secretAccessKey = Hex.encode(try SecureRandom.bytes(count: 20))
        let identities: [String: Any] = [
            "identities": [[
                "name": "fedlake-test",
                "credentials": [["accessKey": accessKeyID, "secretKey": secretAccessKey]],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            ]],
        ]
        let identitiesFile = directory.file("identities.json")
        try JSONSerialization.data(withJSONObject: identities, options: [.sortedKeys]).write(to: identitiesFile)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: identitiesFile.path)

        // SeaweedFS gives each bucket its own collection and grows 7 volumes for a collection's first write
        // (master.toml volume_growth copy_1), so -volume.max must leave room for several buckets; volumes
        // are not preallocated, so unused slots cost no disk.
        let arguments = [
            "server",
            "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            "-dir=\(data.path)",
            "-master.port=\(masterPort)", "-master.telemetry=false", "-master.volumeSizeLimitMB=64",
            "-volume.port=\(volumePort)", "-volume.max=100", "-volume.preStopSeconds=0",
            "-filer", "-filer.port=\(filerPort)", "-filer.localSocket=\(directory.file("filer.sock").path)",
            "-s3", "-s3.port=\(s3Port)", "-s3.port.iceberg=0", "-s3.port.lance=0",
            "-s3.localSocket=\(directory.file("s3.sock").path)",
            "-s3.config=\(identitiesFile.path)",
        ]
        let process = try LocalProcess(executable: executable, arguments: arguments, logFile: directory.file("weed.log"))
        let server = S3Server(
            directory: directory, s3Port: s3Port, accessKeyID: accessKeyID, secretAccessKey: secretAccessKey,
            process: process)
        let client = HTTPClient(configuration: .init(connectTimeout: .seconds(1), timeout: .seconds(5)))
        let filer = HTTPRequest(url: URL(string: "http://127.0.0.1:\(filerPort)/") ?? server.endpoint)
        let s3 = HTTPRequest(url: server.endpoint)
        try await waitUntilReady(process: process, name: "SeaweedFS", timeout: timeout) {
            // Any HTTP answer will do (S3 says 403 to an unsigned request); a refused connection will not.
            guard (try? await client.send(filer)) != nil else { return false }
            return (try? await client.send(s3)) != nil
        }
        return server
    }

    /// Stops SeaweedFS: SIGTERM, then SIGKILL after 5 s (it does not exit promptly on SIGTERM). Idempotent.
    public func stop() { process.stop(gracePeriod: .seconds(5)) }

    deinit { stop() }
}
