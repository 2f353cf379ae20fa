import Crypto
import Testing

@Suite struct SecretsTests {
    @Test func randomBytesHaveTheRequestedLengthAndDiffer() throws {
        let a = try SecureRandom.bytes(count: 32)
        let b = try SecureRandom.bytes(count: 32)
        #expect(a.count == 32)
        #expect(a != b)
        #expect(try SecureRandom.bytes(count: 0).isEmpty)
    }

    @Test func secureBytesCompareByContentAndHideIt() throws {
        let key = try SecureRandom.secureBytes(count: 16)
        let copy = key.withUnsafeBytes { SecureBytes(Array($0)) }
        #expect(key == copy)
        #expect(key != SecureBytes([UInt8](repeating: 0, count: 16)))
        #expect(key != SecureBytes([1, 2, 3]))
        #expect(key.description == "SecureBytes(16 bytes)")
    }

    @Test func constantTimeEqualsComparesContentAndLength() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(ConstantTime.equals([UInt8](), [UInt8]()))
    }

    @Test func hexRoundTripsAndRejectsBadText() throws {
        #expect(Hex.encode([0x00, 0xde, 0xad, 0xbe, 0xef, 0xff]) == "00deadbeefff")
        #expect(try Hex.decode("00DEADbeefFF") == [0x00, 0xde, 0xad, 0xbe, 0xef, 0xff])
        let odd = #expect(throws: CryptoError.self) { try Hex.decode("abc") }
        #expect(odd?.code == .invalidArgument)
        let bad = #expect(throws: CryptoError.self) { try Hex.decode("0g") }
        #expect(bad?.description.contains("offset 1") == true)
    }
}
