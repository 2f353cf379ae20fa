import Crypto
import Foundation
import Testing
import TestSupport

@Suite struct SHA256Tests {
    static let vectors = (try? loadVectors("sha256-nist.json", as: SHA256Vectors.self).vectors) ?? []

    @Test func fixtureIsPresent() {
        #expect(Self.vectors.count == 4)
    }

    @Test(arguments: SHA256Tests.vectors)
    func matchesNISTExampleOneShot(_ vector: SHA256Vectors.Vector) throws {
        let message = Array(String(repeating: vector.message, count: vector.repeat).utf8)
        #expect(Hex.encode(try SHA256.hash(message)) == vector.digest, "\(vector.name)")
    }

    @Test(arguments: SHA256Tests.vectors)
    func matchesNISTExampleIncrementally(_ vector: SHA256Vectors.Vector) throws {
        var hasher = try SHA256()
        let piece = Array(vector.message.utf8)
        for _ in 0..<vector.repeat { try hasher.update(piece) }
        #expect(Hex.encode(try hasher.finalize()) == vector.digest, "\(vector.name)")
    }

    @Test func copiesAreIndependent() throws {
        var first = try SHA256()
        try first.update(Array("ab".utf8))
        var second = first
        try second.update(Array("c".utf8))
        try first.update(Array("x".utf8))
        #expect(Hex.encode(try second.finalize()) == Hex.encode(try SHA256.hash(Array("abc".utf8))))
        #expect(Hex.encode(try first.finalize()) == Hex.encode(try SHA256.hash(Array("abx".utf8))))
    }

    @Test func finalizeResetsToEmpty() throws {
        var hasher = try SHA256()
        try hasher.update(Array("abc".utf8))
        _ = try hasher.finalize()
        #expect(try hasher.finalize() == (try SHA256.hash([UInt8]())))
    }

    @Test func hashesAFileInChunks() throws {
        let dir = try TemporaryDirectory(prefix: "sha256")
        let file = dir.file("million-a.txt")
        try Data(repeating: UInt8(ascii: "a"), count: 1_000_000).write(to: file)
        let digest = try SHA256.hash(contentsOf: file, chunkSize: 4096 + 7)
        #expect(Hex.encode(digest) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func missingFileNamesTheFile() throws {
        let dir = try TemporaryDirectory(prefix: "sha256")
        let missing = dir.file("absent.bin")
        let error = #expect(throws: CryptoError.self) { try SHA256.hash(contentsOf: missing) }
        #expect(error?.code == .fileUnreadable)
        #expect(error?.description.contains("absent.bin") == true)
    }
}
