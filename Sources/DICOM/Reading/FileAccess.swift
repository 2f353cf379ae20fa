#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A read-only memory mapping of a whole file; the mapping is released when the value is.
///
/// Mapping lets the reader parse headers without copying pixel data: pages are read only when touched.
/// If another process truncates the file while it is mapped, touching the lost pages raises SIGBUS;
/// callers that ingest from shared folders should read files that are no longer being written.
final class MappedFile {
    let path: String
    private let base: UnsafeMutableRawPointer?
    let count: Int

    /// Maps the regular file at `path`.
    /// - Throws: `DICOMError.Code.io` naming the path and the system's reason.
    init(path: String) throws(DICOMError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw MappedFile.systemError("cannot open the file", path: path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw MappedFile.systemError("cannot stat the file", path: path) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw DICOMError(.io, "not a regular file", file: path)
        }
        let size = Int(info.st_size)
        guard size > 0 else {
            base = nil
            count = 0
            return
        }
        let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let mapped, mapped != MAP_FAILED else {
            throw MappedFile.systemError("cannot map the file", path: path)
        }
        base = mapped
        count = size
    }

    deinit {
        if let base { munmap(base, count) }
    }

    /// Runs `body` over the mapped bytes; the pointer must not escape.
    func withUnsafeBytes<T, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> T) throws(E) -> T {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    static func systemError(_ what: String, path: String?) -> DICOMError {
        let code = errno
        let message = String(cString: strerror(code))
        return DICOMError(.io, "\(what): \(message) (errno \(code))", file: path)
    }
}

/// Reads byte ranges of a file with `pread`, for deferred values.
final class FileRangeReader {
    let path: String
    private let fd: Int32

    /// Opens `path` for reading.
    /// - Throws: `DICOMError.Code.io`.
    init(path: String) throws(DICOMError) {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw MappedFile.systemError("cannot open the file", path: path) }
    }

    deinit { close(fd) }

    /// Fills `buffer` with the bytes at `offset`.
    /// - Throws: `.io` on a read error, `.truncated` if the file ends first.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(DICOMError) {
        var done = 0
        while done < buffer.count {
            guard let start = buffer.baseAddress else { return }
            let result = pread(fd, start + done, buffer.count - done, off_t(offset + done))
            if result < 0 {
                if errno == EINTR { continue }
                throw MappedFile.systemError("cannot read the file", path: path)
            }
            if result == 0 {
                throw DICOMError(
                    .truncated, "the file ended before the deferred value's \(buffer.count) bytes could be read",
                    file: path, offset: offset + done,
                    remedy: "the source file changed after it was read; read it again")
            }
            done += result
        }
    }
}

/// Writes to a file descriptor it owns, with a memory buffer.
final class FileOutput {
    let path: String
    private let fd: Int32
    private var closed = false

    /// Creates or truncates `path` (mode 0644).
    init(path: String) throws(DICOMError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw MappedFile.systemError("cannot create the file", path: path) }
    }

    deinit { if !closed { _ = posixClose(fd) } }

    /// Writes all of `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer) throws(DICOMError) {
        var done = 0
        while done < bytes.count {
            guard let start = bytes.baseAddress else { return }
            let result = posixWrite(fd, start + done, bytes.count - done)
            if result < 0 {
                if errno == EINTR { continue }
                throw MappedFile.systemError("cannot write the file", path: path)
            }
            done += result
        }
    }

    /// Flushes to disk and closes.
    func close() throws(DICOMError) {
        guard !closed else { return }
        closed = true
        if posixClose(fd) != 0 { throw MappedFile.systemError("cannot close the file", path: path) }
    }
}

private func posixClose(_ fd: Int32) -> Int32 { close(fd) }
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }
