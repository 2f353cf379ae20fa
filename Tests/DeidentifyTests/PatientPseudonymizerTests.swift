import Crypto
import Synthesis
import Testing
import TestSupport

@testable import Deidentify

@Suite struct PatientPseudonymizerTests {
    @Test func matchesKnownAnswers() throws {
        // Computed independently (Python hmac, base64.b32encode) from the documented construction.
        let patients = try PatientPseudonymizer(key: UIDPseudonymizerTests.key)
        #expect(try patients.pseudonym(forPatientID: "123456", issuer: "HOSP") == "FLRBI7IWHOWVEYFR")
        #expect(try patients.pseudonym(forPatientID: "123456") == "FLTBT2P2KKZ5TUTE")
    }

    @Test func pseudonymsAreShortAndFitLOAndSH() throws {
        let patients = try PatientPseudonymizer(key: UIDPseudonymizerTests.key)
        var random = SplitMix64(seed: 3)
        var seen = Set<String>()
        for index in 0..<3000 {
            let id = "\(UInt32.random(in: 0...UInt32.max, using: &random))-\(index)"
            let pseudonym = try patients.pseudonym(forPatientID: id)
            #expect(pseudonym.count == PatientPseudonymizer.length)
            #expect(pseudonym.hasPrefix("FL"))
            #expect(pseudonym.allSatisfy { ("A"..."Z").contains($0) || ("2"..."7").contains($0) })
            seen.insert(pseudonym)
        }
        #expect(seen.count == 3000)
    }

    @Test func issuerScopesThePatientID() throws {
        let patients = try PatientPseudonymizer(key: UIDPseudonymizerTests.key)
        #expect(try patients.pseudonym(forPatientID: "42", issuer: "A") != patients.pseudonym(forPatientID: "42", issuer: "B"))
        #expect(try patients.pseudonym(forPatientID: "42", issuer: "") == patients.pseudonym(forPatientID: "42"))
        #expect(try patients.pseudonym(forPatientID: "42 ") == patients.pseudonym(forPatientID: "42"))
        // Length-prefixed fields: moving characters between issuer and ID changes the pseudonym.
        #expect(try patients.pseudonym(forPatientID: "B42", issuer: "A") != patients.pseudonym(forPatientID: "42", issuer: "AB"))
    }

    @Test func differentKeysGiveDifferentPseudonyms() throws {
        let first = try PatientPseudonymizer(key: UIDPseudonymizerTests.key)
        let second = try PatientPseudonymizer(key: UIDPseudonymizerTests.otherKey)
        for index in 0..<200 {
            #expect(try first.pseudonym(forPatientID: "P\(index)") != second.pseudonym(forPatientID: "P\(index)"))
        }
    }
}
