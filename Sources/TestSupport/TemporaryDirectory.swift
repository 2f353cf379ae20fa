public import Foundation

/// A directory under the system's temporary folder that is removed when the value is released.
///
/// ```swift
/// let dir = try TemporaryDirectory(prefix: "dicom")
/// let file = dir.url.appendingPathComponent("a.dcm")
/// ```
public final class TemporaryDirectory: Sendable {
    /// The directory's location.
    public let url: URL

    /// The directory's path.
    public var path: String { url.path }

    /// Creates a fresh, empty directory named after `prefix`.
    public init(prefix: String = "fedlake") throws {
        let base = FileManager.default.temporaryDirectory
        let url = base.appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        self.url = url
    }

    /// A location inside the directory.
    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    deinit { try? FileManager.default.removeItem(at: url) }
}
