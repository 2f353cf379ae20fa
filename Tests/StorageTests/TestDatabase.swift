import Foundation
import Storage
import TestSupport

/// A database file in its own temporary directory, removed when the value is released.
final class TestDatabase: Sendable {
    let directory: TemporaryDirectory
    let path: String
    let queue: DatabaseQueue

    init(configuration: DatabaseConfiguration = DatabaseConfiguration()) throws {
        directory = try TemporaryDirectory(prefix: "storage")
        path = directory.file("test.sqlite").path
        queue = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// A second, independent connection to the same file.
    func secondQueue(configuration: DatabaseConfiguration = DatabaseConfiguration()) throws -> DatabaseQueue {
        try DatabaseQueue(path: path, configuration: configuration)
    }
}
