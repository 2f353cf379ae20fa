/// A code of PS3.16 CID 7050 "De-identification Method", for De-identification Method Code Sequence (0012,0064).
///
/// PS3.15 §E.1.1 step 6: "one or more codes from CID 7050 corresponding to the profile and options used shall
/// be added to De-identification Method Code Sequence (0012,0064)". The constants are generated from
/// `tools/data/cid_7050.tsv` by `tools/generate_deid_table.py`.
///
/// ```swift
/// DeidentificationMethodCode.basicProfile.codeValue          // "113100"
/// ProfileOption.retainUIDs.methodCode.codeMeaning            // "Retain UIDs Option"
/// ```
public struct DeidentificationMethodCode: Sendable, Hashable, CustomStringConvertible {
    /// Code Value (0008,0100), e.g. `113100`.
    public let codeValue: String
    /// Coding Scheme Designator (0008,0102): always `DCM`.
    public let codingSchemeDesignator: String
    /// Code Meaning (0008,0104), e.g. "Basic Application Confidentiality Profile".
    public let codeMeaning: String

    init(codeValue: String, codeMeaning: String) {
        self.codeValue = codeValue
        self.codingSchemeDesignator = "DCM"
        self.codeMeaning = codeMeaning
    }

    /// `(113100, DCM, "Basic Application Confidentiality Profile")`.
    public var description: String { "(\(codeValue), \(codingSchemeDesignator), \"\(codeMeaning)\")" }
}
