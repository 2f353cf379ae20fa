import Crypto
import DICOM
import Synthesis
import Testing
import TestSupport

@testable import Deidentify

@Suite struct DateShifterTests {
    @Test func matchesKnownAnswers() throws {
        let shifter = try DateShifter(key: UIDPseudonymizerTests.key)
        #expect(try shifter.shift(forPatientID: "123456", issuer: "HOSP").days == -362)
        #expect(try shifter.shift(forPatientID: "123456").days == -209)
    }

    @Test func offsetsStayInTheRangeAndAreNeverZero() throws {
        let shifter = try DateShifter(key: UIDPseudonymizerTests.key)
        var distinct = Set<Int>()
        for index in 0..<3000 {
            let days = try shifter.shift(forPatientID: "patient-\(index)").days
            #expect(DateShifter.defaultRange.contains(days))
            distinct.insert(days)
        }
        #expect(distinct.count > 300)  // spread over the year, not a handful of values
        let positive = try DateShifter(key: UIDPseudonymizerTests.key, range: 10...20)
        for index in 0..<200 {
            #expect((10...20).contains(try positive.shift(forPatientID: "\(index)").days))
        }
    }

    @Test func refusesRangesThatIncludeZeroOrAreTooWide() {
        for range in [-10...10, 0...5, -50_000 ... -1] {
            do {
                _ = try DateShifter(key: UIDPseudonymizerTests.key, range: range)
                Issue.record("range \(range) was accepted")
            } catch {
                #expect(error.code == .invalidDateShiftRange)
            }
        }
    }

    @Test func oneShiftPerPatientAcrossInstancesAndNotAcrossKeys() throws {
        let first = try DateShifter(key: UIDPseudonymizerTests.key)
        let second = try DateShifter(key: SecureBytes(Array(0..<32) as [UInt8]))
        let other = try DateShifter(key: UIDPseudonymizerTests.otherKey)
        var differ = 0
        for index in 0..<200 {
            let id = "MRN\(index)"
            #expect(try first.shift(forPatientID: id) == second.shift(forPatientID: id))
            if try first.shift(forPatientID: id) != other.shift(forPatientID: id) { differ += 1 }
        }
        #expect(differ > 190)
    }

    @Test func preservesEveryIntervalBetweenDates() throws {
        var random = SplitMix64(seed: 20_240_229)
        for _ in 0..<2000 {
            let shift = DateShift(days: Int.random(in: -36_525 ... -1, using: &random))
            let a = try #require(DICOMDate(daysSinceEpoch: Int.random(in: -25_000...50_000, using: &random)))
            let b = try #require(DICOMDate(daysSinceEpoch: Int.random(in: -25_000...50_000, using: &random)))
            let shiftedA = try #require(shift.apply(to: a))
            let shiftedB = try #require(shift.apply(to: b))
            #expect(shiftedB.daysSinceEpoch - shiftedA.daysSinceEpoch == b.daysSinceEpoch - a.daysSinceEpoch)
            #expect(shiftedA.daysSinceEpoch - a.daysSinceEpoch == shift.days)
        }
    }

    @Test func preservesEveryIntervalBetweenDateTimes() throws {
        var random = SplitMix64(seed: 303)
        func randomDateTime() throws -> DICOMDateTime {
            let date = try #require(DICOMDate(daysSinceEpoch: Int.random(in: 0...40_000, using: &random)))
            let time = try #require(
                DICOMTime(
                    hour: Int.random(in: 0...23, using: &random), minute: Int.random(in: 0...59, using: &random),
                    second: Int.random(in: 0...59, using: &random),
                    microsecond: Int.random(in: 0...999, using: &random) * 1000, fractionDigits: 3,
                    precision: .fraction))
            let offset = [nil, 0, 60, -300, 330].randomElement(using: &random) ?? nil
            return try #require(DICOMDateTime(date: date, time: time, precision: .fraction, utcOffsetMinutes: offset))
        }
        for _ in 0..<1000 {
            let shift = DateShift(days: Int.random(in: -365 ... -1, using: &random))
            let a = try randomDateTime(), b = try randomDateTime()
            let shiftedA = try #require(shift.apply(to: a)), shiftedB = try #require(shift.apply(to: b))
            #expect(
                shiftedB.microsecondsSinceEpoch - shiftedA.microsecondsSinceEpoch
                    == b.microsecondsSinceEpoch - a.microsecondsSinceEpoch)
            #expect(shiftedA.precision == a.precision && shiftedA.utcOffsetMinutes == a.utcOffsetMinutes)
        }
    }

    @Test func keepsTimesOfDaySoDateAndTimePairsStayConsistent() throws {
        let shift = DateShift(days: -100)
        let time = try #require(DICOMTime(parsing: "235959.123456"))
        #expect(shift.apply(to: time) == time)
        #expect(shift.shiftedValue("2359", vr: .TM) == "2359")
    }

    @Test func shiftsElementTextValueByValue() {
        let shift = DateShift(days: -30)
        #expect(shift.shiftedValue("20240301\\20240315", vr: .DA) == "20240131\\20240214")
        #expect(shift.shiftedValue("20240301 ", vr: .DA) == "20240131")
        #expect(shift.shiftedValue("2024.03.01", vr: .DA) == "20240131")
        #expect(shift.shiftedValue("20240301093000.5+0100", vr: .DT) == "20240131093000.5+0100")
        #expect(shift.shiftedValue("20240301\\", vr: .DA) == "20240131\\")
        #expect(shift.shiftedValue("", vr: .DA) == "")
    }

    @Test func refusesWhatItCannotShift() {
        let shift = DateShift(days: -30)
        #expect(shift.shiftedValue("20240230", vr: .DA) == nil)
        #expect(shift.shiftedValue("20240301\\soon", vr: .DA) == nil)
        #expect(shift.shiftedValue("20240301", vr: .LO) == nil)
        #expect(shift.shiftedValue("00000105", vr: .DA) == nil)  // would leave year 0
    }
}
