import Foundation

/// Loads a JSON known-answer file from `Tests/Fixtures/vectors/`, located from this file's path.
func loadVectors<T: Decodable>(_ name: String, as type: T.Type, filePath: String = #filePath) throws -> T {
    let url = URL(fileURLWithPath: filePath)
        .deletingLastPathComponent()  // CryptoTests
        .deletingLastPathComponent()  // Tests
        .appendingPathComponent("Fixtures/vectors/\(name)")
    return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
}

struct SHA256Vectors: Decodable {
    struct Vector: Decodable, Sendable {
        let name: String
        let message: String
        let `repeat`: Int
        let digest: String
    }
    let vectors: [Vector]
}

struct HMACVectors: Decodable {
    struct Vector: Decodable, Sendable {
        let testCase: Int
        let key: String
        let data: String
        let truncateToBytes: Int
        let mac: String
    }
    let vectors: [Vector]
}

