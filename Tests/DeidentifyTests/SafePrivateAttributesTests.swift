import DICOM
import Testing

@testable import Deidentify

@Suite struct SafePrivateAttributesTests {
    @Test func parsesEveryGeneratedRow() {
        #expect(SafePrivateAttributes.parsedRowCount == SafePrivateAttributes.generatedRowCount)
        #expect(SafePrivateAttributes.all.count == 130)
        #expect(SafePrivateAttributes.all.allSatisfy { $0.group & 1 == 1 })
    }

    @Test func matchesByGroupCreatorAndOffsetInAnyBlock() throws {
        let speed = try #require(SafePrivateAttributes.attribute(for: Tag(0x0019_1023), creator: "GEMS_ACQU_01"))
        #expect(speed.vr == .DS)
        #expect(speed.meaning == "Table Speed [mm/rotation]")
        #expect(SafePrivateAttributes.attribute(for: Tag(0x0019_1123), creator: "GEMS_ACQU_01") == speed)
        #expect(SafePrivateAttributes.attribute(for: Tag(0x0019_1023), creator: "GEMS_ACQU_01 ") == speed)
        #expect(SafePrivateAttributes.attribute(for: Tag(0x0019_1023), creator: "gems_acqu_01") == nil)
        #expect(SafePrivateAttributes.attribute(for: Tag(0x0019_1023), creator: "GEMS_IDEN_01") == nil)
        #expect(SafePrivateAttributes.attribute(for: Tag(0x0019_1024), creator: "GEMS_ACQU_01")?.meaning == "Mid Scan Time [sec]")
        #expect(SafePrivateAttributes.attribute(for: Tag(0x0019_1025), creator: "GEMS_ACQU_01") == nil)
    }

    @Test func oneOffsetMeansDifferentThingsUnderDifferentCreators() throws {
        let siemens = try #require(SafePrivateAttributes.attribute(for: Tag(0x0019_1027), creator: "SIEMENS MR HEADER"))
        let ge = try #require(SafePrivateAttributes.attribute(for: Tag(0x0019_1027), creator: "GEMS_ACQU_01"))
        #expect(siemens.meaning == "B Matrix")
        #expect(ge.meaning == "Rotation Speed (Gantry Period)")
    }

    @Test func rejectsCreatorElementsPublicTagsAndLowElements() {
        #expect(SafePrivateAttributes.attribute(for: Tag(0x0019_0010), creator: "GEMS_ACQU_01") == nil)
        #expect(SafePrivateAttributes.attribute(for: Tag(0x0018_1023), creator: "GEMS_ACQU_01") == nil)
        #expect(SafePrivateAttributes.attribute(for: Tag(0x0019_0023), creator: "GEMS_ACQU_01") == nil)
    }

    @Test func knowsWhichCreatorsToKeep() {
        #expect(SafePrivateAttributes.isSafeCreator("SIEMENS MR HEADER", group: 0x0019))
        #expect(!SafePrivateAttributes.isSafeCreator("SIEMENS MR HEADER", group: 0x0029))
        #expect(!SafePrivateAttributes.isSafeCreator("SIEMENS CSA HEADER", group: 0x0029))
    }

    @Test func flagsNumericAndCodedValues() throws {
        let pitch = try #require(SafePrivateAttributes.attribute(group: 0x01F1, creator: "ELSCINT1", elementOffset: 0x26))
        #expect(pitch.isNumericOrCoded)
        let payload = try #require(
            SafePrivateAttributes.attribute(group: 0x7FD1, creator: "SIEMENS Ultrasound SC2000", elementOffset: 0x10))
        #expect(payload.vr == .OB)
        #expect(!payload.isNumericOrCoded)
        let untyped = try #require(
            SafePrivateAttributes.attribute(group: 0x0119, creator: "SIEMENS Ultrasound SC2000", elementOffset: 0x11))
        #expect(untyped.vr == nil)
        #expect(!untyped.isNumericOrCoded)
        #expect(pitch.description == "(01F1,xx26) ELSCINT1 DS Pitch")
    }
}
