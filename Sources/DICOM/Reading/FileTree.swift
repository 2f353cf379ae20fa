import Glibc

/// The regular files under a folder, as a batch of DICOM files and documents is read: one `readdir(3)` pass per
/// folder, the file type taken from the directory entry (a `stat` only where the file system does not say), no
/// per-file object. Folders reached through symbolic links are never entered, so a walk ends even on a tree with
/// link cycles.
///
/// ```swift
/// let files = try FileTree.regularFiles(under: "/data/incoming")   // ["a/1.dcm", "a/2.dcm", "report.txt"]
/// ```
public enum FileTree {
    /// A folder that could not be read.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// The folder.
        public let path: String
        /// The `errno` of `opendir(3)`.
        public let code: Int32
        public var description: String { "\(path): cannot read the folder (\(String(cString: strerror(code))))" }
    }

    /// The paths, relative to `root` and joined with `/`, of the regular files under it, in no fixed order.
    ///
    /// - Parameters:
    ///   - root: A folder.
    ///   - skippingHidden: Leave out files and folders whose names start with `.`.
    ///   - followingFileLinks: Count a symbolic link to a regular file as a file (links to folders are never
    ///     followed); otherwise links are left out.
    /// - Throws: ``Failure`` naming the first folder that cannot be opened.
    public static func regularFiles(
        under root: String, skippingHidden: Bool = false, followingFileLinks: Bool = false
    ) throws(Failure) -> [String] {
        var files: [String] = []
        var pending = [""]
        while let relative = pending.popLast() {
            let folder = relative.isEmpty ? root : root + "/" + relative
            guard let directory = opendir(folder) else { throw Failure(path: folder, code: errno) }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name == "." || name == ".." || (skippingHidden && name.hasPrefix(".")) { continue }
                let path = relative.isEmpty ? name : relative + "/" + name
                switch kind(of: entry.pointee.d_type, at: root + "/" + path, followingFileLinks: followingFileLinks) {
                case .folder: pending.append(path)
                case .file: files.append(path)
                case .other: continue
                }
            }
        }
        return files
    }

    /// The extension of the last component of a `/`-separated path, lower-cased: `"a/B.DCM"` → `"dcm"`; empty when
    /// the name has no dot or only a leading one (`".hidden"`).
    public static func pathExtension(of path: String) -> String {
        let name = path[(path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex)...]
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }

    private enum Kind { case folder, file, other }

    private static func kind(of type: UInt8, at path: String, followingFileLinks: Bool) -> Kind {
        switch Int32(type) {
        case Int32(DT_DIR): return .folder
        case Int32(DT_REG): return .file
        case Int32(DT_LNK):
            var info = stat()
            guard followingFileLinks, stat(path, &info) == 0 else { return .other }
            return info.st_mode & S_IFMT == S_IFREG ? .file : .other
        case Int32(DT_UNKNOWN):
            // Some file systems leave the type out of directory entries.
            var info = stat()
            guard lstat(path, &info) == 0 else { return .other }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: return .folder
            case S_IFREG: return .file
            case S_IFLNK: return kind(of: UInt8(DT_LNK), at: path, followingFileLinks: followingFileLinks)
            default: return .other
            }
        default:
            return .other
        }
    }
}
