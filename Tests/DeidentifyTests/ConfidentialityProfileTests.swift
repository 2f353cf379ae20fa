import DICOM
import Testing

@testable import Deidentify

@Suite struct ConfidentialityProfileTests {
    let profile = ConfidentialityProfile.standard

    /// Every combination of the ten options that have a column in Table E.1-1.
    static let allTableOptionCombinations: [ProfileOptions] = (0..<(1 << ProfileOption.tableColumns.count)).map {
        bits in
        ProfileOptions(ProfileOption.tableColumns.enumerated().filter { bits & (1 << $0.offset) != 0 }.map(\.element))
    }

    func action(_ tag: UInt32, _ options: ProfileOptions = .basic) -> DeidentificationAction? {
        profile.action(for: Tag(tag), options: options)?.action
    }

    @Test func parsesEveryGeneratedRow() {
        #expect(ConfidentialityProfile.parsedRowCount == ConfidentialityProfile.generatedRowCount)
        #expect(profile.entries.count == 656)
        let byEdition = Dictionary(grouping: profile.entries, by: \.edition).mapValues(\.count)
        #expect(byEdition == ConfidentialityProfile.generatedRowCountByEdition)
        #expect(byEdition == ["2024b": 621, "2026c": 35])
        #expect(ConfidentialityProfile.edition == "2024b+2026c")
        #expect(ConfidentialityProfile.sources.count == 2)
    }

    @Test func basicProfileColumnHasTheStandardsActionCounts() {
        let counts = Dictionary(grouping: profile.entries, by: \.basicProfile).mapValues(\.count)
        #expect(counts[.remove] == 416)
        #expect(counts[.dummy] == 93)
        #expect(counts[.replaceUID] == 55)
        #expect(counts[.zeroLength] == 42)
        #expect(counts[.removeOrDummy] == 23)
        #expect(counts[.removeOrZeroLength] == 11)
        #expect(counts[.removeOrZeroLengthOrDummy] == 8)
        #expect(counts[.zeroLengthOrDummy] == 6)
        #expect(counts[.removeOrZeroLengthOrReplaceUIDs] == 2)
        #expect(counts[.keep] == nil && counts[.clean] == nil)
    }

    @Test func optionColumnsHaveTheStandardsEntryCounts() {
        func count(_ option: ProfileOption) -> Int { profile.entries.filter { $0.optionActions[option] != nil }.count }
        #expect(count(.retainSafePrivate) == 1)
        #expect(count(.retainUIDs) == 59)
        #expect(count(.retainDeviceIdentity) == 57)
        #expect(count(.retainInstitutionIdentity) == 10)
        #expect(count(.retainPatientCharacteristics) == 13)
        #expect(count(.retainLongitudinalTemporalInformationFullDates) == 165)
        #expect(count(.retainLongitudinalTemporalInformationModifiedDates) == 165)
        #expect(count(.cleanDescriptors) == 125)
        #expect(count(.cleanStructuredContent) == 3)
        #expect(count(.cleanGraphics) == 4)
        let optionValues = Set(profile.entries.flatMap { $0.optionActions.values })
        #expect(optionValues == [.keep, .clean])
    }

    @Test func everyRowHasAnActionUnderEveryOptionCombination() {
        #expect(Self.allTableOptionCombinations.count == 1024)
        var failures: [String] = []
        for entry in profile.entries {
            let allowed = Set([entry.basicProfile] + entry.optionActions.values)
            for options in Self.allTableOptionCombinations {
                guard let resolved = profile.action(for: entry.tag, options: options) else {
                    failures.append("\(entry.patternDescription): no action under \(options)")
                    break
                }
                if resolved.entry.tag != entry.tag || resolved.entry.mask != entry.mask {
                    failures.append("\(entry.patternDescription): resolved to another row")
                    break
                }
                if !allowed.contains(resolved.action) {
                    failures.append("\(entry.patternDescription): \(resolved.action) is not in its row")
                    break
                }
                for type in [nil] + AttributeType.allCases.map(Optional.some)
                where resolved.resolved(for: type).isComposite {
                    failures.append("\(entry.patternDescription): composite after resolution")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    @Test func spotChecksRowsAgainstTheStandard() {
        #expect(action(0x0010_0010) == .zeroLength)  // Patient's Name
        #expect(action(0x0010_0010, .nodeDefault) == .zeroLength)
        #expect(action(0x0010_0020) == .zeroLengthOrDummy)  // Patient ID
        #expect(action(0x0008_0018) == .replaceUID)  // SOP Instance UID
        #expect(action(0x0008_0018, [.retainUIDs]) == .keep)
        #expect(action(0x0020_000D) == .replaceUID)  // Study Instance UID
        #expect(action(0x0010_1010) == .remove)  // Patient's Age
        #expect(action(0x0010_1010, [.retainPatientCharacteristics]) == .keep)
        #expect(action(0x0010_0040, [.retainPatientCharacteristics]) == .keep)  // Patient's Sex
        #expect(action(0x0008_0020) == .zeroLength)  // Study Date
        #expect(action(0x0008_0020, [.retainLongitudinalTemporalInformationModifiedDates]) == .clean)
        #expect(action(0x0008_0020, [.retainLongitudinalTemporalInformationFullDates]) == .keep)
        #expect(action(0x0008_0050, .nodeDefault) == .zeroLength)  // Accession Number
        #expect(action(0x0008_1030) == .remove)  // Study Description
        #expect(action(0x0008_1030, [.cleanDescriptors]) == .clean)
        #expect(action(0x0008_0080) == .removeOrZeroLengthOrDummy)  // Institution Name
        #expect(action(0x0008_0080, [.retainInstitutionIdentity]) == .keep)
        #expect(action(0x0018_1000) == .removeOrZeroLengthOrDummy)  // Device Serial Number
        #expect(action(0x0018_1000, [.retainDeviceIdentity]) == .keep)
        #expect(action(0x0008_1140) == .removeOrZeroLengthOrReplaceUIDs)  // Referenced Image Sequence
        #expect(action(0x0040_A730) == .dummy)  // Content Sequence
        #expect(action(0x0040_A730, [.cleanStructuredContent]) == .clean)
        #expect(action(0x0040_0555, [.cleanStructuredContent]) == .clean)  // Acquisition Context Sequence
        #expect(action(0x0088_0200) == .remove)  // Icon Image Sequence
        #expect(action(0xFFFA_FFFA) == .remove)  // Digital Signatures Sequence
    }

    @Test func originalAttributesSequenceIsRemovedUnderEveryOption() {
        for options in Self.allTableOptionCombinations {
            #expect(action(0x0400_0561, options) == .remove)
        }
    }

    @Test func rowsOnlyThe2026cEditionListsKeepTheirBasicActionUnderEveryOption() throws {
        let genderIdentity = try #require(profile.entry(for: Tag(0x0010_0041)))
        #expect(genderIdentity.edition == "2026c")
        #expect(genderIdentity.isInStandardCompositeIOD == nil)
        #expect(genderIdentity.optionActions.isEmpty)
        let newRows = profile.entries.filter { $0.edition == "2026c" }
        for options in Self.allTableOptionCombinations {
            for entry in newRows {
                #expect(profile.action(for: entry.tag, options: options)?.action == entry.basicProfile)
            }
        }
        #expect(action(0x300A_0054) == .replaceUID)  // Table Top Position Alignment UID, 2026c
    }

    @Test func patternsCoverOverlaysCurvesAndPrivateGroups() {
        #expect(action(0x6000_3000) == .remove)  // Overlay Data
        #expect(action(0x601E_3000, [.cleanGraphics]) == .clean)
        #expect(action(0x6002_4000) == .remove)  // Overlay Comments
        #expect(action(0x6002_4000, [.cleanGraphics]) == .clean)
        #expect(action(0x5000_0000) == .remove)  // Curve Data (50xx,xxxx)
        #expect(action(0x5010_2000, [.cleanGraphics]) == .clean)
        #expect(action(0x6000_0010) == nil)  // Overlay Rows: not in the table
        #expect(action(0x0019_1023) == .remove)  // private
        #expect(action(0x0019_1023, [.retainSafePrivate]) == .clean)
        #expect(profile.action(for: Tag(0x0019_1023), options: [.retainSafePrivate])?.option == .retainSafePrivate)
        #expect(action(0x0009_0010) == .remove)  // a Private Creator element
        #expect(action(0x6001_3000, [.cleanGraphics]) == .remove)  // odd group: private, not an overlay
        #expect(profile.entry(for: Tag(0x6000_3000))?.patternDescription == "(60xx,3000)")
        #expect(profile.entry(for: Tag(0x5002_0000))?.patternDescription == "(50xx,xxxx)")
        #expect(profile.entry(for: Tag(0x7777_0010))?.patternDescription == "(gggg,eeee) where gggg is odd")
    }

    @Test func attributesNotInTheTableHaveNoAction() {
        #expect(action(0x0008_0070) == nil)  // Manufacturer
        #expect(action(0x0028_0010) == nil)  // Rows
        #expect(action(0x0002_0010) == nil)  // Transfer Syntax UID
        #expect(action(0x0008_0016) == nil)  // SOP Class UID: structural, never replaced
        #expect(action(0x0002_0003) == .replaceUID)  // Media Storage SOP Instance UID
    }

    @Test func anOptionOverridesTheBasicProfile() throws {
        let resolved = try #require(profile.action(for: Tag(0x0010_1010), options: .nodeDefault))
        #expect(resolved.action == .keep)
        #expect(resolved.option == .retainPatientCharacteristics)
        let basic = try #require(profile.action(for: Tag(0x0010_0010), options: .nodeDefault))
        #expect(basic.option == nil)
    }

    @Test func theMostProtectiveOfSeveralOptionsWins() throws {
        let calibrationDate: UInt32 = 0x0014_407E
        #expect(action(calibrationDate) == .remove)
        #expect(action(calibrationDate, [.retainDeviceIdentity]) == .keep)
        #expect(action(calibrationDate, [.retainDeviceIdentity, .retainLongitudinalTemporalInformationFullDates]) == .keep)
        let modified = try #require(
            profile.action(
                for: Tag(calibrationDate),
                options: [.retainDeviceIdentity, .retainLongitudinalTemporalInformationModifiedDates]))
        #expect(modified.action == .clean)
        #expect(modified.option == .retainLongitudinalTemporalInformationModifiedDates)
        // Both temporal options (rejected by validate()) still resolve to the more protective C.
        #expect(
            action(
                calibrationDate,
                [.retainLongitudinalTemporalInformationFullDates, .retainLongitudinalTemporalInformationModifiedDates])
                == .clean)
        #expect(action(0x0018_1002, [.retainUIDs, .retainDeviceIdentity]) == .keep)  // Device UID
        #expect(action(0x0010_2110, [.retainPatientCharacteristics, .cleanDescriptors]) == .clean)  // Allergies
    }

    @Test func pixelOptionsDoNotChangeTableActions() {
        for entry in profile.entries {
            let plain = entry.action(options: .basic).action
            #expect(entry.action(options: [.cleanPixelData, .cleanRecognizableVisualFeatures]).action == plain)
        }
    }

    @Test func describesRowsWithoutValues() throws {
        let entry = try #require(profile.entry(for: Tag(0x0008_0020)))
        #expect(entry.description.hasPrefix("(0008,0020) Study Date: Z"))
        let resolved = try #require(profile.action(for: Tag(0x0008_0080), options: .basic))
        #expect(resolved.description == "X/Z/D (basic profile) for (0008,0080) Institution Name")
    }
}
