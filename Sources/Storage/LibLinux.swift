// The one file that imports CLinux (STYLE.md R2).
internal import CLinux
import Glibc

/// Durable files next to the database: what SQLite does for its own files, for the files a database names.
public enum FileSystemSync {
    /// Flushes the whole file system that holds `path` to stable storage with `syncfs(2)`: the data and
    /// metadata of every file written or renamed there (renames into folders included) are on disk when it
    /// returns. One call stands for a `fsync(2)` of each file and each folder written since the last one —
    /// one journal commit instead of two per file — at the price of flushing whatever else is dirty in that
    /// file system.
    ///
    /// - Throws: ``StorageError`` `.io` naming `path` and the system's reason (`syncfs` reports write-back
    ///   errors since Linux 5.8).
    public static func flushFileSystem(containing path: String) throws(StorageError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw StorageError(.io, message: "cannot be opened to flush its file system: \(errorText())", path: path)
        }
        defer { close(descriptor) }
        guard CLinux_syncfs(descriptor) == 0 else {
            throw StorageError(.io, message: "its file system cannot be flushed: \(errorText())", path: path)
        }
    }

    /// Flushes one file or folder with `fsync(2)`.
    ///
    /// - Throws: ``StorageError`` `.io` naming `path` and the system's reason.
    public static func flush(path: String, directory: Bool) throws(StorageError) {
        let descriptor = open(path, (directory ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw StorageError(.io, message: "cannot be opened to flush: \(errorText())", path: path)
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw StorageError(.io, message: "cannot be flushed: \(errorText())", path: path)
        }
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}
