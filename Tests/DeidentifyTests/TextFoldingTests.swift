import Testing

@testable import Deidentify

@Suite struct TextFoldingTests {
    @Test(arguments: [
        ("Ødegård", "odegard"), ("ÅSA", "asa"), ("Müller", "muller"), ("Straße", "strasse"), ("Łódź", "lodz"),
        ("Ελένη", "ελενη"), ("ΓΕΩΡΓΊΟΥ", "γεωργιου"), ("Пётр", "петр"), ("ИВАНОВ", "иванов"), ("Nguyễn", "nguyen"),
        ("Þór", "thor"), ("Œuvre", "oeuvre"),
    ])
    func foldsCaseAndDiacritics(text: String, folded: String) {
        #expect(TextFolding.folded(text) == folded)
    }

    /// The table of common letters gives what the decomposition gives, scalar by scalar, beyond its ranges too.
    @Test func tableAgreesWithTheDecomposition() {
        for value in UInt32(0x80)...0x2FFF {
            guard let scalar = Unicode.Scalar(value), scalar.properties.isAlphabetic else { continue }
            var output = String.UnicodeScalarView()
            TextFolding.append(scalar, to: &output)
            #expect(String(output) == TextFolding.slowlyFolded(scalar), "U+\(String(value, radix: 16))")
        }
    }
}
