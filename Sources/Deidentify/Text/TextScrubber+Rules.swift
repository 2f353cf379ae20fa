import DICOM

// The patterns of the text scrubber, in priority order. Every quantifier that can run over hostile input is
// bounded, and every pattern starts at a boundary (look-behind), so each one scans a piece of text in linear time.

extension TextScrubber {
    // MARK: Building blocks

    /// A capitalised name word of two letters or more.
    static let word = #"\p{Lu}[\p{L}\p{M}'’\-]{0,40}[\p{L}\p{M}]"#
    /// Initials then a name word.
    static let initialsAndWord = #"(?:\p{Lu}\.[ \t]{0,3}){0,3}"# + word
    /// Up to three name words with initials: `John Q. Public`, `J. Smith`, `Smith`.
    static let nameSequence = initialsAndWord + #"(?:[ \t]{1,3}"# + initialsAndWord + "){0,2}"
    /// A labelled name as written in forms and DICOM: `SMITH^JOHN`, `Smith, John`, `John Smith`.
    static let labelledName =
        #"\p{Lu}[\p{L}\p{M}'’\-]{0,40}(?:\^[\p{L}\p{M}'’\-]{0,40}){0,4}(?:,?[ \t]{1,3}(?:\p{Lu}\.|\p{Lu}[\p{L}\p{M}'’\-]{0,40})){0,3}"#
    static let titles = "Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Nurse|Doctor|Sister|Rev|Fr"
    static let stateCodes =
        "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR"
        + "|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|VI|GU|AS|MP"
    /// State codes that are not also common medical or English abbreviations (used where no ZIP code follows).
    static let unambiguousStateCodes =
        "AL|AK|AZ|AR|CA|CO|DC|FL|GA|HI|IL|IA|KS|KY|LA|MA|MI|MN|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|RI|SC|SD|TN|TX|UT|VT|VA"
        + "|WA|WV|WI|WY"
    static let stateNames =
        "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho"
        + "|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota"
        + "|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York"
        + "|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina"
        + "|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming"
        + "|Puerto Rico|District of Columbia"
    static let number = #"(?:[ \t]{0,3}(?:number|num\.?|no\.?|nr\.?|#|id))?"#
    static let extensionSuffix = #"(?:[ \t]{0,3}(?i:x|ext\.?|extension)[ \t]{0,3}\d{1,6})?"#
    static let ordinalSuffix = "((?i:st|nd|rd|th)?)"
    /// The month names and abbreviations of ``TextDates/monthPattern`` (the month rules put `\b` around them).
    static let monthWords = TextDates.monthPattern.split(separator: "|").map(String.init)
    /// Stems of which every label of the `record-number` rule holds one (`med` for `medical record`, `medicaid`,
    /// `medicare`; `pat` for `patient`; `acc` for `account`, `acct`, `accession`; `lic` for `license`, `licence`;
    /// `cert` for `certificate`).
    static let recordLabelStems = [
        "mrn", "med", "record", "chart", "hospital", "unit", "pat", "pid", "health", "member", "insurance",
        "subscriber", "beneficiary", "policy", "group", "mbi", "hicn", "acc", "billing", "invoice", "lic", "cert",
        "dea", "npi", "passport", "encounter", "visit", "case", "order", "specimen", "requisition", "admission",
        "claim", "study", "csn", "empi", "fin",
    ]
    /// Stems of which every street suffix of the `address-street` rule holds one (`st` for `street`, `strasse`;
    /// `ave` for `avenue`; `pl` for `place`, `plaza`; `ter` for `terrace`; `cir` for `circle`; `sq` for `square`;
    /// `way` for `parkway`). `straße` is not ASCII, and text holding it runs every rule.
    static let streetSuffixStems = [
        "st", "ave", "road", "rd", "boulevard", "blvd", "lane", "ln", "drive", "dr", "way", "court", "ct", "pl",
        "ter", "cir", "highway", "hwy", "pkwy", "sq", "trail", "trl", "alley", "crescent", "close", "row", "walk",
        "pike", "route", "rte",
    ]
    /// The credentials of the `name-credential` rule, as its pattern spells them.
    static let credentials = [
        "MD", "M.D.", "DO", "D.O.", "RN", "NP", "PA-C", "PhD", "Ph.D.", "DDS", "DMD", "FRCR", "FRCPC", "MBBS",
        "MBChB", "APRN", "CRNA", "RT(R)",
    ]

    // MARK: Rules before the birth-date search

    static let identifierRules: [ScrubRule] = [
        ScrubRule(
            "email",
            #"(?<![\w.%+\-])[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"#
                + #"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?){0,8}\.[A-Za-z]{2,24}(?![\w\-])"#,
            prefilter: "@", requires: ScrubRequirement(characters: "@"), surrogate: "[EMAIL]",
            category: .emailAddresses),
        ScrubRule(
            "url",
            #"(?<![\w@])(?:(?:https?|ftps?|sftp)://|www\.)[^\s<>"'\[\]{}|\\^]{0,2000}[^\s<>"'\[\]{}|\\^.,;:!?)]"#,
            caseInsensitive: true, prefilter: #"(?i)://|www\."#,
            requires: ScrubRequirement(anyCharacter: ":."), surrogate: "[URL]", category: .urls),
        ScrubRule(
            "ssn-labelled",
            #"(?i:\b(?:ssn|ss#|ss[ \t]?no\.?|soc(?:ial)?[ \t]{0,3}sec(?:urity)?"# + number + #"))[ \t]{0,3}[:#]?[ \t]{0,3}"#
                + #"(\d{3}[ \t\-]?\d{2}[ \t\-]?\d{4})(?!\d)"#,
            group: 1, requires: ScrubRequirement(digitRun: 4, anyWord: ["ss", "soc"]), surrogate: "[SSN]",
            category: .socialSecurityNumbers),
        ScrubRule(
            "ssn", #"(?<![\d\-])\d{3}-\d{2}-\d{4}(?![\d\-])"#, requires: ScrubRequirement(digitRun: 4, characters: "-"),
            surrogate: "[SSN]", category: .socialSecurityNumbers),
        ScrubRule(
            "plate",
            #"(?i:\b(?:licen[cs]e[ \t]{1,3}plate|plate[ \t]{1,3}(?:number|no\.?|#)|plate|vehicle[ \t]{1,3}(?:registration|reg\.?|id)"#
                + #"|registration[ \t]{1,3}(?:number|no\.?|plate)|tag[ \t]{1,3}(?:number|no\.?|#))(?![\p{L}])"# + number + ")"
                + #"[ \t]{0,3}[:#]?[ \t]{0,3}([A-Z0-9]{1,4}(?:[ \t\-]?[A-Z0-9]{1,5}){0,2})(?![A-Za-z0-9])"#,
            group: 1, requires: ScrubRequirement(digitRun: 1, anyWord: ["plate", "vehicle", "registration", "tag"])
        ) { match, _ in
            let value = match[1]
            guard value.contains(where: \.isNumber), value.filter({ $0.isLetter || $0.isNumber }).count >= 4 else {
                return nil
            }
            return ("[PLATE]", .vehicleIdentifiers)
        },
        ScrubRule(
            "vin", #"(?<![A-Za-z0-9])[A-HJ-NPR-Z0-9]{17}(?![A-Za-z0-9])"#,
            requires: ScrubRequirement(digitRun: 1, alphanumericRun: 17)
        ) { match, _ in
            let value = match[0]
            return value.contains(where: \.isNumber) && value.contains(where: \.isLetter)
                ? ("[VIN]", .vehicleIdentifiers) : nil
        },
        ScrubRule(
            "serial",
            #"(?i:\b(?:serial"# + number + #"|s/n|sn|ser[ \t]?#|device[ \t]{1,3}(?:id|identifier|serial)|udi|imei|mac[ \t]{1,3}address"#
                + #"|lot"# + number + #"|model[ \t]{1,3}(?:number|no\.?|#)|implant[ \t]{1,3}(?:id|serial))(?![\p{L}]))"#
                + #"[ \t]{0,3}[:#=]?[ \t]{0,3}([A-Za-z0-9(][A-Za-z0-9()\-/.:]{2,59})(?<![.:\-/])"#,
            group: 1,
            requires: ScrubRequirement(
                digitRun: 1, anyWord: ["ser", "s/n", "sn", "device", "udi", "imei", "mac", "lot", "model", "implant"])
        ) { match, _ in
            match[1].contains(where: \.isNumber) ? ("[SERIAL]", .deviceIdentifiers) : nil
        },
        ScrubRule(
            "record-number",
            "(?i:\\b(?:"
                + #"(mrn|medical[ \t]{1,3}record"# + number + #"|med[ \t]?rec"# + number
                + #"|(?:record|chart|hospital|unit)[ \t]{1,3}(?:number|no\.?|#|id)|patient[ \t]{1,3}(?:id|identifier|number|no\.?)|pat[ \t]?id|pid)"#
                + #"|(health[ \t]{1,3}plan"# + number + #"|(?:member|insurance|subscriber|beneficiary|medicaid|medicare)"# + number
                + #"|policy"# + number + #"|group[ \t]{1,3}(?:number|no\.?|#)|mbi|hicn)"#
                + #"|(account"# + number + #"|acct"# + number + #"|billing[ \t]{1,3}(?:id|number|no\.?)|invoice[ \t]{1,3}(?:number|no\.?|#))"#
                + #"|(licen[cs]e"# + number + #"|lic"# + number + #"|certificate"# + number
                + #"|cert[ \t]?(?:number|no\.?|#)|dea"# + number + #"|npi|passport"# + number + ")"
                + #"|(accession"# + number + #"|acc[ \t]?(?:#|no\.?)|acc|encounter"# + number
                + #"|(?:visit|case|order|specimen|requisition|admission|claim|study)[ \t]{1,3}(?:id|number|no\.?|#)|csn|empi|fin)"#
                + #")(?![\p{L}]))[ \t]{0,3}[:#=]?[ \t]{0,3}"#
                + #"([A-Za-z0-9](?:[A-Za-z0-9]|[\-/.](?=[A-Za-z0-9])){2,29})(?![A-Za-z0-9])"#,
            group: 6, requires: ScrubRequirement(digitRun: 1, anyWord: recordLabelStems)
        ) { match, _ in
            guard match[6].contains(where: \.isNumber) else { return nil }
            let categories: [SafeHarborIdentifier] = [
                .medicalRecordNumbers, .healthPlanNumbers, .accountNumbers, .certificateLicenseNumbers,
                .otherIdentifiers,
            ]
            for (index, category) in categories.enumerated() where match.string(index + 1) != nil {
                return ("[ID]", category)
            }
            return ("[ID]", .otherIdentifiers)
        },
        // A code after a reference label (Safe Harbor R): `Reference ABCDE-FGHIJ`, `Ref. no: 44-XQ7`. The value is
        // upper case and structured like a code (a digit, a hyphen or an underscore), so that "Reference range"
        // and "REFERENCE STANDARD" stay; a code of digits and letters without a label is the `code-token` rule's.
        ScrubRule(
            "reference-code",
            #"(?i:\b(?:reference|ref\.?)(?:[ \t]{1,3}(?:number|num\.?|no\.?|nr\.?|#|id|code))?)(?![\p{L}])"#
                + #"[ \t]{0,3}[:#=]?[ \t]{0,3}([A-Z0-9](?:[A-Z0-9]|[\-_/.](?=[A-Z0-9])){3,39})(?![A-Za-z0-9])"#,
            group: 1, requires: ScrubRequirement(anyWord: ["ref"])
        ) { match, _ in
            let value = match[1]
            let isCode = value.contains(where: \.isNumber) || value.contains("-") || value.contains("_")
            return isCode ? ("[ID]", .otherIdentifiers) : nil
        },
        ScrubRule(
            "uid", #"(?<![\d.])(?:\d{1,40}\.){4,40}\d{1,40}(?!\d|\.\d)"#,
            requires: ScrubRequirement(digitRun: 1, dots: 4)
        ) { match, _ in
            match[0].hasPrefix("1.2.840.10008.") ? nil : ("[UID]", .otherIdentifiers)
        },
        // Safe Harbor (R), "any other unique identifying number, characteristic, or code": an unlabelled token of
        // six or more characters mixing letters and digits (a specimen, order or study code, a local ID) is
        // replaced. Medical terms of that shape are rare; the lookaheads are bounded so the scan stays linear.
        ScrubRule(
            "code-token",
            #"(?<![\p{L}\p{N}_\-])(?=[\p{L}\p{N}_\-]{0,63}\p{N})[\p{L}\p{N}][\p{L}\p{N}_\-]{5,63}(?![\p{L}\p{N}_\-])"#,
            requires: ScrubRequirement(digitRun: 1, codeToken: true)
        ) { match, _ in
            let token = match[0]
            guard token.filter(\.isLetter).count >= 2, token.contains(where: \.isNumber) else { return nil }
            // A part of digits alone ("92-year-old", "06-Mar-2023", "COVID-19") is a number in words: the age
            // and date rules judge those. A code mixes letters and digits within a part ("AB12CD", "X-7F3K9").
            let parts = token.split(whereSeparator: { $0 == "-" || $0 == "_" })
            guard !parts.contains(where: { $0.allSatisfy(\.isNumber) }) else { return nil }
            return ("[ID]", .otherIdentifiers)
        },
        ScrubRule(
            "ipv4",
            #"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\d|\.\d)"#,
            requires: ScrubRequirement(digitRun: 1, dots: 3), surrogate: "[IP]", category: .ipAddresses),
        ScrubRule(
            "ipv6", #"(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![0-9A-Fa-f:])"#,
            requires: ScrubRequirement(colons: 2)
        ) { match, _ in
            isIPv6(match[0]) ? ("[IP]", .ipAddresses) : nil
        },
        ScrubRule(
            "phone-labelled",
            #"(?i:\b(tel(?:ephone)?|phone|ph|fax|facsimile|mobile|cell(?:ular)?|pager|beeper|home|work|direct|contact)"#
                + #"(?![\p{L}])\.?"# + number + ")"
                + #"[ \t]{0,3}[:#]?[ \t]{0,3}(\+?\(?\d[\d \t().\-]{5,20}\d"# + extensionSuffix + ")",
            group: 2,
            requires: ScrubRequirement(
                digitRun: 1,
                anyWord: [
                    "tel", "ph", "fax", "facsimile", "mobile", "cell", "pager", "beeper", "home", "work", "direct",
                    "contact",
                ])
        ) { match, _ in
            guard match[2].filter(\.isNumber).count >= 7 else { return nil }
            let label = match[1].lowercased()
            return label.hasPrefix("fax") || label.hasPrefix("facsimile")
                ? ("[FAX]", .faxNumbers) : ("[PHONE]", .telephoneNumbers)
        },
        ScrubRule(
            "phone-international",
            #"(?<![\w+])\+\d{1,3}(?:[ \t.\-]?\(\d{1,4}\))?(?:[ \t.\-]?\d{1,5}){1,6}"# + extensionSuffix + #"(?!\d)"#,
            requires: ScrubRequirement(digitRun: 1, characters: "+")
        ) { match, _ in
            guard match[0].filter(\.isNumber).count >= 8 else { return nil }
            return phoneOrFax(match)
        },
        ScrubRule(
            "phone-us",
            #"(?<![\w+\-.])(?:\+?1[ \t.\-]?)?(?:\(\d{3}\)[ \t]?\d{3}[ \t.\-]?\d{4}|\d{3}[.\-]\d{3}[.\-]\d{4})"#
                + extensionSuffix + #"(?![\w\-])"#,
            requires: ScrubRequirement(digitRun: 4, anyCharacter: "(.-")
        ) { match, _ in phoneOrFax(match) },
        // Dates: month name, day and year first, then numeric forms, then partial dates.
        ScrubRule(
            "date-month-day-year",
            #"(?i:\b("# + TextDates.monthPattern + #")\b)(\.?)[ \t]{1,3}(\d{1,2})"# + ordinalSuffix
                + #"(,[ \t]{0,3}|[ \t]{1,3})(\d{4})(?!\d)"#,
            prefilter: #"(?i)jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"#,
            requires: ScrubRequirement(digitRun: 4, anyWord: monthWords, wholeWord: true)
        ) { match, scrubber in
            guard let month = TextDates.months[match[1].lowercased()], let day = Int(match[3]),
                let year = Int(match[6]), DICOMDate(year: year, month: month, day: day) != nil
            else { return nil }
            guard let shift = scrubber.dateShift else { return (match[6], .dates) }
            guard let moved = TextDates.shift(year: year, month: month, day: day, by: shift) else { return nil }
            var pieces = [1: TextDates.monthName(moved.month, like: match[1]), 3: String(moved.day), 6: String(moved.year)]
            if !match[4].isEmpty { pieces[4] = TextDates.ordinal(moved.day, like: match[4]) }
            return match.rebuilt(0, replacing: pieces).map { ($0, .dates) }
        },
        ScrubRule(
            "date-day-month-year",
            #"\b(\d{1,2})"# + ordinalSuffix + #"([ \t]{1,3}(?i:of[ \t]{1,3})?|-|/|[ \t]{0,3}\.[ \t]{0,3})(?i:("#
                + TextDates.monthPattern + #")\b)(\.?)(,?[ \t]{1,3}|-|/)(\d{4}|\d{2})(?!\d)"#,
            prefilter: #"(?i)jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"#,
            requires: ScrubRequirement(digitRun: 2, anyWord: monthWords, wholeWord: true)
        ) { match, scrubber in
            guard let month = TextDates.months[match[4].lowercased()], let day = Int(match[1]) else { return nil }
            let separator = match[6]
            if match[7].count == 2, separator != "-", separator != "/" { return nil }
            guard let year = TextDates.fullYear(match[7]), DICOMDate(year: year, month: month, day: day) != nil
            else { return nil }
            guard let shift = scrubber.dateShift else { return (String(year), .dates) }
            guard let moved = TextDates.shift(year: year, month: month, day: day, by: shift) else { return nil }
            var pieces = [
                1: TextDates.number(moved.day, like: match[1]), 4: TextDates.monthName(moved.month, like: match[4]),
                7: TextDates.year(moved.year, like: match[7]),
            ]
            if !match[2].isEmpty { pieces[2] = TextDates.ordinal(moved.day, like: match[2]) }
            return match.rebuilt(0, replacing: pieces).map { ($0, .dates) }
        },
        ScrubRule(
            "date-iso", #"(?<![\d/.\-])(\d{4})([\-/.])(\d{1,2})\2(\d{1,2})(?!\d|[\-/.]\d)"#,
            requires: ScrubRequirement(digitRun: 4, anyCharacter: "-/.")
        ) { match, scrubber in
            guard let year = Int(match[1]), let month = Int(match[3]), let day = Int(match[4]),
                DICOMDate(year: year, month: month, day: day) != nil
            else { return nil }
            guard let shift = scrubber.dateShift else { return (match[1], .dates) }
            guard let moved = TextDates.shift(year: year, month: month, day: day, by: shift) else { return nil }
            return match.rebuilt(0, replacing: [
                1: String(moved.year), 3: TextDates.number(moved.month, like: match[3]),
                4: TextDates.number(moved.day, like: match[4]),
            ]).map { ($0, .dates) }
        },
        ScrubRule(
            "date-numeric", #"(?<![\d/.\-])(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?!\d|[\-/.]\d)"#,
            requires: ScrubRequirement(digitRun: 2, anyCharacter: "/.-")
        ) {
            match, scrubber in
            let separator = match[2]
            if match[4].count == 2, separator != "/" { return nil }
            guard let first = Int(match[1]), let second = Int(match[3]), let year = TextDates.fullYear(match[4])
            else { return nil }
            // Dots are day.month.year (European); slashes and hyphens are month/day/year unless the first
            // number cannot be a month.
            let dayFirst = separator == "." || first > 12
            let (month, day) = dayFirst ? (second, first) : (first, second)
            guard DICOMDate(year: year, month: month, day: day) != nil else { return nil }
            guard let shift = scrubber.dateShift else { return (String(year), .dates) }
            guard let moved = TextDates.shift(year: year, month: month, day: day, by: shift) else { return nil }
            let newFirst = dayFirst ? moved.day : moved.month
            let newSecond = dayFirst ? moved.month : moved.day
            return match.rebuilt(0, replacing: [
                1: TextDates.number(newFirst, like: match[1]), 3: TextDates.number(newSecond, like: match[3]),
                4: TextDates.year(moved.year, like: match[4]),
            ]).map { ($0, .dates) }
        },
        ScrubRule(
            "date-month-year",
            #"(?i:\b("# + TextDates.monthPattern + #")\b)(\.?)(,?[ \t]{1,3}|-|/)(\d{4})(?!\d)"#,
            prefilter: #"(?i)jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"#,
            requires: ScrubRequirement(digitRun: 4, anyWord: monthWords, wholeWord: true)
        ) { match, scrubber in
            guard let month = TextDates.months[match[1].lowercased()], let year = Int(match[4]) else { return nil }
            guard let shift = scrubber.dateShift else { return (match[4], .dates) }
            guard let moved = TextDates.shift(year: year, month: month, by: shift) else { return nil }
            return match.rebuilt(0, replacing: [1: TextDates.monthName(moved.month, like: match[1]), 4: String(moved.year)])
                .map { ($0, .dates) }
        },
        ScrubRule(
            "date-numeric-month-year", #"(?<![\d/.\-])(\d{1,2})/(\d{4})(?!\d|[/.\-]\d)"#,
            requires: ScrubRequirement(digitRun: 4, characters: "/")
        ) { match, scrubber in
            guard let month = Int(match[1]), (1...12).contains(month), let year = Int(match[2]) else { return nil }
            guard let shift = scrubber.dateShift else { return (match[2], .dates) }
            guard let moved = TextDates.shift(year: year, month: month, by: shift) else { return nil }
            return match.rebuilt(0, replacing: [1: TextDates.number(moved.month, like: match[1]), 2: String(moved.year)])
                .map { ($0, .dates) }
        },
        ScrubRule(
            "date-month-day",
            #"(?i:\b("# + TextDates.monthPattern + #")\b)(\.?)[ \t]{1,3}(\d{1,2})"# + ordinalSuffix
                + #"(?!\d|[ \t]{0,3},?[ \t]{0,3}\d)"#,
            prefilter: #"(?i)jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"#,
            requires: ScrubRequirement(digitRun: 1, anyWord: monthWords, wholeWord: true)
        ) { match, scrubber in
            guard match[1].first?.isUppercase == true, let month = TextDates.months[match[1].lowercased()],
                let day = Int(match[3])
            else { return nil }
            return monthDay(match, month: month, day: day, monthGroup: 1, dayGroup: 3, ordinalGroup: 4, scrubber)
        },
        ScrubRule(
            "date-day-month",
            #"\b(\d{1,2})"# + ordinalSuffix + #"([ \t]{1,3}(?i:of[ \t]{1,3})?)(?i:("# + TextDates.monthPattern
                + #")\b)(?!\.?[ \t]{0,3},?[ \t]{0,3}\d|[\-/]\d)"#,
            prefilter: #"(?i)jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"#,
            requires: ScrubRequirement(digitRun: 1, anyWord: monthWords, wholeWord: true)
        ) { match, scrubber in
            guard match[4].first?.isUppercase == true, let month = TextDates.months[match[4].lowercased()],
                let day = Int(match[1])
            else { return nil }
            return monthDay(match, month: month, day: day, monthGroup: 4, dayGroup: 1, ordinalGroup: 2, scrubber)
        },
        ScrubRule(
            "date-compact",
            #"(?<![\w.+\-])(\d{4})(\d{2})(\d{2})((?:\d{2}){0,3}(?:\.\d{1,6})?)(?!\w|\.\d)"#,
            requires: ScrubRequirement(digitRun: 8)
        ) { match, scrubber in
            guard let year = Int(match[1]), (1850...2150).contains(year), let month = Int(match[2]),
                let day = Int(match[3]), DICOMDate(year: year, month: month, day: day) != nil
            else { return nil }
            guard let shift = scrubber.dateShift else { return (match[1], .dates) }
            guard let moved = TextDates.shift(year: year, month: month, day: day, by: shift) else { return nil }
            return (moved.description + match[4], .dates)
        },
    ]

    // MARK: Rules after the birth-date search

    static let contextRules: [ScrubRule] = [
        ScrubRule(
            "age-years",
            #"(?<![\d.,])(\d{2,3})[ \t]{0,3}-?[ \t]{0,3}(?i:years?|yrs?|y/o|y\.o\.?|yo|y)(?![\p{L}])"#, group: 1,
            requires: ScrubRequirement(digitRun: 2, anyWord: ["y"])
        ) { match, _ in ageOver89(match[1]) },
        ScrubRule(
            "age-labelled", #"(?i:\b(?:age|aged|age[ \t]{1,3}of))[ \t]{0,3}[:=]?[ \t]{0,3}(\d{2,3})(?!\d|\.\d)"#, group: 1,
            requires: ScrubRequirement(digitRun: 2, anyWord: ["age"])
        ) {
            match, _ in ageOver89(match[1])
        },
        ScrubRule(
            "name-list",
            #"\b(?i:Drs|Doctors)\.?[ \t]{1,3}("# + word + #"(?:[ \t]{0,3},[ \t]{0,3}"# + word + #"){0,10}"#
                + #"(?:,?[ \t]{1,3}(?:and|&)[ \t]{1,3}"# + word + "))",
            group: 1, prefilter: #"(?i)drs|doctors"#, requires: ScrubRequirement(anyWord: ["drs", "doctors"])
        ) { match, _ in
            (namesInList(match[1]), .names)
        },
        ScrubRule(
            "name-titled", #"\b(?i:"# + titles + #")\b\.?[ \t]{1,3}("# + nameSequence + ")", group: 1,
            requires: ScrubRequirement(anyWord: titles.split(separator: "|").map(String.init), wholeWord: true),
            surrogate: "[NAME]", category: .names),
        ScrubRule(
            "name-labelled",
            #"(?i:\b(?:patient(?:'s)?[ \t]{1,3}name|patient|pt|name|full[ \t]{1,3}name|(?:first|last|given|family)[ \t]{1,3}name"#
                + #"|surname|attending|physician|referring[ \t]{1,3}(?:physician|doctor|provider)|referring"#
                + #"|ordering[ \t]{1,3}(?:physician|provider)|radiologist|surgeon|provider|clinician|guardian"#
                + #"|emergency[ \t]{1,3}contact|next[ \t]{1,3}of[ \t]{1,3}kin|nok|mother|father|spouse|husband|wife"#
                + #"|parent|contact|cc|author|technologist|resident|fellow|witness|interpreter|employer))"#
                + #"[ \t]{0,3}:[ \t]{0,3}("# + labelledName + ")",
            group: 1, prefilter: ":", requires: ScrubRequirement(characters: ":"), surrogate: "[NAME]",
            category: .names),
        ScrubRule(
            "name-by",
            #"(?i:\b(?:(?:electronically[ \t]{1,3})?signed|dictated|transcribed|reported|read|reviewed|verified|approved"#
                + #"|interpreted|performed|examined|seen|referred|attested)[ \t]{1,3}by)[ \t]{0,3}:?[ \t]{0,3}"#
                + #"(?!(?i:"# + titles + #")\b)("# + nameSequence + ")",
            group: 1, requires: ScrubRequirement(anyWord: ["by"]), surrogate: "[NAME]", category: .names),
        ScrubRule(
            "name-credential",
            #"\b("# + nameSequence + #"),?[ \t]{1,3}(?:MD|M\.D\.|DO|D\.O\.|RN|NP|PA-C|PhD|Ph\.D\.|DDS|DMD|FRCR|FRCPC|MBBS"#
                + #"|MBChB|APRN|CRNA|RT\(R\))(?![\p{L}])"#,
            group: 1, requires: ScrubRequirement(anyWord: credentials, caseSensitive: true), surrogate: "[NAME]",
            category: .names),
        ScrubRule(
            "address-labelled",
            #"(?i:\b(?:(?:home|street|mailing|residential|postal)[ \t]{1,3})?address\b)[ \t]{0,3}:[ \t]{0,3}([^\r\n]{3,160})"#,
            group: 1, prefilter: #"(?i)address"#, requires: ScrubRequirement(characters: ":", anyWord: ["address"]),
            surrogate: "[ADDRESS]", category: .geographic),
        ScrubRule(
            "address-street",
            #"\b\d{1,6}[A-Za-z]?(?:-\d{1,4})?[ \t]{1,3}(?:(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?[ \t]{1,3})?"#
                + #"(?:(?:\p{Lu}[\p{L}\p{M}'’.\-]{0,30}|\d{1,3}(?:st|nd|rd|th))[ \t]{1,3}){1,4}"#
                + #"(?i:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|way|court|ct|place|pl|terrace|ter"#
                + #"|circle|cir|highway|hwy|parkway|pkwy|square|sq|trail|trl|alley|plaza|crescent|close|row|walk|pike"#
                + #"|route|rte|strasse|straße)\b\.?"#
                + #"(?:,?[ \t]{0,3}(?i:apt|apartment|suite|ste|unit|room|rm|floor|fl|bldg|#)\.?[ \t]{0,3}#?[ \t]{0,3}[A-Za-z0-9\-]{1,6})?"#,
            requires: ScrubRequirement(digitRun: 1, anyWord: streetSuffixStems), surrogate: "[ADDRESS]",
            category: .geographic),
        ScrubRule(
            "address-po-box", #"(?i)\bP\.?[ \t]?O\.?[ \t]{0,3}Box[ \t]{1,3}\d{1,10}"#,
            requires: ScrubRequirement(digitRun: 1, anyWord: ["box"]), surrogate: "[ADDRESS]",
            category: .geographic),
        ScrubRule(
            "address-apartment",
            #"(?i:\b(?:apt|apartment)\b)\.?[ \t]{0,3}#?[ \t]{0,3}[A-Za-z0-9\-]{0,6}\d[A-Za-z0-9\-]{0,6}"#,
            requires: ScrubRequirement(digitRun: 1, anyWord: ["apt", "apartment"]), surrogate: "[ADDRESS]",
            category: .geographic),
        ScrubRule(
            "address-city-state-zip",
            #"\b(\p{Lu}[\p{L}\p{M}'’.\-]{0,30}(?:[ \t]{1,3}\p{Lu}[\p{L}\p{M}'’.\-]{0,30}){0,3}),?[ \t]{1,3}("#
                + stateCodes + "|" + stateNames + #")[ \t]{1,3}(\d{5}(?:-\d{4})?)(?!\d)"#
        ,
            prefilter: #"(?<!\d)\d{5}(?!\d)"#, requires: ScrubRequirement(digitRun: 5)
        ) { match, scrubber in
            guard let zip = scrubber.zipPolicy.truncated(match[3]) else { return nil }
            return match.rebuilt(0, replacing: [1: "[CITY]", 3: zip + "**"]).map { ($0, .geographic) }
        },
        ScrubRule(
            "address-city-state",
            #"\b(\p{Lu}\p{Ll}[\p{L}\p{M}'’.\-]{0,30}(?:[ \t]{1,3}\p{Lu}\p{Ll}[\p{L}\p{M}'’.\-]{0,30}){0,2}),[ \t]{0,3}(?:"#
                + unambiguousStateCodes + "|" + stateNames + #")(?![\p{L}\d])"#,
            group: 1, requires: ScrubRequirement(characters: ","), surrogate: "[CITY]", category: .geographic),
        ScrubRule("address-state-zip", #"\b(?:"# + stateCodes + "|" + stateNames + #")[ \t]{1,3}(\d{5}(?:-\d{4})?)(?!\d)"#, group: 1,
            prefilter: #"(?<!\d)\d{5}(?!\d)"#, requires: ScrubRequirement(digitRun: 5)
        ) {
            match, scrubber in
            scrubber.zipPolicy.truncated(match[1]).map { ($0 + "**", .geographic) }
        },
        ScrubRule(
            "address-zip-labelled",
            #"(?i:\b(?:zip(?:[ \t]{0,3}code)?|postal[ \t]{0,3}code|post[ \t]{0,3}code)\b)[ \t]{0,3}[:#]?[ \t]{0,3}(\d{5}(?:-\d{4})?)(?!\d)"#,
            group: 1, prefilter: #"(?<!\d)\d{5}(?!\d)"#,
            requires: ScrubRequirement(digitRun: 5, anyWord: ["zip", "post"])
        ) { match, scrubber in
            scrubber.zipPolicy.truncated(match[1]).map { ($0 + "**", .geographic) }
        },
    ]

    // MARK: Helpers

    /// The surrogate of an age over 89: the Safe Harbor category "90 or older", bracketed like every surrogate
    /// (so `aged 90` becomes `aged [90+]`, which no longer contains the original).
    static let ageSurrogate = "[90+]"

    /// ``ageSurrogate`` for an age over 89.
    static func ageOver89(_ text: String) -> (text: String, category: SafeHarborIdentifier)? {
        guard let age = Int(text), age > AgeClamp.thresholdYears else { return nil }
        return (ageSurrogate, .agesOver89)
    }

    /// A phone number, or a fax number when `fax` precedes it closely.
    static func phoneOrFax(_ match: RuleMatch) -> (text: String, category: SafeHarborIdentifier)? {
        match.prefix(16).contains("fax") ? ("[FAX]", .faxNumbers) : ("[PHONE]", .telephoneNumbers)
    }

    /// A day of a month without a year: shifted in a common year (a leap year for 29 February), or `[DATE]`.
    static func monthDay(_ match: RuleMatch, month: Int, day: Int, monthGroup: Int, dayGroup: Int, ordinalGroup: Int,
                         _ scrubber: TextScrubber) -> (text: String, category: SafeHarborIdentifier)?
    {
        let referenceYear = month == 2 && day == 29 ? 2000 : 2001
        guard DICOMDate(year: referenceYear, month: month, day: day) != nil else { return nil }
        guard let shift = scrubber.dateShift,
            let moved = TextDates.shift(year: referenceYear, month: month, day: day, by: shift)
        else { return ("[DATE]", .dates) }
        var pieces = [
            monthGroup: TextDates.monthName(moved.month, like: match[monthGroup]),
            dayGroup: TextDates.number(moved.day, like: match[dayGroup]),
        ]
        if !match[ordinalGroup].isEmpty { pieces[ordinalGroup] = TextDates.ordinal(moved.day, like: match[ordinalGroup]) }
        return match.rebuilt(0, replacing: pieces).map { ($0, .dates) }
    }

    /// Every name in a list (`Smith, Jones and Lee`) replaced, the separators kept.
    static func namesInList(_ list: String) -> String {
        var output = ""
        var current = ""
        func flush() {
            if current.isEmpty { return }
            output += current == "and" ? current : "[NAME]"
            current = ""
        }
        for character in list {
            if character.isLetter || character == "'" || character == "’" || character == "-" {
                current.append(character)
            } else {
                flush()
                output.append(character)
            }
        }
        flush()
        return output
    }

    /// Whether text of hex groups and colons is an IPv6 address: eight groups, or fewer with one `::`.
    static func isIPv6(_ text: String) -> Bool {
        let characters = Array(text)
        let doubleColons = zip(characters, characters.dropFirst()).filter { $0 == ":" && $1 == ":" }.count
        guard doubleColons <= 1 else { return false }
        let groups = text.split(separator: ":", omittingEmptySubsequences: true)
        guard groups.allSatisfy({ (1...4).contains($0.count) }) else { return false }
        if doubleColons == 0 {
            return groups.count == 8 && !text.hasPrefix(":") && !text.hasSuffix(":")
        }
        return groups.count <= 7 && (text.count > 2 || text == "::")
    }
}
