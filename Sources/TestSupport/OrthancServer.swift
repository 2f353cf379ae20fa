import Crypto
public import Foundation
public import HTTP

/// A private Orthanc DICOM server on loopback for integration tests: its own ports, storage, index and a
/// random password; stopped by `stop()`, on release, or when the test process exits.
///
/// ```swift
/// let orthanc = try await OrthancServer.start()
/// let client = HTTPClient(configuration: .init(credentials: orthanc.credentials))
/// let system = try await client.send(HTTPRequest(url: orthanc.baseURL.appendingPathComponent("system")))
/// ```
///
/// Most suites should share one instance through ``LocalServers/orthanc()``.
public final class OrthancServer: Sendable {
    /// `http://127.0.0.1:<port>`.
    public let baseURL: URL
    /// The HTTP port.
    public let httpPort: UInt16
    /// The DICOM port (listening only when started with `dicomServer: true`).
    public let dicomPort: UInt16
    /// The registered user.
    public let username: String
    /// The user's random password.
    public let password: String
    /// A file holding the password (first line), as an operator would provide it.
    public let passwordFile: URL
    /// The running process.
    public let process: LocalProcess
    /// The server's directory: configuration, storage, index and `orthanc.log`.
    public let directory: URL
    private let temporaryDirectory: TemporaryDirectory

    /// Basic credentials for ``HTTPClient``.
    public var credentials: BasicCredentials { BasicCredentials(username: username, password: password) }

    private init(
        directory: TemporaryDirectory, httpPort: UInt16, dicomPort: UInt16, username: String, password: String,
        passwordFile: URL, process: LocalProcess
    ) {
        self.temporaryDirectory = directory
        self.directory = directory.url
        self.httpPort = httpPort
        self.dicomPort = dicomPort
        self.baseURL = URL(string: "http://127.0.0.1:\(httpPort)") ?? directory.url
        self.username = username
        self.password = password
        self.passwordFile = passwordFile
        self.process = process
    }

    /// Starts Orthanc and waits until `GET /system` answers 200 with the credentials.
    ///
    /// - Parameters:
    ///   - dicomServer: Whether to run Orthanc's DICOM listener (off by default: it binds every interface).
    ///   - stableAge: Seconds without new instances before Orthanc reports a series or study stable.
    ///   - timeout: How long to wait for readiness, per launch (up to three launches).
    /// - Throws: `LocalServerError` with the log tail when Orthanc is missing, exits, or is not ready in time.
    public static func start(
        dicomServer: Bool = false, stableAge: Int = 2, timeout: Duration = .seconds(30)
    ) async throws -> OrthancServer {
        let executable = try ToolLocator.path(of: "Orthanc")
        var lastError: (any Error)?
        for _ in 0..<3 {
            do {
                return try await launch(executable: executable, dicomServer: dicomServer, stableAge: stableAge,
                                        timeout: timeout)
            } catch let error as RetryableStartError {
                lastError = error.underlying  // another process took a port: try new ones
            }
        }
        throw lastError ?? LocalServerError("Orthanc did not start")
    }

    private static func launch(
        executable: URL, dicomServer: Bool, stableAge: Int, timeout: Duration
    ) async throws -> OrthancServer {
        let directory = try TemporaryDirectory(prefix: "fedlake-orthanc")
        let httpPort = try FreePort.next()
        let dicomPort = try FreePort.next()
        let username = "fedlake"
        let password = Hex.encode(try SecureRandom.bytes(count: 18))
        let passwordFile = directory.file("password")
        try Data((password + "\n").utf8).write(to: passwordFile)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: passwordFile.path)

        let configuration: [String: Any] = [
            "Name": "fedlake-test",
            "StorageDirectory": directory.file("storage").path,
            "IndexDirectory": directory.file("index").path,
            "HttpPort": Int(httpPort),
            "DicomPort": Int(dicomPort),
            "DicomServerEnabled": dicomServer,
            "DicomAet": "FEDLAKETEST",
            "RemoteAccessAllowed": false,
            "AuthenticationEnabled": true,
            "RegisteredUsers": [username: password],
            "Plugins": [String](),
            "LuaScripts": [String](),
            "OrthancExplorerEnabled": false,
            "WebDavEnabled": false,
            "HttpCompressionEnabled": false,
            "MetricsEnabled": false,
            "SaveJobs": false,
            "ConcurrentJobs": 1,
            "HttpThreadsCount": 4,
            "SyncStorageArea": false,
            "HttpProxy": "",
            "DicomModalities": [String: String](),
            "OrthancPeers": [String: String](),
            "StableAge": stableAge,
            "DeidentifyLogs": true,
        ]
        let configFile = directory.file("orthanc.json")
        try JSONSerialization.data(withJSONObject: configuration, options: [.prettyPrinted, .sortedKeys])
            .write(to: configFile)

        let process = try LocalProcess(
            executable: executable, arguments: [configFile.path], logFile: directory.file("orthanc.log"))
        let server = OrthancServer(
            directory: directory, httpPort: httpPort, dicomPort: dicomPort, username: username, password: password,
            passwordFile: passwordFile, process: process)
        let client = HTTPClient(configuration: .init(
            credentials: server.credentials, connectTimeout: .seconds(1), timeout: .seconds(5)))
        let request = HTTPRequest(url: server.baseURL.appendingPathComponent("system"))
        try await waitUntilReady(process: process, name: "Orthanc", timeout: timeout) {
            (try? await client.send(request))?.status == 200
        }
        return server
    }

    /// Stops Orthanc (SIGTERM, then SIGKILL after 5 s). Idempotent.
    public func stop() { process.stop(gracePeriod: .seconds(5)) }

    deinit { stop() }
}

/// Thrown internally when a fresh launch makes sense: the server exited at startup because a port was taken, or
/// it hung during startup (seen rarely with many servers starting at once on a loaded machine).
struct RetryableStartError: Error {
    let underlying: LocalServerError
}

/// Polls `isReady` every 200 ms until it returns true, the process exits, or `timeout` passes (then the process
/// is stopped and the start may be retried with a fresh launch).
func waitUntilReady(
    process: LocalProcess, name: String, timeout: Duration, isReady: () async -> Bool
) async throws {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if await isReady() { return }
        if !process.isRunning {
            let tail = process.logTail()
            let error = LocalServerError("\(name) exited during startup; log \(process.logFile.path) ends:\n\(tail)")
            let lowered = tail.lowercased()
            if lowered.contains("address already in use") || lowered.contains("cannot bind") {
                throw RetryableStartError(underlying: error)
            }
            throw error
        }
        try await Task.sleep(for: .milliseconds(200))
    }
    process.stop(gracePeriod: .seconds(1))
    throw RetryableStartError(underlying: LocalServerError(
        "\(name) not ready after \(timeout); log \(process.logFile.path) ends:\n\(process.logTail())"))
}
