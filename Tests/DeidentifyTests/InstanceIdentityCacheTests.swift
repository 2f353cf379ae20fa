import DICOM
import Testing

@testable import Deidentify

/// The scrubber made for an instance is the same whether its identity was built for it or reused from an
/// earlier instance that carried the same patient values.
@Suite struct InstanceIdentityCacheTests {
    static func instance(name: String, id: String = "PID-4411-93", characterSet: String? = nil) -> Dataset {
        var elements = [
            DataElement(tag: Tag(0x0010_0010), vr: .PN, string: name),
            DataElement(tag: Tag(0x0010_0020), vr: .LO, string: id),
            DataElement(tag: Tag(0x0008_1070), vr: .PN, string: "ROE^JANE"),
        ]
        if let characterSet { elements.append(DataElement(tag: Tag(0x0008_0005), vr: .CS, string: characterSet)) }
        return Dataset(elements)
    }

    static let text = "Seen by Jane Roe for Hans Mueller and Petra Schulz, ID PID-4411-93 and PID-7720-15."

    func scrubbed(_ scrubber: TextScrubber, _ dataset: Dataset) -> String? {
        scrubber.cleaner(for: dataset, dateShift: nil).clean(Self.text, vr: .LT, tag: Tag(0x0020_4000))
    }

    @Test func reusedIdentityScrubsLikeAFreshOne() {
        let shared = TextScrubber()
        let hans = Self.instance(name: "MUELLER^HANS")
        let petra = Self.instance(name: "SCHULZ^PETRA", id: "PID-7720-15")
        for dataset in [hans, petra, hans, petra] {
            // A fresh scrubber has nothing cached: its output is the reference.
            #expect(scrubbed(shared, dataset) == scrubbed(TextScrubber(), dataset))
        }
        #expect(shared.instanceIdentities.count == 2)
        #expect(scrubbed(shared, hans) == "Seen by [NAME] for [NAME] and Petra Schulz, ID [ID] and PID-7720-15.")
    }

    @Test func keyCoversValuesAndTheirCharacterSet() throws {
        let plain = try #require(PatientIdentity.datasetSourceKey(Self.instance(name: "MUELLER^HANS")))
        #expect(PatientIdentity.datasetSourceKey(Self.instance(name: "MUELLER^HANS")) == plain)
        #expect(PatientIdentity.datasetSourceKey(Self.instance(name: "MUELLER^HANZ")) != plain)
        #expect(PatientIdentity.datasetSourceKey(Self.instance(name: "MUELLER^HANS", characterSet: "ISO_IR 100")) != plain)
        // Values that do not describe the patient leave the key alone.
        var other = Self.instance(name: "MUELLER^HANS")
        other[Tag(0x0008_1030)] = DataElement(tag: Tag(0x0008_1030), vr: .LO, string: "CT CHEST")
        #expect(PatientIdentity.datasetSourceKey(other) == plain)
    }

    @Test func changingTheBaseIdentityStartsAFreshCache() {
        var scrubber = TextScrubber()
        _ = scrubbed(scrubber, Self.instance(name: "MUELLER^HANS"))
        var base = PatientIdentity()
        base.addName("Schulz")
        scrubber.identity = base
        #expect(scrubber.instanceIdentities.count == 0)
        #expect(scrubbed(scrubber, Self.instance(name: "MUELLER^HANS"))?.contains("Petra [NAME]") == true)
    }
}
