public import Crypto
public import Foundation
import Glibc
public import Storage
import Synchronization

/// A research lake: a directory holding `lake.sqlite` (the tables of <doc:LakeSchema>) and `objects/`, a
/// content-addressed store of de-identified files.
///
/// ```swift
/// let secret = try SecretFile.read(path: "/etc/fedlake/node.key", minimumCount: 32)
/// let lake = try Lake.create(at: URL(fileURLWithPath: "/var/lib/fedlake/lake"), secret: secret)
/// let status = try lake.status()
/// print(status.instances, status.documents, status.quarantined)
/// ```
///
/// Where objects came from is kept as *keyed digests*: HMAC-SHA-256 (RFC 2104) of the source's identifier
/// under a key derived from the node's secret, so the lake recognises an object it has seen without
/// storing what the source calls it. Files are stored at `objects/ab/<sha256>`, written to a temporary
/// file in the same file system and renamed into place; the store is flushed (`syncfs(2)`) before any row
/// names a file, so a named file is whole; equal files are stored once.
public struct Lake: Sendable {
    /// The name of the database file in the lake directory.
    public static let databaseFileName = "lake.sqlite"
    /// The name of the object store folder in the lake directory.
    public static let objectsFolderName = "objects"
    /// The folder, inside the object store, of files being written (emptied when a lake is opened).
    static let incomingFolderName = ".incoming"
    /// The folder of files fetched from sources while they are de-identified.
    static let scratchFolderName = ".scratch"
    /// A marker that ingest is running; found at open, it means the last run stopped without finishing.
    static let runningMarkerName = ".ingest-running"

    /// The lake directory.
    public let directory: URL
    /// The database.
    public let database: DatabaseQueue
    /// The first 16 hex digits of a SHA-256 fingerprint of the node's key (the `key_fingerprint` column).
    public let keyFingerprint: String
    /// The node's secret (pseudonyms, UID remapping and date shifts are derived from it).
    public let secret: SecureBytes
    private let digestKey: SecureBytes

    /// The object store folder.
    public var objectsDirectory: URL { directory.appendingPathComponent(Self.objectsFolderName, isDirectory: true) }
    var incomingDirectory: URL { objectsDirectory.appendingPathComponent(Self.incomingFolderName, isDirectory: true) }
    var scratchDirectory: URL { directory.appendingPathComponent(Self.scratchFolderName, isDirectory: true) }

    /// Creates a lake in `directory` (created if missing; it must not hold a lake yet) and migrates its schema.
    ///
    /// - Parameters:
    ///   - directory: The lake directory.
    ///   - secret: The node's secret key (at least 32 bytes).
    /// - Returns: The open lake.
    /// - Throws: ``LakeError`` `.alreadyExists`, `.io`, `.database`, `.crypto`.
    public static func create(at directory: URL, secret: SecureBytes) throws(LakeError) -> Lake {
        let database = directory.appendingPathComponent(databaseFileName)
        if FileManager.default.fileExists(atPath: database.path) {
            throw LakeError(
                .alreadyExists, input: directory.path, "a lake already exists here",
                remedy: "use it as it is, or choose another directory")
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path)
        } catch {
            throw LakeError(.io, input: directory.path, "the lake directory cannot be created")
        }
        return try open(at: directory, secret: secret, creating: true)
    }

    /// Opens an existing lake, migrating its schema to this version's. Opening never deletes anything (another
    /// process may be ingesting); what an interrupted run left is removed when the next ingest run starts.
    /// - Throws: ``LakeError`` `.notALake` when the directory has no `lake.sqlite`, `.keyMismatch` when the
    ///   lake was filled under another key, `.io`, `.database`.
    public static func open(at directory: URL, secret: SecureBytes) throws(LakeError) -> Lake {
        try open(at: directory, secret: secret, creating: false)
    }

    private static func open(at directory: URL, secret: SecureBytes, creating: Bool) throws(LakeError) -> Lake {
        let databaseURL = directory.appendingPathComponent(databaseFileName)
        if !creating, !FileManager.default.fileExists(atPath: databaseURL.path) {
            throw LakeError(
                .notALake, input: directory.path, "no lake here (no \(databaseFileName))",
                remedy: "run 'fedlake node init --config FILE' first")
        }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: databaseURL.path)
            try LakeSchema.migrator.migrate(queue)
        } catch {
            throw LakeError(.database, input: databaseURL.path, "\(error)")
        }
        let lake = try Lake(directory: directory, database: queue, secret: secret)
        try lake.checkKeyFingerprint()
        for folder in [lake.objectsDirectory, lake.incomingDirectory, lake.scratchDirectory] {
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw LakeError(.io, input: folder.path, "the folder cannot be created")
            }
        }
        return lake
    }

    private init(directory: URL, database: DatabaseQueue, secret: SecureBytes) throws(LakeError) {
        self.directory = directory.standardizedFileURL
        self.database = database
        self.secret = secret
        do {
            digestKey = SecureBytes(
                try HMACSHA256.authenticationCode(for: Array("fedlake lake provenance key v1".utf8), key: secret))
            let tag = try HMACSHA256.authenticationCode(for: Array("fedlake key fingerprint v1".utf8), key: secret)
            keyFingerprint = String(Hex.encode(try SHA256.hash(tag)).prefix(16))
        } catch {
            throw LakeError(.crypto, input: directory.path, "the lake keys cannot be derived: \(error)")
        }
    }

    private func checkKeyFingerprint() throws(LakeError) {
        let recorded: String?
        do {
            recorded = try database.read { db in
                try db.fetchOne(String.self, "SELECT key_fingerprint FROM provenance ORDER BY id DESC LIMIT 1")
            }
        } catch {
            throw LakeError(.database, input: database.path, "\(error)")
        }
        if let recorded, recorded != keyFingerprint {
            throw LakeError(
                .keyMismatch, input: directory.path,
                "the lake was filled under key \(recorded), but the configured key is \(keyFingerprint)",
                remedy: "configure the node's original secretKeyFile; pseudonyms under another key would not link")
        }
    }

    /// The keyed digest of a source's identifier or version: lowercase hex HMAC-SHA-256 under the lake's
    /// provenance key.
    /// - Throws: ``LakeError`` `.crypto`.
    public func keyedDigest(_ identifier: String) throws(LakeError) -> String {
        do {
            return Hex.encode(try HMACSHA256.authenticationCode(for: Array(identifier.utf8), key: digestKey))
        } catch {
            throw LakeError(.crypto, input: directory.path, "a keyed digest failed: \(error)")
        }
    }

    /// The file of the stored object whose SHA-256 is `sha256` (lowercase hex): `objects/ab/<sha256>`.
    ///
    /// One level of 256 folders, as content-addressed stores commonly use: a second level would make a folder
    /// (an inode and a block) for nearly every object of a lake below a few million objects, and 256 folders
    /// hold tens of millions of files with the file system's hashed directory index.
    public func objectURL(sha256: String) -> URL {
        objectsDirectory.appendingPathComponent(String(sha256.prefix(2)), isDirectory: true)
            .appendingPathComponent(sha256, isDirectory: false)
    }

    /// A fresh file name for an object being written, in the object store's file system.
    private func incomingFile() -> URL {
        incomingDirectory.appendingPathComponent(Self.uniqueFileName(), isDirectory: false)
    }

    /// A fresh file name for a fetched source object.
    func scratchFile() -> URL {
        scratchDirectory.appendingPathComponent(Self.uniqueFileName(), isDirectory: false)
    }

    /// A name no other file of this process or of another run uses: a random per-process prefix and a counter
    /// (cheaper than a random UUID per file, which reads the system's random source each time). Working folders
    /// are emptied when a run starts, so names only need to be unique among running processes.
    static func uniqueFileName() -> String {
        "\(processFilePrefix)-\(fileNameCounter.add(1, ordering: .relaxed).newValue)"
    }

    /// Moves a fully written file from `objects/.incoming` into the store under its SHA-256 (an atomic POSIX
    /// `rename(2)`). A file already stored under that name has the same bytes; then the new one is dropped.
    ///
    /// The file is not flushed here: ``flushObjectStore()`` flushes every file stored since the last flush in
    /// one call, and ``commit(_:sourceID:pass:profile:)`` calls it before any row names the file. Until then a
    /// power loss may leave the name with a torn file; no row names it, the run's marker is on disk (see
    /// ``beginIngestRun()``), so the next run removes it as an orphan before it could be taken for whole.
    ///
    /// - Returns: The lowercase hex SHA-256 and size of the file.
    /// - Throws: ``LakeError`` `.io` or `.crypto`.
    private func storeIncoming(_ file: URL) throws(LakeError) -> (sha256: String, byteCount: Int64) {
        defer { _ = Glibc.unlink(file.path) }
        let digest: String
        do {
            digest = Hex.encode(try SHA256.hash(contentsOf: file))
        } catch {
            throw LakeError(.crypto, input: file.lastPathComponent, "the stored file cannot be hashed: \(error)")
        }
        var status = stat()
        guard stat(file.path, &status) == 0 else {
            throw LakeError(.io, input: file.path, "the file to store is missing: \(Self.errnoText())")
        }
        try place(file, sha256: digest)
        return (digest, Int64(status.st_size))
    }

    /// Stores `bytes` (a file small enough to hold in memory) like ``storeIncoming(_:)``: hashed in memory,
    /// written to `objects/.incoming` with one `write(2)` and renamed into place, so the file is never read
    /// back.
    ///
    /// - Returns: The lowercase hex SHA-256 and size of the bytes.
    /// - Throws: ``LakeError`` `.io` or `.crypto`.
    func store(bytes: [UInt8]) throws(LakeError) -> (sha256: String, byteCount: Int64) {
        let digest: String
        do {
            digest = Hex.encode(try SHA256.hash(bytes))
        } catch {
            throw LakeError(.crypto, input: "object", "the object cannot be hashed: \(error)")
        }
        let file = incomingFile()
        let path = file.path
        var placed = false
        defer { if !placed { _ = Glibc.unlink(path) } }
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw LakeError(.io, input: path, "cannot be created: \(Self.errnoText())") }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { raw in
                Glibc.write(descriptor, raw.baseAddress.map { $0 + written }, raw.count - written)
            }
            if result < 0, errno == EINTR { continue }
            guard result > 0 else {
                let reason = Self.errnoText()
                close(descriptor)
                throw LakeError(.io, input: path, "cannot be written: \(reason)")
            }
            written += result
        }
        guard close(descriptor) == 0 else { throw LakeError(.io, input: path, "cannot be closed: \(Self.errnoText())") }
        placed = try place(file, sha256: digest)
        return (digest, Int64(bytes.count))
    }

    /// Stores the file `write` writes into a fresh file of `objects/.incoming`, like ``storeIncoming(_:)``: for
    /// objects too large to hold in memory, streamed as they are written. The file is removed when `write`
    /// fails.
    ///
    /// - Returns: The lowercase hex SHA-256 and size of the file.
    /// - Throws: What `write` throws, or ``LakeError`` `.io` or `.crypto`.
    func store(writing write: (URL) throws -> Void) throws -> (sha256: String, byteCount: Int64) {
        let file = incomingFile()
        do {
            try write(file)
        } catch {
            _ = Glibc.unlink(file.path)
            throw error
        }
        return try storeIncoming(file)
    }

    /// Renames a written file into the store under `sha256`, unless a file of that name (the same bytes) is
    /// there already.
    /// - Returns: Whether `file` was renamed (otherwise it is still there, for the caller to remove).
    @discardableResult
    private func place(_ file: URL, sha256 digest: String) throws(LakeError) -> Bool {
        let destination = objectURL(sha256: digest)
        if Glibc.access(destination.path, F_OK) == 0 { return false }
        // The folder usually exists: rename first, and make the folder only when the rename says it is missing.
        if Glibc.rename(file.path, destination.path) != 0 {
            guard errno == ENOENT else {
                throw LakeError(.io, input: destination.path, "the object cannot be stored: \(Self.errnoText())")
            }
            let folder = destination.deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw LakeError(.io, input: folder.path, "the object folder cannot be created")
            }
            guard Glibc.rename(file.path, destination.path) == 0 else {
                throw LakeError(.io, input: destination.path, "the object cannot be stored: \(Self.errnoText())")
            }
        }
        return true
    }

    /// Makes every file stored so far durable, with their folders: one `syncfs(2)` of the object store's file
    /// system (``FileSystemSync/flushFileSystem(containing:)``) rather than two `fsync(2)` per file.
    /// - Throws: ``LakeError`` `.io`.
    func flushObjectStore() throws(LakeError) {
        do {
            try FileSystemSync.flushFileSystem(containing: objectsDirectory.path)
        } catch {
            throw LakeError(.io, input: objectsDirectory.path, "the object store cannot be flushed: \(error.message)")
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }

    /// Removes what a stopped run left in `objects/.incoming` and `.scratch`; after a run that did not
    /// finish (its marker is still there), also stored files that no `objects` row names. Called only while
    /// holding the ingest lock, so no other run is writing.
    private func removeLeftovers() {
        let manager = FileManager.default
        for folder in [incomingDirectory, scratchDirectory] {
            for name in (try? manager.contentsOfDirectory(atPath: folder.path)) ?? [] {
                _ = Glibc.unlink(folder.appendingPathComponent(name).path)
            }
        }
        let marker = directory.appendingPathComponent(Self.runningMarkerName)
        if manager.fileExists(atPath: marker.path) {
            if (try? removeOrphanObjects()) != nil { _ = Glibc.unlink(marker.path) }
        }
    }

    /// Deletes stored files that no `objects` row names: files a run stored just before it was killed,
    /// whose transaction never committed. Walks the whole store.
    ///
    /// - Returns: The number of files removed.
    /// - Throws: ``LakeError`` `.database` or `.io`.
    @discardableResult
    public func removeOrphanObjects() throws(LakeError) -> Int {
        let known: Set<String>
        do {
            known = Set(try database.read { db in try db.fetchAll(String.self, "SELECT sha256 FROM objects") })
        } catch {
            throw LakeError(.database, input: database.path, "\(error)")
        }
        var removed = 0
        for file in storedFiles() where !known.contains(file.lastPathComponent) {
            if Glibc.unlink(file.path) == 0 { removed += 1 }
        }
        return removed
    }

    /// Every file in the store (not those being written).
    public func storedFiles() -> [URL] {
        let manager = FileManager.default
        var files: [URL] = []
        for first in (try? manager.contentsOfDirectory(atPath: objectsDirectory.path)) ?? [] where first.count == 2 {
            let firstURL = objectsDirectory.appendingPathComponent(first, isDirectory: true)
            for name in (try? manager.contentsOfDirectory(atPath: firstURL.path)) ?? [] where name.count == 64 {
                files.append(firstURL.appendingPathComponent(name, isDirectory: false))
            }
        }
        return files
    }

    /// Starts an ingest run: takes the lake's ingest lock (`flock(2)` on `.ingest.lock`, released when the run
    /// ends or the process dies), removes what an interrupted run left behind, and marks the run as started
    /// (so that a run killed before ``IngestRunLock/release()`` triggers the orphan sweep next time).
    /// - Throws: ``LakeError`` `.io` when another process is ingesting into this lake.
    func beginIngestRun() throws(LakeError) -> IngestRunLock {
        let path = directory.appendingPathComponent(".ingest.lock").path
        let descriptor = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw LakeError(.io, input: path, "the ingest lock cannot be opened: \(Self.errnoText())") }
        // A child forked by another thread of this process holds a copy of the descriptor (and so the lock) until
        // it execs and O_CLOEXEC closes it: a lock that frees itself within a moment is not another ingest.
        var locked = flock(descriptor, LOCK_EX | LOCK_NB) == 0
        for _ in 0..<200 where !locked && errno == EWOULDBLOCK {
            usleep(10_000)
            locked = flock(descriptor, LOCK_EX | LOCK_NB) == 0
        }
        guard locked else {
            close(descriptor)
            throw LakeError(
                .io, input: directory.path, "another process is ingesting into this lake",
                remedy: "run one 'fedlake node ingest' per lake")
        }
        removeLeftovers()
        // The marker is flushed before any object is stored: after a power loss it is on disk whenever a torn
        // stored file can be, so the next run sweeps the orphans (stored files are flushed only at commit).
        let marker = directory.appendingPathComponent(Self.runningMarkerName)
        do throws(StorageError) {
            if !FileManager.default.createFile(atPath: marker.path, contents: Data()) {
                throw StorageError(.io, message: "cannot be created", path: marker.path)
            }
            try FileSystemSync.flush(path: marker.path, directory: false)
            try FileSystemSync.flush(path: directory.path, directory: true)
        } catch {
            flock(descriptor, LOCK_UN)
            close(descriptor)
            throw LakeError(.io, input: marker.path, "the run marker cannot be written: \(error.message)")
        }
        return IngestRunLock(descriptor: descriptor, marker: marker)
    }
}

/// The lake's ingest lock, held for one run. Release it when the run ends cleanly; a killed process releases
/// it implicitly (the kernel drops `flock` locks with the descriptor) and leaves the run marker behind.
// The descriptor is only closed once, in release(), guarded by the mutex.
final class IngestRunLock: Sendable {
    private let descriptor: Mutex<Int32?>
    private let marker: URL

    init(descriptor: Int32, marker: URL) {
        self.descriptor = Mutex(descriptor)
        self.marker = marker
    }

    /// Ends the run cleanly: removes the run marker and releases the lock.
    func release() {
        descriptor.withLock { descriptor in
            guard let open = descriptor else { return }
            _ = Glibc.unlink(marker.path)
            close(open)
            descriptor = nil
        }
    }

    deinit { descriptor.withLock { if let open = $0 { close(open) } } }
}

/// See ``Lake/uniqueFileName()``.
private let processFilePrefix = UUID().uuidString
private let fileNameCounter = Atomic<UInt64>(0)
