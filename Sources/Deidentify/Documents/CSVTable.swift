/// A CSV table as RFC 4180 defines it: records separated by line breaks (CRLF, or LF), fields by commas,
/// fields with commas, quotes or line breaks enclosed in double quotes, quotes inside doubled.
///
/// Parsing is lenient where RFC 4180 allows readers to be (LF line ends, a quote inside an unquoted field kept as
/// text) and strict where guessing would change data: an unterminated quoted field is an error. Serialising
/// keeps each field's quoting, quotes every field that needs it, and keeps the line-ending style and whether the
/// file ended with a line break.
struct CSVTable: Equatable {
    var rows: [[String]]
    var quoted: [[Bool]]
    var lineEnding: String
    var endsWithLineBreak: Bool

    static func parse(_ text: String, fileName: String) throws(DeidentifyError) -> CSVTable {
        let scalars = Array(text.unicodeScalars)
        var rows: [[String]] = []
        var quoted: [[Bool]] = []
        var row: [String] = []
        var rowQuoted: [Bool] = []
        var field = String.UnicodeScalarView()
        var fieldQuoted = false
        var inQuotes = false
        var quoteStartRow = 0
        var lineEnding: String?
        var endsWithLineBreak = false
        var index = 0

        func endField() {
            row.append(String(field))
            rowQuoted.append(fieldQuoted)
            field = String.UnicodeScalarView()
            fieldQuoted = false
        }
        func endRow() {
            endField()
            rows.append(row)
            quoted.append(rowQuoted)
            row = []
            rowQuoted = []
        }

        while index < scalars.count {
            let scalar = scalars[index]
            endsWithLineBreak = false
            if inQuotes {
                if scalar == "\"" {
                    if index + 1 < scalars.count, scalars[index + 1] == "\"" {
                        field.append("\"")
                        index += 2
                        continue
                    }
                    inQuotes = false
                } else {
                    field.append(scalar)
                }
                index += 1
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty && !fieldQuoted:
                inQuotes = true
                fieldQuoted = true
                quoteStartRow = rows.count + 1
            case ",":
                endField()
            case "\r" where index + 1 < scalars.count && scalars[index + 1] == "\n":
                lineEnding = lineEnding ?? "\r\n"
                index += 1
                endRow()
                endsWithLineBreak = true
            case "\n", "\r":
                lineEnding = lineEnding ?? String(scalar)
                endRow()
                endsWithLineBreak = true
            default:
                field.append(scalar)
            }
            index += 1
        }
        if inQuotes {
            throw DeidentifyError(
                .invalidDocument, input: fileName,
                "CSV: the quoted field opened in record \(quoteStartRow) is never closed (RFC 4180 §2)",
                remedy: "fix the quoting; the file is quarantined")
        }
        if !endsWithLineBreak, !field.isEmpty || !row.isEmpty || fieldQuoted { endRow() }
        return CSVTable(rows: rows, quoted: quoted, lineEnding: lineEnding ?? "\n",
                        endsWithLineBreak: endsWithLineBreak)
    }

    func serialized() -> String {
        var output = ""
        for (rowIndex, row) in rows.enumerated() {
            if rowIndex > 0 { output += lineEnding }
            for (fieldIndex, field) in row.enumerated() {
                if fieldIndex > 0 { output += "," }
                let wasQuoted = rowIndex < quoted.count && fieldIndex < quoted[rowIndex].count
                    && quoted[rowIndex][fieldIndex]
                let needsQuotes = field.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
                if wasQuoted || needsQuotes {
                    output += "\"" + field.replacing("\"", with: "\"\"") + "\""
                } else {
                    output += field
                }
            }
        }
        if endsWithLineBreak, !rows.isEmpty { output += lineEnding }
        return output
    }
}

/// What is done with one CSV column, decided by its header.
enum CSVColumnRule: Equatable {
    /// Every cell through the text scrubber.
    case text
    /// Every non-empty cell replaced by a surrogate.
    case surrogate(String, SafeHarborIdentifier)
    /// Every non-empty cell replaced by the keyed patient pseudonym.
    case patientID
    /// Cells are dates: shifted or reduced to the year, else `[DATE]`.
    case birthDate
    /// Cells are ZIP codes: the three-digit rule.
    case zip
    /// Cells are ages: over 89 becomes `90+`.
    case age

    /// The rule for a header such as `PatientName`, `patient_name`, `DOB`, `Phone #`, `zip code`.
    static func forHeader(_ header: String) -> CSVColumnRule {
        let words = Self.words(header)
        let joined = words.joined()
        let has = { (candidates: Set<String>) in !candidates.isDisjoint(with: words) }
        if has(["ssn"]) || joined.contains("socialsecurity") { return .surrogate("[SSN]", .socialSecurityNumbers) }
        if joined.contains("email") || has(["mail"]) { return .surrogate("[EMAIL]", .emailAddresses) }
        if has(["fax"]) { return .surrogate("[FAX]", .faxNumbers) }
        if joined.contains("phone") || has(["tel", "mobile", "cell", "pager"]) {
            return .surrogate("[PHONE]", .telephoneNumbers)
        }
        if has(["dob", "born", "birthday"]) || joined.contains("birth") { return .birthDate }
        if has(["zip", "zipcode", "postal", "postcode"]) { return .zip }
        if joined.contains("address") || has(["street", "addr"]) { return .surrogate("[ADDRESS]", .geographic) }
        if has(["city", "town", "county", "municipality"]) { return .surrogate("[CITY]", .geographic) }
        if has(["mrn", "pid"]) || joined.contains("medicalrecord") || joined.contains("patientid") { return .patientID }
        if has(["name", "names", "surname", "firstname", "lastname", "fullname", "forename", "given", "family",
                "physician", "doctor", "provider", "guardian", "kin", "spouse", "mother", "father", "radiologist",
                "surgeon", "author"]) || words == ["patient"]
        {
            return .surrogate("[NAME]", .names)
        }
        if has(["account", "acct"]) { return .surrogate("[ID]", .accountNumbers) }
        if has(["policy", "member", "insurance", "subscriber", "beneficiary", "medicaid", "medicare"]) {
            return .surrogate("[ID]", .healthPlanNumbers)
        }
        if has(["license", "licence", "certificate", "npi", "dea", "passport"]) {
            return .surrogate("[ID]", .certificateLicenseNumbers)
        }
        if has(["serial", "device", "udi", "imei"]) { return .surrogate("[SERIAL]", .deviceIdentifiers) }
        if has(["vin", "plate", "vehicle"]) { return .surrogate("[PLATE]", .vehicleIdentifiers) }
        if has(["url", "website", "homepage"]) { return .surrogate("[URL]", .urls) }
        if has(["ip"]) || joined.contains("ipaddress") { return .surrogate("[IP]", .ipAddresses) }
        if has(["date", "time", "datetime", "dt", "timestamp", "day"]) { return .text }
        if has(["accession", "encounter", "visit", "case", "order", "claim", "specimen", "requisition", "id",
                "identifier", "uuid", "guid", "uid"])
        {
            return .surrogate("[ID]", .otherIdentifiers)
        }
        if has(["age"]) { return .age }
        return .text
    }

    /// The words of a header: split at non-alphanumerics and lower-to-upper case changes, lower-cased.
    static func words(_ header: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousWasLower = false
        for character in header {
            if character.isLetter || character.isNumber {
                if character.isUppercase, previousWasLower, !current.isEmpty {
                    words.append(current.lowercased())
                    current = ""
                }
                current.append(character)
                previousWasLower = character.isLowercase || character.isNumber
            } else {
                if !current.isEmpty { words.append(current.lowercased()) }
                current = ""
                previousWasLower = false
            }
        }
        if !current.isEmpty { words.append(current.lowercased()) }
        return words
    }
}
