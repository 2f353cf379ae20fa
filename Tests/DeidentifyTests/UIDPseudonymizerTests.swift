import Crypto
import Foundation
import Synthesis
import Testing
import TestSupport

@testable import Deidentify

@Suite struct UIDPseudonymizerTests {
    static let key = SecureBytes(Array(0..<32) as [UInt8])
    static let otherKey = SecureBytes(Array(1...32) as [UInt8])

    static func isValidUID(_ uid: String) -> Bool {
        uid.utf8.count <= 64 && uid.range(of: #"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$"#, options: .regularExpression) != nil
    }

    static func randomUID(_ random: inout SplitMix64) -> String {
        let count = Int.random(in: 3...12, using: &random)
        return (0..<count).map { _ in String(UInt32.random(in: 0...UInt32.max, using: &random)) }.joined(separator: ".")
    }

    @Test func matchesKnownAnswersSoMappingsSurviveRestarts() throws {
        // Computed independently (Python hmac) from the documented construction.
        let uids = try UIDPseudonymizer(key: Self.key)
        #expect(
            try uids.pseudonym(for: "1.2.840.113619.2.55.3.604688119.971.1234567890.123")
                == "2.25.208933965456974774175917520907703381916")
        #expect(try uids.pseudonym(for: "1.2.3") == "2.25.123777753900322343370332915979992200489")
    }

    @Test func producesValidUIDsOfAtMost44Characters() throws {
        let uids = try UIDPseudonymizer(key: Self.key)
        var random = SplitMix64(seed: 7050)
        for _ in 0..<2000 {
            let pseudonym = try uids.pseudonym(for: Self.randomUID(&random))
            #expect(Self.isValidUID(pseudonym), "\(pseudonym)")
            #expect(pseudonym.hasPrefix("2.25."))
            #expect(pseudonym.count <= 44)
        }
    }

    @Test func encodesAVersion8UUID() throws {
        let uids = try UIDPseudonymizer(key: Self.key)
        let value = try #require(UInt128(try uids.pseudonym(for: "1.2.3.4").dropFirst(5)))
        #expect((value >> 76) & 0xF == 8)
        #expect((value >> 62) & 0x3 == 0b10)
    }

    @Test func isDeterministicAcrossInstances() throws {
        let first = try UIDPseudonymizer(key: Self.key)
        let second = try UIDPseudonymizer(key: SecureBytes(Array(0..<32) as [UInt8]))
        var random = SplitMix64(seed: 1)
        for _ in 0..<200 {
            let uid = Self.randomUID(&random)
            #expect(try first.pseudonym(for: uid) == second.pseudonym(for: uid))
        }
    }

    @Test func differentKeysGiveUnlinkableOutputs() throws {
        let first = try UIDPseudonymizer(key: Self.key)
        let second = try UIDPseudonymizer(key: Self.otherKey)
        var random = SplitMix64(seed: 2)
        var outputs1 = Set<String>(), outputs2 = Set<String>()
        for _ in 0..<500 {
            let uid = Self.randomUID(&random)
            outputs1.insert(try first.pseudonym(for: uid))
            outputs2.insert(try second.pseudonym(for: uid))
        }
        #expect(outputs1.isDisjoint(with: outputs2))
    }

    @Test func distinctUIDsGetDistinctPseudonyms() throws {
        let uids = try UIDPseudonymizer(key: Self.key)
        let inputs = (0..<5000).map { "1.2.826.0.1.3680043.2.1143.\($0)" }
        let outputs = Set(try inputs.map { uid throws(DeidentifyError) in try uids.pseudonym(for: uid) })
        #expect(outputs.count == inputs.count)
    }

    @Test func ignoresValuePadding() throws {
        let uids = try UIDPseudonymizer(key: Self.key)
        #expect(try uids.pseudonym(for: "1.2.3\0") == uids.pseudonym(for: "1.2.3"))
        #expect(try uids.pseudonym(for: " 1.2.3 ") == uids.pseudonym(for: "1.2.3"))
    }

    @Test func uidsPatientIDsAndDateShiftsUseSeparateDomains() throws {
        // The same input under the same key must not give related outputs across uses.
        let uid = try UIDPseudonymizer(key: Self.key).pseudonym(for: "12345")
        let patient = try PatientPseudonymizer(key: Self.key).pseudonym(forPatientID: "12345")
        #expect(!uid.contains(patient.dropFirst(2)))
    }

    @Test func refusesShortKeysWithoutShowingThem() {
        do {
            _ = try UIDPseudonymizer(key: SecureBytes(Array("hunter2".utf8)))
            Issue.record("a 7-byte key was accepted")
        } catch {
            #expect(error.code == .invalidKey)
            #expect(!error.description.contains("hunter2"))
        }
    }
}
