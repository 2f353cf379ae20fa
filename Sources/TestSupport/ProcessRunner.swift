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
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Drain both pipes concurrently so a chatty program cannot block on a full pipe.
        let errorData = LockedData()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            errorData.set(error.fileHandleForReading.readDataToEndOfFile())
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return ProcessResult(
            status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData.get(), as: UTF8.self))
    }

    /// Runs a program found on `PATH` (or in the system's sbin folders).
    public static func run(tool: String, _ arguments: [String]) throws -> ProcessResult {
        try run(try ToolLocator.path(of: tool), arguments)
    }
}

/// Data shared between a reader thread and the waiting one.
// @unchecked Sendable: every access goes through `lock`.
private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
}
