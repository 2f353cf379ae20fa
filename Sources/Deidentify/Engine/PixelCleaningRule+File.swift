public import Foundation

extension PixelCleaningRule {
    /// The keys a rule may have in a rules file; any other key is an error that names it.
    static let fileKeys: Set<String> = ["name", "modality", "manufacturer", "modelName", "rows", "columns", "rectangles"]
    static let rectangleKeys: Set<String> = ["x", "y", "width", "height"]

    /// Reads pixel cleaning rules from a JSON file: an array of rules.
    ///
    /// ```json
    /// [{"name": "Synthetic US header", "modality": "US", "manufacturer": "Synthetic Scanners Inc.",
    ///   "rows": 32, "columns": 32, "rectangles": [{"x": 0, "y": 0, "width": 32, "height": 6}]}]
    /// ```
    /// - Throws: `DeidentifyError` `.invalidOptions` naming the file, the rule's index and the key when the file
    ///   is unreadable, is not such an array, has an unknown key, or a rectangle with no area.
    public static func rules(contentsOf url: URL) throws(DeidentifyError) -> [PixelCleaningRule] {
        let input = "pixel cleaning rules \(url.path)"
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DeidentifyError(.invalidOptions, input: input, "the file cannot be read")
        }
        guard let array = try? JSONSerialization.jsonObject(with: data) as? [Any] else {
            throw DeidentifyError(.invalidOptions, input: input, "not a JSON array of rules")
        }
        for (index, element) in array.enumerated() {
            guard let rule = element as? [String: Any] else {
                throw DeidentifyError(.invalidOptions, input: input, "rule \(index) is not a JSON object")
            }
            if let key = rule.keys.sorted().first(where: { !fileKeys.contains($0) }) {
                throw DeidentifyError(
                    .invalidOptions, input: input, "rule \(index) has the unknown key '\(key)'",
                    remedy: "known keys: " + fileKeys.sorted().joined(separator: ", "))
            }
            for case let rectangle as [String: Any] in (rule["rectangles"] as? [Any]) ?? [] {
                if let key = rectangle.keys.sorted().first(where: { !rectangleKeys.contains($0) }) {
                    throw DeidentifyError(.invalidOptions, input: input, "a rectangle of rule \(index) has the unknown key '\(key)'")
                }
            }
        }
        let rules: [PixelCleaningRule]
        do {
            rules = try JSONDecoder().decode([PixelCleaningRule].self, from: data)
        } catch {
            throw DeidentifyError(
                .invalidOptions, input: input,
                "a rule lacks 'name' or 'rectangles', or a value has the wrong type (names and models are strings, sizes whole numbers)")
        }
        for (index, rule) in rules.enumerated() {
            guard !rule.rectangles.isEmpty,
                rule.rectangles.allSatisfy({ $0.width > 0 && $0.height > 0 && $0.x >= 0 && $0.y >= 0 })
            else {
                throw DeidentifyError(
                    .invalidOptions, input: input, "rule \(index) needs at least one rectangle, each with x, y ≥ 0 and a positive size")
            }
        }
        return rules
    }
}
