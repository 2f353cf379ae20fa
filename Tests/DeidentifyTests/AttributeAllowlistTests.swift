import Testing

@testable import Deidentify

/// The value checks that decide whether an attribute outside the profile table may be kept (fail closed).
@Suite struct AttributeAllowlistTests {
    @Test(arguments: [
        ("ORIGINAL\\PRIMARY\\AXIAL", true), ("CT", true), ("FIRST_PASS 2", true), ("HEAD_FIRST SUPINE", false), ("", true),
        ("ABCDEFGHIJKLMNOP", true), ("ABCDEFGHIJKLMNOPQ", false), ("ABCDEFGHIJKLMNOP\\Q", true),
        ("lower", false), ("DOE^JOHN", false), ("A-B", false), ("ÄRZT", false), ("1.2", false),
    ])
    func codedStrings(text: String, kept: Bool) {
        #expect(AttributeAllowlist.isCodedString(text) == kept)
    }

    @Test(arguments: [
        ("0.5\\-1.25e+3", true, true), ("12 ", true, true), ("1234567890123456", true, true),
        ("12345678901234567", true, false), ("1.5", false, false), ("-2147483648", false, true),
        ("1234567890123", false, false), ("12\\34", false, true), ("1,5", true, false), ("NaN", true, false),
        ("", true, true),
    ])
    func numberStrings(text: String, decimal: Bool, kept: Bool) {
        #expect(AttributeAllowlist.isNumberString(text, decimal: decimal) == kept)
    }
}
