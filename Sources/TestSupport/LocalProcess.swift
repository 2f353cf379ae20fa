public import Foundation
import Glibc
import Synchronization

/// A server process started by a test: output goes to a log file, and it is stopped by PID (and process
/// group when it leads one) on `stop()`, on release, and at the latest when the test process exits.
public final class LocalProcess: Sendable {
    /// The process ID.
    public let pid: Int32
    /// The file receiving the process's standard output and standard error.
    public let logFile: URL
    /// The command, for messages.
    public let commandName: String

    // Foundation's Process reaps the child and answers `isRunning` thread-safely.
    private let process: Process
    private let stopped = Mutex(false)

    /// Starts `executable` with `arguments`, appending its output to `logFile`.
    /// - Throws: `LocalServerError` when the log cannot be opened or the process cannot be started.
    public init(executable: URL, arguments: [String], logFile: URL, environment: [String: String]? = nil) throws {
        guard FileManager.default.createFile(atPath: logFile.path, contents: nil) else {
            throw LocalServerError("cannot create log file \(logFile.path)")
        }
        let log = try FileHandle(forWritingTo: logFile)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        if let environment { process.environment = environment }
        do {
            try process.run()
        } catch {
            throw LocalServerError("cannot start \(executable.lastPathComponent): \(error)")
        }
        try? log.close()
        self.process = process
        self.pid = process.processIdentifier
        self.logFile = logFile
        self.commandName = executable.lastPathComponent
        ProcessReaper.register(pid)
    }

    /// Whether the process is still running.
    public var isRunning: Bool { process.isRunning }

    /// The last `lines` lines of the log, for error messages.
    public func logTail(lines: Int = 30) -> String {
        guard let data = try? Data(contentsOf: logFile) else { return "<no log>" }
        let text = String(decoding: data, as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// Sends SIGTERM, waits up to `gracePeriod`, then sends SIGKILL and waits for the exit. Idempotent.
    public func stop(gracePeriod: Duration = .seconds(5)) {
        let alreadyStopped = stopped.withLock { value -> Bool in
            defer { value = true }
            return value
        }
        guard !alreadyStopped else { return }
        signal(SIGTERM)
        let deadline = ContinuousClock.now.advanced(by: gracePeriod)
        while process.isRunning && ContinuousClock.now < deadline { usleep(50_000) }
        if process.isRunning {
            signal(SIGKILL)
            while process.isRunning { usleep(20_000) }
        }
        ProcessReaper.unregister(pid)
    }

    private func signal(_ number: Int32) {
        ProcessReaper.signal(pid, number)
    }

    deinit { stop() }
}

/// Kills registered child processes when the test process exits, even if their owners were never
/// released (shared servers live in statics).
enum ProcessReaper {
    private static let pids = Mutex<Set<Int32>>([])
    private static let directories = Mutex<[URL]>([])
    private static let installed: Bool = {
        atexit { ProcessReaper.killAll() }
        return true
    }()

    static func register(_ pid: Int32) {
        _ = installed
        pids.withLock { _ = $0.insert(pid) }
    }

    /// Removes `directory` at exit (after the processes are killed), for servers that outlive their owners.
    static func removeAtExit(_ directory: URL) {
        _ = installed
        directories.withLock { $0.append(directory) }
    }

    static func unregister(_ pid: Int32) {
        pids.withLock { _ = $0.remove(pid) }
    }

    /// Signals the process, and its whole group when it leads one (so forked helpers go too).
    static func signal(_ pid: Int32, _ number: Int32) {
        if getpgid(pid) == pid { _ = kill(-pid, number) }
        _ = kill(pid, number)
    }

    private static func killAll() {
        let all = pids.withLock { $0 }
        for pid in all { signal(pid, SIGKILL) }
        for pid in all {
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
        for directory in directories.withLock({ $0 }) { try? FileManager.default.removeItem(at: directory) }
    }
}
