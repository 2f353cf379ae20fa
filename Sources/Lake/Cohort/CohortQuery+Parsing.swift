public import Foundation

extension CohortQuery {
    /// The hard limits of the language: a query beyond any of them is refused before it is compiled.
    public enum Limits {
        /// The largest query document, in bytes.
        public static let maximumBytes = 65_536
        /// The deepest nesting of `all` / `any` / `not`.
        public static let maximumDepth = 8
        /// The most field comparisons in one query.
        public static let maximumComparisons = 64
        /// The most values in one `in` or `mentionsAny` list.
        public static let maximumListCount = 64
        /// The longest string value (characters), names included.
        public static let maximumStringLength = 200
        /// The most histogram bin edges.
        public static let maximumEdges = 202
        /// The most histogram cells (bins × `by` categories).
        public static let maximumCells = 10_000
        /// The most studies one patient may contribute to a study histogram.
        public static let maximumStudiesPerPatient = 100
        /// The most quantile probabilities.
        public static let maximumProbabilities = 99
    }

    /// Parses and validates a cohort query from its JSON text, strictly: unknown keys, wrong types, unknown fields,
    /// operators or categories, and anything beyond ``Limits`` are errors naming their JSON path.
    ///
    /// - Parameter json: the UTF-8 JSON text of one query object.
    /// - Throws: ``CohortError`` with the offending part's path (`$.criteria.all[2].field`).
    public init(json: Data) throws(CohortError) {
        guard json.count <= Limits.maximumBytes else {
            throw CohortError(.limitExceeded, path: "$", message: "the query is larger than \(Limits.maximumBytes) bytes")
        }
        let root: JSONValue
        do {
            root = try JSONDecoder().decode(JSONValue.self, from: json)
        } catch {
            throw CohortError(.malformedJSON, path: "$", message: "the query is not valid JSON")
        }
        var parser = CohortParser()
        self = try parser.query(root)
    }
}

/// The strict parser behind ``CohortQuery/init(json:)``.
struct CohortParser {
    private var comparisons = 0

    mutating func query(_ root: JSONValue) throws(CohortError) -> CohortQuery {
        let members = try object(root, at: "$", allowed: ["version", "name", "description", "criteria", "statistic", "rho"])
        guard let version = members["version"] else { throw missing("version", at: "$") }
        guard case .integer(1) = version else {
            throw CohortError(.invalidValue, path: "$.version", message: "the only language version is 1")
        }
        let name = try members["name"].map { value throws(CohortError) in try text(value, at: "$.name") }
        if let description = members["description"] {
            _ = try string(description, at: "$.description", maximumLength: 2000)
        }
        let criteria = try members["criteria"].map { value throws(CohortError) in
            try criterion(value, at: "$.criteria", depth: 1)
        }
        guard let statisticValue = members["statistic"] else { throw missing("statistic", at: "$") }
        let statistic = try statistic(statisticValue, at: "$.statistic")
        var rho: String?
        if let value = members["rho"] {
            rho = try Self.rhoText(value, at: "$.rho")
        }
        return CohortQuery(name: name, criteria: criteria, statistic: statistic, rho: rho)
    }

    /// A ρ given as a string (`"1/100"`, `"0.01"`) or a number, checked to be a positive exact rational.
    static func rhoText(_ value: JSONValue, at path: String) throws(CohortError) -> String {
        let text: String
        switch value {
        case .string(let string): text = string
        case .integer(let integer): text = String(integer)
        case .real(let real) where real.isFinite: text = "\(real)"
        default: throw CohortError(.wrongType, path: path, message: "ρ must be a string such as \"1/100\" or a number")
        }
        guard let amount = Rho(text), amount.isPositive else {
            throw CohortError(.invalidValue, path: path, message: "ρ must be a positive finite rational such as \"1/100\"")
        }
        return amount.description
    }

    // MARK: Criteria

    mutating func criterion(_ value: JSONValue, at path: String, depth: Int) throws(CohortError) -> CohortCriterion {
        guard depth <= CohortQuery.Limits.maximumDepth else {
            throw CohortError(
                .limitExceeded, path: path, message: "criteria nest deeper than \(CohortQuery.Limits.maximumDepth)")
        }
        guard case .object(let members) = value else {
            throw CohortError(.wrongType, path: path, message: "a criterion must be an object, not \(value.typeName)")
        }
        if members["all"] != nil || members["any"] != nil {
            let key = members["all"] != nil ? "all" : "any"
            let fields = try object(value, at: path, allowed: [key])
            guard case .array(let elements) = fields[key] else {
                throw CohortError(.wrongType, path: "\(path).\(key)", message: "`\(key)` must be an array of criteria")
            }
            guard !elements.isEmpty else {
                throw CohortError(.invalidValue, path: "\(path).\(key)", message: "`\(key)` needs at least one criterion")
            }
            var children: [CohortCriterion] = []
            for (index, element) in elements.enumerated() {
                children.append(try criterion(element, at: "\(path).\(key)[\(index)]", depth: depth + 1))
            }
            return key == "all" ? .all(children) : .any(children)
        }
        if let inner = members["not"] {
            _ = try object(value, at: path, allowed: ["not"])
            return .not(try criterion(inner, at: "\(path).not", depth: depth + 1))
        }
        if members["field"] != nil {
            return try comparison(value, at: path)
        }
        if let key = members.keys.sorted().first {
            throw CohortError(
                .unknownKey, path: "\(path).\(key)",
                message: "unknown key: a criterion is {\"all\": […]}, {\"any\": […]}, {\"not\": …} or {\"field\", \"op\", \"value\"}")
        }
        throw CohortError(.missingKey, path: path, message: "an empty criterion: expected all, any, not or field")
    }

    private mutating func comparison(_ value: JSONValue, at path: String) throws(CohortError) -> CohortCriterion {
        comparisons += 1
        guard comparisons <= CohortQuery.Limits.maximumComparisons else {
            throw CohortError(
                .limitExceeded, path: path,
                message: "more than \(CohortQuery.Limits.maximumComparisons) field comparisons")
        }
        let members = try object(value, at: path, allowed: ["field", "op", "value"])
        let field = try field(members["field"], at: "\(path).field")
        guard let opValue = members["op"] else { throw missing("op", at: path) }
        let op = try string(opValue, at: "\(path).op", maximumLength: 20)
        guard let operand = members["value"] else { throw missing("value", at: path) }
        let valuePath = "\(path).value"
        let allowed = Self.operators(for: field.kind)
        guard allowed.contains(op) else {
            throw CohortError(
                .invalidValue, path: "\(path).op",
                message: "field `\(field.rawValue)` takes the operators \(allowed.joined(separator: ", "))")
        }
        let comparison: CohortComparison
        switch op {
        case "eq": comparison = .equal(try scalar(operand, of: field, at: valuePath))
        case "ne": comparison = .notEqual(try scalar(operand, of: field, at: valuePath))
        case "lt": comparison = .less(try scalar(operand, of: field, at: valuePath))
        case "le": comparison = .lessOrEqual(try scalar(operand, of: field, at: valuePath))
        case "gt": comparison = .greater(try scalar(operand, of: field, at: valuePath))
        case "ge": comparison = .greaterOrEqual(try scalar(operand, of: field, at: valuePath))
        case "in":
            let elements = try list(operand, at: valuePath)
            var values: [CohortValue] = []
            for (index, element) in elements.enumerated() {
                values.append(try scalar(element, of: field, at: "\(valuePath)[\(index)]"))
            }
            comparison = .oneOf(values)
        case "between":
            let elements = try list(operand, at: valuePath)
            guard elements.count == 2 else {
                throw CohortError(.invalidValue, path: valuePath, message: "`between` takes [lower, upper]")
            }
            let lower = try scalar(elements[0], of: field, at: "\(valuePath)[0]")
            let upper = try scalar(elements[1], of: field, at: "\(valuePath)[1]")
            guard Self.order(lower, upper) else {
                throw CohortError(.invalidValue, path: valuePath, message: "`between` needs lower ≤ upper")
            }
            comparison = .between(lower, upper)
        case "contains": comparison = .contains(try text(operand, at: valuePath))
        case "mentions": comparison = .mentions(try phrase(operand, at: valuePath))
        default:  // mentionsAny
            let elements = try list(operand, at: valuePath)
            var phrases: [String] = []
            for (index, element) in elements.enumerated() {
                phrases.append(try phrase(element, at: "\(valuePath)[\(index)]"))
            }
            comparison = .mentionsAny(phrases)
        }
        return .compare(field, comparison)
    }

    /// The operators of each kind of field.
    static func operators(for kind: CohortField.Kind) -> [String] {
        switch kind {
        case .categorical: ["eq", "ne", "in"]
        case .integer: ["eq", "ne", "in", "lt", "le", "gt", "ge", "between"]
        case .real: ["lt", "le", "gt", "ge", "between"]
        case .date: ["eq", "lt", "le", "gt", "ge", "between"]
        case .text: ["eq", "ne", "in", "contains"]
        case .fullText: ["mentions", "mentionsAny"]
        }
    }

    private static func order(_ lower: CohortValue, _ upper: CohortValue) -> Bool {
        switch (lower, upper) {
        case (.integer(let a), .integer(let b)): a <= b
        case (.real(let a), .real(let b)): a <= b
        case (.text(let a), .text(let b)): a <= b
        default: false
        }
    }

    private func field(_ value: JSONValue?, at path: String) throws(CohortError) -> CohortField {
        guard let value else {
            throw CohortError(.missingKey, path: path, message: "missing key")
        }
        let name = try string(value, at: path, maximumLength: 40)
        guard let field = CohortField(rawValue: name) else {
            throw CohortError(.invalidValue, path: path, message: "not a field of the catalog (see cohorts/README.md)")
        }
        return field
    }

    /// One comparison value of the field's type.
    private func scalar(_ value: JSONValue, of field: CohortField, at path: String) throws(CohortError) -> CohortValue {
        switch field.kind {
        case .categorical(let categories):
            let name = try string(value, at: path, maximumLength: CohortQuery.Limits.maximumStringLength)
            guard categories.contains(name) else {
                throw CohortError(
                    .invalidValue, path: path,
                    message: "not a category of `\(field.rawValue)` (one of \(categories.joined(separator: ", ")))")
            }
            return .text(name)
        case .integer(let range):
            guard case .integer(let integer) = value else {
                throw CohortError(.wrongType, path: path, message: "`\(field.rawValue)` compares with an integer")
            }
            guard range.contains(integer) else {
                throw CohortError(
                    .invalidValue, path: path,
                    message: "outside \(range.lowerBound)…\(range.upperBound), the range of `\(field.rawValue)`")
            }
            return .integer(integer)
        case .real(let range):
            let number: Double
            switch value {
            case .integer(let integer): number = Double(integer)
            case .real(let real): number = real
            default: throw CohortError(.wrongType, path: path, message: "`\(field.rawValue)` compares with a number")
            }
            guard range.contains(number) else {
                throw CohortError(
                    .invalidValue, path: path,
                    message: "outside \(range.lowerBound)…\(range.upperBound), the range of `\(field.rawValue)`")
            }
            return .real(number)
        case .date:
            let date = try string(value, at: path, maximumLength: 10)
            guard Self.isDate(date) else {
                throw CohortError(.invalidValue, path: path, message: "a date is written YYYY-MM-DD")
            }
            return .text(date)
        case .text, .fullText:
            return .text(try text(value, at: path))
        }
    }

    /// Whether `text` is a valid calendar date `YYYY-MM-DD` (proleptic Gregorian).
    static func isDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        func number(_ range: Range<Int>) -> Int? {
            var result = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                result = result * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return result
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return false }
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }

    /// Free text from a query: bounded, without control characters.
    private func text(_ value: JSONValue, at path: String) throws(CohortError) -> String {
        let result = try string(value, at: path, maximumLength: CohortQuery.Limits.maximumStringLength)
        guard !result.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw CohortError(.invalidValue, path: path, message: "control characters are not allowed")
        }
        return result
    }

    /// A full-text phrase: free text with at least one letter or digit (FTS5 finds nothing in punctuation).
    private func phrase(_ value: JSONValue, at path: String) throws(CohortError) -> String {
        let result = try text(value, at: path)
        guard result.unicodeScalars.contains(where: { $0.properties.isAlphabetic || $0.properties.numericType != nil })
        else {
            throw CohortError(.invalidValue, path: path, message: "a phrase needs at least one letter or digit")
        }
        return result
    }

    // MARK: Statistics

    private func statistic(_ value: JSONValue, at path: String) throws(CohortError) -> CohortStatistic {
        guard case .object(let loose) = value else {
            throw CohortError(.wrongType, path: path, message: "the statistic must be an object, not \(value.typeName)")
        }
        guard let kindValue = loose["kind"] else { throw missing("kind", at: path) }
        let kind = try string(kindValue, at: "\(path).kind", maximumLength: 20)
        switch kind {
        case "count":
            _ = try object(value, at: path, allowed: ["kind"])
            return .count
        case "histogram":
            let members = try object(
                value, at: path, allowed: ["kind", "field", "bins", "by", "unit", "pick", "maxStudiesPerPatient"])
            let field = try statisticField(members["field"], at: "\(path).field")
            var histogram = CohortHistogram(field: field)
            if field.isNumeric {
                guard let bins = members["bins"] else {
                    throw CohortError(.missingKey, path: "\(path).bins", message: "a numeric field needs bins")
                }
                histogram.bins = try self.bins(bins, of: field, at: "\(path).bins")
            } else if members["bins"] != nil {
                throw CohortError(
                    .invalidValue, path: "\(path).bins",
                    message: "a categorical field is binned by its categories; bins are for numeric fields")
            }
            if let byValue = members["by"] {
                let by = try statisticField(byValue, at: "\(path).by")
                guard by.categories != nil, by != field else {
                    throw CohortError(
                        .invalidValue, path: "\(path).by", message: "`by` takes another categorical field")
                }
                histogram.by = by
            }
            if let unitValue = members["unit"] {
                let unit = try string(unitValue, at: "\(path).unit", maximumLength: 20)
                guard let parsed = CohortHistogram.Unit(rawValue: unit) else {
                    throw CohortError(.invalidValue, path: "\(path).unit", message: "the unit is patients or studies")
                }
                histogram.unit = parsed
            }
            if let pickValue = members["pick"] {
                guard histogram.unit == .patients else {
                    throw CohortError(
                        .invalidValue, path: "\(path).pick",
                        message: "a study histogram counts each patient's earliest studies; pick is for patients")
                }
                histogram.pick = try pick(pickValue, at: "\(path).pick", allowEach: true)
            }
            if let maximumValue = members["maxStudiesPerPatient"] {
                guard histogram.unit == .studies else {
                    throw CohortError(
                        .invalidValue, path: "\(path).maxStudiesPerPatient",
                        message: "maxStudiesPerPatient is for \"unit\": \"studies\"")
                }
                guard case .integer(let maximum) = maximumValue,
                    (1...Int64(CohortQuery.Limits.maximumStudiesPerPatient)).contains(maximum)
                else {
                    throw CohortError(
                        .invalidValue, path: "\(path).maxStudiesPerPatient",
                        message: "an integer from 1 to \(CohortQuery.Limits.maximumStudiesPerPatient)")
                }
                histogram.maxStudiesPerPatient = Int(maximum)
            }
            let cells = (histogram.bins.map { $0.edges.count } ?? (field.categories?.count ?? 0) + 1)
                * ((histogram.by?.categories?.count).map { $0 + 1 } ?? 1)
            guard cells <= CohortQuery.Limits.maximumCells else {
                throw CohortError(
                    .limitExceeded, path: path, message: "more than \(CohortQuery.Limits.maximumCells) histogram cells")
            }
            return .histogram(histogram)
        case "sum", "mean":
            let members = try object(value, at: path, allowed: ["kind", "field", "bounds", "pick"])
            let field = try statisticField(members["field"], at: "\(path).field")
            guard field.isNumeric else {
                throw CohortError(.invalidValue, path: "\(path).field", message: "\(kind) needs a numeric field")
            }
            guard let boundsValue = members["bounds"] else { throw missing("bounds", at: path) }
            let bounds = try numbers(boundsValue, at: "\(path).bounds")
            guard bounds.count == 2, bounds[0] < bounds[1] else {
                throw CohortError(.invalidValue, path: "\(path).bounds", message: "bounds are [lower, upper] with lower < upper")
            }
            if case .integer = field.kind, bounds.contains(where: { $0 != $0.rounded() }) {
                throw CohortError(.invalidValue, path: "\(path).bounds", message: "an integer field takes integer bounds")
            }
            guard bounds.allSatisfy({ abs($0) <= 1_000_000 }) else {
                throw CohortError(.invalidValue, path: "\(path).bounds", message: "bounds are within ±1,000,000")
            }
            let pick = try members["pick"].map { value throws(CohortError) in
                try self.pick(value, at: "\(path).pick", allowEach: false)
            }
            let aggregate = CohortAggregate(field: field, lower: bounds[0], upper: bounds[1], pick: pick ?? .earliest)
            return kind == "sum" ? .sum(aggregate) : .mean(aggregate)
        case "quantiles":
            let members = try object(value, at: path, allowed: ["kind", "field", "bins", "probabilities", "pick"])
            let field = try statisticField(members["field"], at: "\(path).field")
            guard field.isNumeric else {
                throw CohortError(.invalidValue, path: "\(path).field", message: "quantiles need a numeric field")
            }
            guard let binsValue = members["bins"] else { throw missing("bins", at: path) }
            let bins = try self.bins(binsValue, of: field, at: "\(path).bins")
            guard let probabilitiesValue = members["probabilities"] else { throw missing("probabilities", at: path) }
            let probabilities = try numbers(probabilitiesValue, at: "\(path).probabilities")
            guard !probabilities.isEmpty, probabilities.count <= CohortQuery.Limits.maximumProbabilities,
                probabilities.allSatisfy({ $0 > 0 && $0 < 1 })
            else {
                throw CohortError(
                    .invalidValue, path: "\(path).probabilities",
                    message: "1 to \(CohortQuery.Limits.maximumProbabilities) probabilities, each strictly between 0 and 1")
            }
            let pick = try members["pick"].map { value throws(CohortError) in
                try self.pick(value, at: "\(path).pick", allowEach: false)
            }
            return .quantiles(
                CohortQuantiles(field: field, bins: bins, probabilities: probabilities, pick: pick ?? .earliest))
        default:
            throw CohortError(
                .invalidValue, path: "\(path).kind", message: "the statistics are count, histogram, sum, mean, quantiles")
        }
    }

    private func statisticField(_ value: JSONValue?, at path: String) throws(CohortError) -> CohortField {
        let field = try field(value, at: path)
        guard !field.isDocumentField else {
            throw CohortError(
                .invalidValue, path: path,
                message: "document fields select patients; statistics are over imaging fields")
        }
        guard field.categories != nil || field.isNumeric else {
            throw CohortError(
                .invalidValue, path: path, message: "free-text and date fields have no closed list of bins")
        }
        return field
    }

    private func pick(_ value: JSONValue, at path: String, allowEach: Bool) throws(CohortError) -> CohortPick {
        let name = try string(value, at: path, maximumLength: 20)
        guard let pick = CohortPick(rawValue: name), allowEach || pick != .each else {
            throw CohortError(
                .invalidValue, path: path, message: allowEach ? "pick is earliest, latest or each" : "pick is earliest or latest")
        }
        return pick
    }

    private func bins(_ value: JSONValue, of field: CohortField, at path: String) throws(CohortError) -> CohortBins {
        let members = try object(value, at: path, allowed: ["edges", "start", "width", "count"])
        var edges: [Double]
        if let edgesValue = members["edges"] {
            guard members.count == 1 else {
                throw CohortError(.invalidValue, path: path, message: "bins are {\"edges\"} or {\"start\", \"width\", \"count\"}")
            }
            edges = try numbers(edgesValue, at: "\(path).edges")
        } else {
            guard let start = members["start"] else { throw missing("start", at: path) }
            guard let width = members["width"] else { throw missing("width", at: path) }
            guard let count = members["count"] else { throw missing("count", at: path) }
            let first = try number(start, at: "\(path).start")
            let step = try number(width, at: "\(path).width")
            guard case .integer(let binCount) = count, (1...Int64(CohortQuery.Limits.maximumEdges - 1)).contains(binCount)
            else {
                throw CohortError(
                    .invalidValue, path: "\(path).count",
                    message: "an integer from 1 to \(CohortQuery.Limits.maximumEdges - 1)")
            }
            guard step > 0 else { throw CohortError(.invalidValue, path: "\(path).width", message: "the width must be positive") }
            edges = (0...Int(binCount)).map { first + Double($0) * step }
        }
        guard edges.count >= 2, edges.count <= CohortQuery.Limits.maximumEdges else {
            throw CohortError(
                .invalidValue, path: path, message: "2 to \(CohortQuery.Limits.maximumEdges) edges")
        }
        guard zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }), edges.allSatisfy({ abs($0) <= 1_000_000 }) else {
            throw CohortError(.invalidValue, path: path, message: "edges must increase strictly and stay within ±1,000,000")
        }
        return CohortBins(edges: edges)
    }

    // MARK: JSON helpers

    private func object(_ value: JSONValue, at path: String, allowed: Set<String>) throws(CohortError)
        -> [String: JSONValue]
    {
        guard case .object(let members) = value else {
            throw CohortError(.wrongType, path: path, message: "expected an object, not \(value.typeName)")
        }
        if let unknown = members.keys.filter({ !allowed.contains($0) }).sorted().first {
            let shown = unknown.count <= 40 && unknown.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
            throw CohortError(
                .unknownKey, path: shown ? "\(path).\(unknown)" : "\(path)[?]",
                message: "unknown key (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
        return members
    }

    private func missing(_ key: String, at path: String) -> CohortError {
        CohortError(.missingKey, path: "\(path).\(key)", message: "missing key")
    }

    private func string(_ value: JSONValue, at path: String, maximumLength: Int) throws(CohortError) -> String {
        guard case .string(let string) = value else {
            throw CohortError(.wrongType, path: path, message: "expected a string, not \(value.typeName)")
        }
        guard string.count <= maximumLength else {
            throw CohortError(.limitExceeded, path: path, message: "longer than \(maximumLength) characters")
        }
        return string
    }

    private func list(_ value: JSONValue, at path: String) throws(CohortError) -> [JSONValue] {
        guard case .array(let elements) = value else {
            throw CohortError(.wrongType, path: path, message: "expected an array, not \(value.typeName)")
        }
        guard !elements.isEmpty else { throw CohortError(.invalidValue, path: path, message: "the list is empty") }
        guard elements.count <= CohortQuery.Limits.maximumListCount else {
            throw CohortError(
                .limitExceeded, path: path, message: "more than \(CohortQuery.Limits.maximumListCount) values")
        }
        return elements
    }

    private func number(_ value: JSONValue, at path: String) throws(CohortError) -> Double {
        switch value {
        case .integer(let integer): return Double(integer)
        case .real(let real) where real.isFinite: return real
        default: throw CohortError(.wrongType, path: path, message: "expected a number, not \(value.typeName)")
        }
    }

    private func numbers(_ value: JSONValue, at path: String) throws(CohortError) -> [Double] {
        guard case .array(let elements) = value else {
            throw CohortError(.wrongType, path: path, message: "expected an array of numbers, not \(value.typeName)")
        }
        guard elements.count <= CohortQuery.Limits.maximumEdges else {
            throw CohortError(.limitExceeded, path: path, message: "more than \(CohortQuery.Limits.maximumEdges) numbers")
        }
        var result: [Double] = []
        for (index, element) in elements.enumerated() { result.append(try number(element, at: "\(path)[\(index)]")) }
        return result
    }
}
