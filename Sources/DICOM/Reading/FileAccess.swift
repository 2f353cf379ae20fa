#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The bytes of a whole file, read-only: small files are read into memory, larger ones memory-mapped;
/// the memory is released when the value is.
///
/// Mapping lets the reader parse headers without copying pixel data: pages are read only when touched.
/// For a small file, mapping costs more than it saves (mmap, munmap and a page fault per page against
/// one read of a few kilobytes; on the header benchmark's 11 KB files, reading halved the system time),
/// so files up to ``readLimit`` bytes are read with `pread`.
/// If another process truncates a mapped file, touching the lost pages raises SIGBUS; callers that
/// ingest from shared folders should read files that are no longer being written.
final class MappedFile {
    /// Files up to this size are read into memory rather than mapped.
    static let readLimit = 64 * 1024

    let path: String
    private let base: UnsafeMutableRawPointer?
    let count: Int
    /// Whether `base` is a mapping (else an allocation, or `nil` for an empty file).
    private let isMapped: Bool

    /// The size of the whole file; larger than `count` when only a prefix was read.
    private(set) var fileSize = 0

    /// Whether only the first `count` bytes of a longer file are held.
    var isPrefix: Bool { fileSize > count }

    /// Reads or maps the regular file at `path`; with `prefix`, reads at most that many bytes from its start,
    /// or the whole file when it is no longer than `wholeUpTo`.
    /// - Throws: `DICOMError.Code.io` naming the path and the system's reason.
    init(path: String, prefix: Int? = nil, wholeUpTo: Int = 0) throws(DICOMError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw MappedFile.systemError("cannot open the file", path: path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw MappedFile.systemError("cannot stat the file", path: path) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw DICOMError(.io, "not a regular file", file: path)
        }
        fileSize = Int(info.st_size)
        let size = fileSize <= wholeUpTo ? fileSize : min(fileSize, prefix ?? fileSize)
        guard size > 0 else {
            base = nil
            count = 0
            isMapped = false
            return
        }
        if size <= Self.readLimit || prefix != nil {
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
            var done = 0
            while done < size {
                let result = pread(fd, buffer + done, size - done, off_t(done))
                if result < 0, errno == EINTR { continue }
                guard result > 0 else {
                    let error =
                        result < 0
                        ? MappedFile.systemError("cannot read the file", path: path)
                        : DICOMError(.io, "the file became shorter while it was read", file: path)
                    buffer.deallocate()
                    throw error
                }
                done += result
            }
            base = buffer
            count = size
            isMapped = false
            return
        }
        let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let mapped, mapped != MAP_FAILED else {
            throw MappedFile.systemError("cannot map the file", path: path)
        }
        base = mapped
        count = size
        isMapped = true
    }

    deinit {
        guard let base else { return }
        if isMapped { munmap(base, count) } else { base.deallocate() }
    }

    /// Runs `body` over the file's bytes; the pointer must not escape.
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

    /// The open descriptor, for in-kernel copies; valid while the reader lives.
    var descriptor: Int32 { fd }

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
    /// Bytes written so far.
    private(set) var written = 0

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
        written += bytes.count
    }

    /// Appends `length` bytes of `source` starting at `offset` with an in-kernel copy (`sendfile(2)`, which
    /// takes a regular file as output since Linux 2.6.33), so the bytes never pass through user memory.
    ///
    /// - Returns: the bytes copied; fewer than `length` (possibly 0) when the kernel cannot copy between
    ///   these files, and the caller copies the rest itself.
    /// - Throws: `.io` on a write error, `.truncated` if the source ends first.
    func appendInKernel(from source: FileRangeReader, offset: Int, length: Int) throws(DICOMError) -> Int {
        var position = off_t(offset)
        var done = 0
        while done < length {
            // Linux moves at most 0x7FFFF000 bytes per call.
            let result = sendfile(fd, source.descriptor, &position, min(length - done, 0x7FFF_F000))
            if result < 0 {
                let code = errno
                if code == EINTR || code == EAGAIN { continue }
                // Not supported for this pair of files: the caller falls back to read and write.
                if code == EINVAL || code == ENOSYS || code == EOPNOTSUPP || code == EXDEV { return done }
                throw MappedFile.systemError("cannot copy into the file", path: path)
            }
            if result == 0 {
                throw DICOMError(
                    .truncated, "the file ended before the deferred value's \(length) bytes could be copied",
                    file: source.path, offset: offset + done,
                    remedy: "the source file changed after it was read; read it again")
            }
            done += result
        }
        written += done
        return done
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
