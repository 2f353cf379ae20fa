public import Foundation

/// The test fixtures in `Tests/Fixtures/`, found from this file's location (like swift-crypto's Wycheproof loader).
public enum Fixtures {
    /// The `Tests/Fixtures` folder.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TestSupport
        .deletingLastPathComponent()  // Sources
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("Tests/Fixtures", isDirectory: true)

    /// A fixture by its path below `Tests/Fixtures` (`"dicom/CT_small.dcm"`).
    public static func url(_ relativePath: String) -> URL { root.appendingPathComponent(relativePath) }

    /// A fixture's bytes.
    public static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(relativePath)))
    }
}
