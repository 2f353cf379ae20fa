import Crypto
import Testing

@Suite struct HMACTests {
    static let vectors = (try? loadVectors("hmac-sha256-rfc4231.json", as: HMACVectors.self).vectors) ?? []

    @Test func fixtureHasSevenCases() {
        #expect(Self.vectors.map(\.testCase) == Array(1...7))
    }

    @Test(arguments: HMACTests.vectors)
    func matchesRFC4231OneShot(_ vector: HMACVectors.Vector) throws {
        let tag = try HMACSHA256.authenticationCode(for: try Hex.decode(vector.data), key: try Hex.decode(vector.key))
        #expect(Hex.encode(tag.prefix(vector.truncateToBytes)) == vector.mac, "case \(vector.testCase)")
    }

    @Test(arguments: HMACTests.vectors)
    func matchesRFC4231IncrementallyWithSecureKey(_ vector: HMACVectors.Vector) throws {
        var mac = try HMACSHA256(key: SecureBytes(try Hex.decode(vector.key)))
        for byte in try Hex.decode(vector.data) { try mac.update([byte]) }
        #expect(Hex.encode(try mac.finalize().prefix(vector.truncateToBytes)) == vector.mac, "case \(vector.testCase)")
    }

    @Test func acceptsAnEmptyKey() throws {
        // HMAC-SHA-256 with an empty key and empty message (well-known value).
        let tag = try HMACSHA256.authenticationCode(for: [UInt8](), key: [UInt8]())
        #expect(Hex.encode(tag) == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    @Test func copiesAreIndependent() throws {
        var first = try HMACSHA256(key: Array("key".utf8))
        try first.update(Array("ab".utf8))
        var second = first
        try second.update(Array("c".utf8))
        let expected = try HMACSHA256.authenticationCode(for: Array("abc".utf8), key: Array("key".utf8))
        #expect(try second.finalize() == expected)
        #expect(try first.finalize() != expected)
    }
}
