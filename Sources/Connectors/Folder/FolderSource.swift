import Crypto
import DICOM
public import Foundation
import Glibc

/// Ingests the regular files of a directory tree, for imports and the demo.
///
/// ```swift
/// let folder = FolderSource(path: URL(fileURLWithPath: "/data/import"))
/// let batch = try await folder.listChanges(after: nil, limit: 1000)
/// ```
///
/// Like ``S3Source`` it has no change log: each call walks the tree, sorts the relative paths by their
/// UTF-8 bytes and reports the next `limit` files after the cursor (`after:<relative path>`) as upserts
/// whose version is `<modification time in ns>-<size>`. The caller compares versions to find changed
/// files, and treats a path it holds but that was not reported during a pass ending with
/// ``ChangeBatch/isComplete`` as deleted. Symbolic links are not followed (a link could lead out of the
/// tree), and names starting with `.` are skipped (temporary files of editors and copy tools).
public struct FolderSource: IngestSource {
    /// The root of the tree.
    public let root: URL
    /// `folder <path>`.
    public let sourceID: String

    /// Creates a source for the tree at `path`.
    public init(path: URL) {
        self.root = path.standardizedFileURL
        self.sourceID = "folder \(root.path)"
    }

    /// Lists the next `limit` files of the current pass after `cursor`.
    ///
    /// - Returns: One upsert per file (relative path, `<mtime ns>-<size>`, size); `isComplete` at the end
    ///   of a pass, after which the cursor is `start`.
    /// - Throws: ``ConnectorError`` `.notFound` when the root is not a directory, `.invalidCursor` for a
    ///   cursor not made by this kind of source, `.io` when the tree cannot be read.
    public func listChanges(after cursor: SourceCursor?, limit: Int) async throws -> ChangeBatch {
        let after: [UInt8]?
        switch cursor?.value {
        case nil, "start": after = nil
        case let value? where value.hasPrefix("after:"): after = Array(value.dropFirst(6).utf8)
        default:
            throw ConnectorError(.invalidCursor, source: sourceID, operation: "walking the folder",
                                 reason: "the cursor is not a folder pass position (start or after:<path>)")
        }
        let root = self.root
        let sourceID = self.sourceID
        let count = max(1, limit)
        return try await offPool { () throws -> ChangeBatch in
            let paths = try Self.walk(root: root, sourceID: sourceID)
            var start = 0
            if let after {
                // First path greater than the cursor (binary search over byte-sorted paths).
                var low = 0
                var high = paths.count
                while low < high {
                    let middle = (low + high) / 2
                    if paths[middle].bytes.lexicographicallyPrecedes(after) || paths[middle].bytes == after {
                        low = middle + 1
                    } else {
                        high = middle
                    }
                }
                start = low
            }
            let end = min(paths.count, start + count)
            var changes: [SourceChange] = []
            for entry in paths[start..<end] {
                guard let status = Self.status(of: root.appendingPathComponent(entry.path).path) else { continue }
                changes.append(.upsert(SourceObjectRef(
                    id: entry.path, version: status.version, byteCount: status.size)))
            }
            guard end < paths.count, let last = paths[start..<end].last else {
                return ChangeBatch(changes: changes, nextCursor: SourceCursor("start"), isComplete: true)
            }
            return ChangeBatch(changes: changes, nextCursor: SourceCursor("after:" + last.path), isComplete: false)
        }
    }

    /// Copies a file into `file`, hashing it on the way.
    ///
    /// - Returns: ``FetchResult/fetched(_:)`` with the version the file had when copying started, or
    ///   ``FetchResult/deletedBeforeFetch`` when it no longer exists.
    /// - Throws: ``ConnectorError`` `.invalidCursor` for an ID that is not a relative path inside the tree,
    ///   `.integrity` (retryable) when the file changed while it was copied, `.io` on read or write errors.
    public func fetch(_ object: SourceObjectRef, to file: URL) async throws -> FetchResult {
        let label = objectLabel(forKey: object.id)
        let operation = "copying a file"
        let components = object.id.split(separator: "/", omittingEmptySubsequences: false)
        guard !object.id.hasPrefix("/"), !components.isEmpty,
            components.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." })
        else {
            throw ConnectorError(.invalidCursor, source: sourceID, operation: operation, objectLabel: label,
                                 objectKey: object.id, reason: "the object ID is not a relative path inside the folder")
        }
        let source = root.appendingPathComponent(object.id)
        let sourceID = self.sourceID
        return try await offPool { () throws -> FetchResult in
            guard let before = Self.status(of: source.path) else {
                let emptied = Glibc.open(file.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
                if emptied >= 0 { close(emptied) }
                return .deletedBeforeFetch(object)
            }
            func failure(_ code: ConnectorError.Code, _ reason: String) -> ConnectorError {
                ConnectorError(code, source: sourceID, operation: operation, objectLabel: label, objectKey: object.id,
                               reason: reason)
            }
            var hasher = try SHA256()
            var copied: Int64 = 0
            do {
                let input = try FileHandle(forReadingFrom: source)
                defer { try? input.close() }
                // open(2) in place (0600, truncating a reused working file) rather than an atomic create.
                let descriptor = Glibc.open(file.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
                guard descriptor >= 0 else { throw failure(.io, "cannot create the destination file") }
                let output = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
                defer { try? output.close() }
                while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                    try output.write(contentsOf: chunk)
                    try hasher.update(chunk)
                    copied += Int64(chunk.count)
                }
            } catch let error as ConnectorError {
                throw error
            } catch {
                throw failure(.io, "copy failed: \(error.localizedDescription)")
            }
            guard let after = Self.status(of: source.path), after.version == before.version, copied == before.size
            else { throw failure(.integrity, "the file changed while it was copied; try again") }
            return .fetched(FetchedObject(
                ref: object, file: file, byteCount: copied, sha256: try hasher.finalize(), version: before.version))
        }
    }

    private struct Entry {
        let path: String
        let bytes: [UInt8]
    }

    /// Regular files under `root` (no symbolic links, no dot names), sorted by UTF-8 bytes.
    private static func walk(root: URL, sourceID: String) throws -> [Entry] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConnectorError(.notFound, source: sourceID, operation: "walking the folder",
                                 reason: "the folder does not exist or is not a directory")
        }
        var entries: [Entry]
        do {
            entries = try FileTree.regularFiles(under: root.path, skippingHidden: true).map {
                Entry(path: $0, bytes: Array($0.utf8))
            }
        } catch {
            throw ConnectorError(.io, source: sourceID, operation: "walking the folder",
                                 reason: "cannot read a directory: \(String(cString: strerror(error.code)))")
        }
        entries.sort { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        return entries
    }

    /// The version (`<mtime ns>-<size>`) and size of a regular file, or nil when it is missing or not regular.
    private static func status(of path: String) -> (version: String, size: Int64)? {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        let nanoseconds = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        return ("\(nanoseconds)-\(info.st_size)", Int64(info.st_size))
    }
}
