import Testing

@testable import Deidentify

@Suite struct ProfileOptionsTests {
    @Test func nodeDefaultIsModifiedDatesPatientCharacteristicsAndCleaning() throws {
        let options = ProfileOptions.nodeDefault
        #expect(
            Set(options) == [
                .retainLongitudinalTemporalInformationModifiedDates, .retainPatientCharacteristics, .cleanDescriptors,
                .cleanStructuredContent,
            ])
        try options.validate()
        #expect(options.longitudinalTemporalInformationModified == "MODIFIED")
    }

    @Test func rejectsFullAndModifiedDatesTogether() {
        let options: ProfileOptions = [
            .retainLongitudinalTemporalInformationFullDates, .retainLongitudinalTemporalInformationModifiedDates,
        ]
        #expect(throws: DeidentifyError.self) { try options.validate() }
        do {
            try options.validate()
        } catch {
            #expect(error.code == .invalidOptions)
            #expect(error.description.contains("PS3.15 §E.3.6"))
        }
    }

    @Test func parsesConfigurationNamesAndNamesTheUnknownOne() throws {
        let options = try ProfileOptions(configNames: ["retainUIDs", "cleanGraphics"])
        #expect(Set(options) == [.retainUIDs, .cleanGraphics])
        do {
            _ = try ProfileOptions(configNames: ["retainUIDs", "retainEverything"])
            Issue.record("an unknown option was accepted")
        } catch {
            #expect(error.code == .invalidOptions)
            #expect(error.description.contains("'retainEverything'"))
        }
        for option in ProfileOption.allCases {
            #expect(try ProfileOptions(configNames: [option.rawValue]).contains(option))
        }
    }

    @Test func methodCodesEqualExactlyTheOptionsApplied() {
        #expect(ProfileOptions.basic.methodCodes.map(\.codeValue) == ["113100"])
        #expect(ProfileOptions.nodeDefault.methodCodes.map(\.codeValue) == ["113100", "113104", "113105", "113107", "113108"])
        let all = ProfileOptions(ProfileOption.allCases)
        #expect(all.methodCodes.map(\.codeValue) == (113_100...113_112).map(String.init))
        #expect(all.methodCodes == DeidentificationMethodCode.all)
    }

    @Test func everyOptionHasItsCID7050Code() {
        let expected: [ProfileOption: String] = [
            .cleanPixelData: "113101", .cleanRecognizableVisualFeatures: "113102", .cleanGraphics: "113103",
            .cleanStructuredContent: "113104", .cleanDescriptors: "113105",
            .retainLongitudinalTemporalInformationFullDates: "113106",
            .retainLongitudinalTemporalInformationModifiedDates: "113107", .retainPatientCharacteristics: "113108",
            .retainDeviceIdentity: "113109", .retainUIDs: "113110", .retainSafePrivate: "113111",
            .retainInstitutionIdentity: "113112",
        ]
        for option in ProfileOption.allCases {
            #expect(option.methodCode.codeValue == expected[option])
            #expect(option.methodCode.codingSchemeDesignator == "DCM")
        }
        #expect(DeidentificationMethodCode.basicProfile.codeMeaning == "Basic Application Confidentiality Profile")
        #expect(ProfileOption.retainUIDs.description == "Retain UIDs Option")
    }

    @Test func temporalMarkingFollowsTheDatesOption() {
        #expect(ProfileOptions.basic.longitudinalTemporalInformationModified == nil)
        let full: ProfileOptions = [.retainLongitudinalTemporalInformationFullDates]
        #expect(full.longitudinalTemporalInformationModified == "UNMODIFIED")
    }

    @Test func tableColumnsAreTheTenOptionsOfTableE11() {
        #expect(ProfileOption.tableColumns.count == 10)
        #expect(!ProfileOption.tableColumns.contains(.cleanPixelData))
        #expect(ProfileOption.tableColumns.map { $0.tableColumn ?? -1 } == Array(0..<10))
    }
}
