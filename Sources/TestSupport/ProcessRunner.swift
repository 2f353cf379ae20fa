public import Foundation

/// The outcome of running a program to completion.
public struct ProcessResult: Sendable {
    /// The exit status, or the signal number for a program killed by a signal.
    public let status: Int32
    /// Everything the program wrote to standard output.
    public let standardOutput: String
    /// Everything the program wrote to standard error.
    public let standardError: String
}

/// Runs programs for tests: the built `fedlake`, and oracle tools such as `dcmdump` and `python3`.
public enum ProcessRunner {
    /// Runs `executable` with `arguments` and waits for it, collecting its output.
    ///
    /// - Throws: when the program cannot be started.
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String]? = nil,
        currentDirectory: URL? = nil
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        // Output goes to temporary files, not pipes: a server that another test starts at the same moment
        // inherits open descriptors, and a pipe's write end held by it would never report end-of-file.
        let folder = try TemporaryDirectory(prefix: "process-output")
        let outputURL = folder.file("stdout")
        let errorURL = folder.file("stderr")
        guard FileManager.default.createFile(atPath: outputURL.path, contents: nil),
            FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        else { throw CocoaError(.fileWriteUnknown) }
        let output = try FileHandle(forWritingTo: outputURL)
        let error = try FileHandle(forWritingTo: errorURL)
        defer {
            try? output.close()
            try? error.close()
        }
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return ProcessResult(
            status: process.terminationStatus,
            standardOutput: String(decoding: try Data(contentsOf: outputURL), as: UTF8.self),
            standardError: String(decoding: try Data(contentsOf: errorURL), as: UTF8.self))
    }

    /// Runs a program found on `PATH` (or in the system's sbin folders).
    public static func run(tool: String, _ arguments: [String]) throws -> ProcessResult {
        try run(try ToolLocator.path(of: tool), arguments)
    }
}
