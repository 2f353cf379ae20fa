import DICOM
import Testing

@testable import Deidentify

@Suite struct AgeClampTests {
    @Test func capsAgesOver89Years() {
        #expect(AgeClamp.clampedValue("090Y") == "090Y")
        #expect(AgeClamp.clampedValue("091Y") == "090Y")
        #expect(AgeClamp.clampedValue("105Y") == "090Y")
        #expect(AgeClamp.clampedValue("999Y") == "090Y")
    }

    @Test func leavesYoungerAgesAndOtherUnitsAlone() {
        #expect(AgeClamp.clampedValue("089Y") == "089Y")
        #expect(AgeClamp.clampedValue("045Y ") == "045Y")
        #expect(AgeClamp.clampedValue("999M") == "999M")  // 83 years
        #expect(AgeClamp.clampedValue("018W") == "018W")
        #expect(AgeClamp.clampedValue("003D") == "003D")
    }

    @Test func clampsEveryValueAndRefusesGarbage() {
        #expect(AgeClamp.clampedValue("045Y\\095Y") == "045Y\\090Y")
        #expect(AgeClamp.clampedValue("old") == nil)
        #expect(AgeClamp.clampedValue("") == "")
    }

    @Test func clampsAgeValues() throws {
        let age = try #require(AgeString(value: 120, unit: .years))
        #expect(AgeClamp.clamped(age).description == "090Y")
    }
}
