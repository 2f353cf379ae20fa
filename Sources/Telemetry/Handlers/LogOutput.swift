import Glibc
import Synchronization

/// A destination for lines of text shared by log handlers and the progress renderer: a file descriptor
/// written with one `write(2)` per line under a lock, so lines from different threads never interleave.
///
/// When a ``ProgressRenderer`` shows a status line on a terminal, every log line first clears it and then
/// redraws it below, so logs and the progress bar do not overwrite each other.
public final class LogOutput: Sendable {
    private struct State {
        var statusLine: String?
    }

    private enum Sink {
        case fileDescriptor(Int32)
        case closure(@Sendable (String) -> Void)
    }

    private let sink: Sink
    private let state = Mutex(State())
    /// Whether the destination is a terminal (`isatty(3)`), where progress lines are drawn.
    public let isTerminal: Bool

    /// Standard error (file descriptor 2).
    public static let standardError = LogOutput(fileDescriptor: 2)
    /// Standard output (file descriptor 1).
    public static let standardOutput = LogOutput(fileDescriptor: 1)

    /// Writes to an open file descriptor, which the caller keeps open for the life of this object.
    public init(fileDescriptor: Int32) {
        sink = .fileDescriptor(fileDescriptor)
        isTerminal = isatty(fileDescriptor) == 1
    }

    /// Hands each write to `write`, for tests: captures output as a terminal (`isTerminal: true`) or not.
    public init(isTerminal: Bool, write: @escaping @Sendable (String) -> Void) {
        sink = .closure(write)
        self.isTerminal = isTerminal
    }

    /// Writes `line` followed by a newline (which `line` must not contain).
    public func writeLine(_ line: String) {
        state.withLock { state in
            if let status = state.statusLine, isTerminal {
                emit("\r\u{1B}[K" + line + "\n" + status)
            } else {
                emit(line + "\n")
            }
        }
    }

    /// Shows `line` as the status line on a terminal, replacing the previous one; `nil` ends the status
    /// line with a newline. Does nothing when the destination is not a terminal.
    public func setStatusLine(_ line: String?) {
        guard isTerminal else { return }
        state.withLock { state in
            if let line {
                emit("\r" + line + "\u{1B}[K")
            } else if state.statusLine != nil {
                emit("\n")
            }
            state.statusLine = line
        }
    }

    private func emit(_ text: String) {
        switch sink {
        case .closure(let write):
            write(text)
        case .fileDescriptor(let descriptor):
            var bytes = Array(text.utf8)
            bytes.withUnsafeMutableBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                    if written > 0 {
                        offset += written
                    } else if written < 0, errno == EINTR {
                        continue
                    } else {
                        return  // nowhere to report a failing log destination; drop the line
                    }
                }
            }
        }
    }
}
