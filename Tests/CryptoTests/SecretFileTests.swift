import Crypto
import Foundation
import TestSupport
import Testing

@Suite struct SecretFileTests {
    private func write(_ text: String, mode: Int, in folder: TemporaryDirectory) throws -> String {
        let url = folder.file("secret")
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
        return url.path
    }

    @Test func readsAnOwnerOnlyFileWithoutItsTrailingNewline() throws {
        let folder = try TemporaryDirectory()
        let path = try write("0123456789abcdef0123456789abcdef\n", mode: 0o600, in: folder)
        let secret = try SecretFile.read(path: path, minimumCount: 32)
        #expect(secret == SecureBytes(Array("0123456789abcdef0123456789abcdef".utf8)))
    }

    @Test func refusesAFileOthersCanRead() throws {
        let folder = try TemporaryDirectory()
        for mode in [0o644, 0o640, 0o604, 0o660] {
            let path = try write("0123456789abcdef0123456789abcdef", mode: mode, in: folder)
            let error = try #require(throws: CryptoError.self) { try SecretFile.read(path: path) }
            #expect(error.code == .insecureSecretFile)
            #expect(error.description.contains("chmod 600"))
            #expect(!error.description.contains("0123456789abcdef"), "the secret must never appear in an error")
        }
    }

    @Test func refusesAShortSecretAndAMissingFile() throws {
        let folder = try TemporaryDirectory()
        let path = try write("short\n", mode: 0o600, in: folder)
        let error = try #require(throws: CryptoError.self) { try SecretFile.read(path: path, minimumCount: 32) }
        #expect(error.code == .insecureSecretFile)
        #expect(!error.description.contains("short"))
        #expect(throws: CryptoError.self) { try SecretFile.read(path: folder.file("absent").path) }
    }

    @Test func refusesADirectoryAndASymbolicLink() throws {
        let folder = try TemporaryDirectory()
        #expect(throws: CryptoError.self) { try SecretFile.read(path: folder.path) }
        let target = try write("0123456789abcdef0123456789abcdef", mode: 0o600, in: folder)
        let link = folder.file("link").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(throws: CryptoError.self) { try SecretFile.read(path: link) }
    }
}
