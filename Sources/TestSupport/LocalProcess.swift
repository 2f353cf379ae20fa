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

    /// Set once the child has been reaped.
    private let exited = Mutex(false)
    private let stopped = Mutex(false)

    /// Starts `executable` with `arguments`, appending its output to `logFile`.
    ///
    /// The child gets an empty signal mask, default signal handlers and its own process group. (Foundation's
    /// `Process` passes on the spawning thread's signal mask, and Dispatch worker threads block SIGTERM, so a
    /// server started from a test could never see SIGTERM; hence `posix_spawn` with `POSIX_SPAWN_SETSIGMASK`.)
    /// - Throws: `LocalServerError` when the process cannot be started.
    public init(executable: URL, arguments: [String], logFile: URL) throws {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logFile.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable.path, &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw LocalServerError("cannot start \(executable.lastPathComponent): \(String(cString: strerror(result)))")
        }
        self.pid = pid
        self.logFile = logFile
        self.commandName = executable.lastPathComponent
        ProcessReaper.register(pid)
    }

    /// Whether the process is still running (reaps it once it has exited).
    public var isRunning: Bool {
        exited.withLock { hasExited -> Bool in
            if hasExited { return false }
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid || (result == -1 && errno == ECHILD) { hasExited = true }
            return !hasExited
        }
    }

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
        while isRunning && ContinuousClock.now < deadline { usleep(50_000) }
        if isRunning {
            signal(SIGKILL)
            while isRunning { usleep(20_000) }
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
