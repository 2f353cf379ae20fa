import Crypto
import DICOM
import Foundation
import Synthesis
import Testing
import TestSupport

@testable import Deidentify

/// One date shift per patient, across files: every interval survives (PS3.15 §E.3.6).
@Suite struct DICOMDeidentifierDateTests {
    static func file(patientID: String, instance: Int, date: String, dateTime: String, time: String) -> DICOMFile {
        DICOMFile(
            dataset: Dataset([
                Planted.text(0x0008_0016, .UI, Planted.ctClass),
                Planted.text(0x0008_0018, .UI, "1.2.826.0.1.3680043.9.9999.8.\(instance)"),
                Planted.text(0x0008_0020, .DA, date),
                Planted.text(0x0008_0030, .TM, time),
                Planted.text(0x0008_002A, .DT, dateTime),
                Planted.text(0x0010_0020, .LO, patientID),
                Planted.text(0x0020_000D, .UI, "1.2.826.0.1.3680043.9.9999.8"),
            ]))
    }

    static func randomDate(_ random: inout SplitMix64) -> DICOMDate {
        DICOMDate(daysSinceEpoch: Int.random(in: -7300...22000, using: &random)) ?? DICOMDate(year: 2000, month: 1, day: 1)!
    }

    static func randomTime(_ random: inout SplitMix64, precision: DICOMTime.Precision) -> DICOMTime {
        let digits = Int.random(in: 1...6, using: &random)
        var unit = 1
        for _ in 0..<(6 - digits) { unit *= 10 }
        let minute = precision >= .minute ? Int.random(in: 0...59, using: &random) : 0
        let second = precision >= .second ? Int.random(in: 0...59, using: &random) : 0
        let fraction = precision == .fraction ? Int.random(in: 0...999_999, using: &random) / unit * unit : 0
        return DICOMTime(
            hour: Int.random(in: 0...23, using: &random), minute: minute, second: second, microsecond: fraction,
            fractionDigits: digits, precision: precision)!
    }

    static func randomDateTime(_ random: inout SplitMix64) -> DICOMDateTime {
        let precision = DICOMDateTime.Precision.allCases.randomElement(using: &random)!
        let date = randomDate(&random)
        let offset: Int? = Bool.random(using: &random) ? Int.random(in: -48...56, using: &random) * 15 : nil
        switch precision {
        case .year:
            return DICOMDateTime(date: DICOMDate(year: date.year, month: 1, day: 1)!, precision: .year, utcOffsetMinutes: offset)!
        case .month:
            return DICOMDateTime(
                date: DICOMDate(year: date.year, month: date.month, day: 1)!, precision: .month, utcOffsetMinutes: offset)!
        case .day:
            return DICOMDateTime(date: date, precision: .day, utcOffsetMinutes: offset)!
        case .hour, .minute, .second, .fraction:
            let time = randomTime(&random, precision: DICOMTime.Precision(rawValue: precision.rawValue - 3)!)
            return DICOMDateTime(date: date, time: time, precision: precision, utcOffsetMinutes: offset)!
        }
    }

    @Test func preservesEveryIntervalBetweenOnePatientsDatesAcrossFiles() throws {
        let deidentifier = try Planted.deidentifier()
        var random = SplitMix64(seed: 303)
        for round in 0..<150 {
            let patient = "P\(round % 7)"
            let dates = [Self.randomDate(&random), Self.randomDate(&random)]
            let dateTimes = [Self.randomDateTime(&random), Self.randomDateTime(&random)]
            let times = [
                Self.randomTime(&random, precision: .fraction), Self.randomTime(&random, precision: .minute),
            ]
            var outputs: [Dataset] = []
            for index in 0..<2 {
                let input = Self.file(
                    patientID: patient, instance: 2 * round + index, date: dates[index].description,
                    dateTime: dateTimes[index].description, time: times[index].description)
                let (output, record) = try Planted.output(deidentifier.deidentify(input))
                #expect(record.dateShiftBasis == .patientID)
                #expect(output.dataset.string(for: Tag(0x0028_0303)) == "MODIFIED")
                outputs.append(output.dataset)
            }
            let shiftedDates = try outputs.map { try #require(DICOMDate(parsing: $0.string(for: Tag(0x0008_0020)) ?? "")) }
            #expect(
                shiftedDates[1].daysSinceEpoch - shiftedDates[0].daysSinceEpoch
                    == dates[1].daysSinceEpoch - dates[0].daysSinceEpoch)
            #expect(shiftedDates[0] != dates[0], "a shift is never zero")
            let shiftedTimes = outputs.map { $0.string(for: Tag(0x0008_0030)) }
            #expect(shiftedTimes == times.map(\.description), "whole-day shifts keep times of day")
            let shiftedDateTimes = try outputs.map {
                try #require(DICOMDateTime(parsing: $0.string(for: Tag(0x0008_002A)) ?? ""))
            }
            for index in 0..<2 {
                #expect(shiftedDateTimes[index].precision == dateTimes[index].precision)
                #expect(shiftedDateTimes[index].utcOffsetMinutes == dateTimes[index].utcOffsetMinutes)
                #expect(shiftedDateTimes[index].time == dateTimes[index].time)
            }
            if dateTimes.allSatisfy({ $0.precision >= .day }) {
                #expect(
                    shiftedDateTimes[1].microsecondsSinceEpoch - shiftedDateTimes[0].microsecondsSinceEpoch
                        == dateTimes[1].microsecondsSinceEpoch - dateTimes[0].microsecondsSinceEpoch)
            }
            // The date and the date-time of one file move by the same number of days.
            if dateTimes[0].precision >= .day {
                #expect(
                    shiftedDateTimes[0].date.daysSinceEpoch - dateTimes[0].date.daysSinceEpoch
                        == shiftedDates[0].daysSinceEpoch - dates[0].daysSinceEpoch)
            }
        }
    }

    @Test func shiftsMultiValuedDatesValueByValue() throws {
        var input = Self.file(
            patientID: "P1", instance: 1, date: "20240301", dateTime: "2024", time: "0930")
        input.dataset.set(Planted.text(0x0040_A121, .DA, "20240301\\20240315"))  // Date (0040,A121): C
        let (output, _) = try Planted.output(try Planted.deidentifier().deidentify(input))
        let values = try #require(output.dataset.strings(for: Tag(0x0040_A121)))
        #expect(values.count == 2)
        let parsed = try values.map { try #require(DICOMDate(parsing: $0)) }
        #expect(parsed[1].daysSinceEpoch - parsed[0].daysSinceEpoch == 14)
        #expect(output.dataset.string(for: Tag(0x0008_002A))?.count == 4)
        #expect(output.dataset.string(for: Tag(0x0008_0030)) == "0930")
    }

    @Test func removesDatesWhenNoLongitudinalOptionIsSelected() throws {
        let input = Self.file(patientID: "P1", instance: 1, date: "20240301", dateTime: "20240301", time: "0930")
        let (output, record) = try Planted.output(try Planted.deidentifier(options: .basic).deidentify(input))
        #expect(output.dataset.string(for: Tag(0x0008_0020)) == "")  // Study Date: Z
        #expect(output.dataset.string(for: Tag(0x0008_002A)) == "19000101000000")  // X/Z/D → D: the dummy
        #expect(record.dateShiftBasis == .notApplicable)
        #expect(output.dataset.string(for: Tag(0x0028_0303)) == "REMOVED")
    }

    @Test func keepsValidDatesUnderFullDates() throws {
        let input = Self.file(patientID: "P1", instance: 1, date: "20240301", dateTime: "20240301", time: "0930")
        let (output, _) = try Planted.output(
            try Planted.deidentifier(options: [.retainLongitudinalTemporalInformationFullDates]).deidentify(input))
        #expect(output.dataset.string(for: Tag(0x0008_0020)) == "20240301")
        #expect(output.dataset.string(for: Tag(0x0028_0303)) == "UNMODIFIED")
    }
}
