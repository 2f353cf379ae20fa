import Foundation

/// One Orthanc and one SeaweedFS per test process, started on first use and shared by every suite.
///
/// ```swift
/// @Suite(.enabled(if: LocalServers.orthancEnabled)) struct OrthancTests {
///     @Test func answers() async throws { let orthanc = try await LocalServers.orthanc() … }
/// }
/// ```
///
/// The shared servers are killed and their directories removed when the test process exits. A failed start
/// is remembered, so later tests fail fast with the same message instead of waiting again.
public enum LocalServers {
    private actor Registry {
        var orthanc: Task<OrthancServer, any Error>?
        var s3: Task<S3Server, any Error>?

        func orthancTask() -> Task<OrthancServer, any Error> {
            if let orthanc { return orthanc }
            let task = Task<OrthancServer, any Error> {
                let server = try await OrthancServer.start()
                ProcessReaper.removeAtExit(server.directory)
                return server
            }
            orthanc = task
            return task
        }

        func s3Task() -> Task<S3Server, any Error> {
            if let s3 { return s3 }
            let task = Task<S3Server, any Error> {
                let server = try await S3Server.start()
                ProcessReaper.removeAtExit(server.directory)
                return server
            }
            s3 = task
            return task
        }
    }

    private static let registry = Registry()

    /// The shared Orthanc, started on first call.
    /// - Throws: `LocalServerError` when it cannot start.
    public static func orthanc() async throws -> OrthancServer {
        try await registry.orthancTask().value
    }

    /// The shared SeaweedFS S3 server, started on first call.
    /// - Throws: `LocalServerError` when it cannot start.
    public static func s3() async throws -> S3Server {
        try await registry.s3Task().value
    }

    /// Whether Orthanc tests should run: the binary is installed, or `CI=1` (then a missing binary fails).
    public static var orthancEnabled: Bool {
        ToolLocator.isContinuousIntegration || ToolLocator.find("Orthanc") != nil
    }

    /// Whether S3 tests should run: `weed` is installed, or `CI=1` (then a missing binary fails).
    public static var s3Enabled: Bool {
        ToolLocator.isContinuousIntegration || ToolLocator.find("weed") != nil
    }
}
