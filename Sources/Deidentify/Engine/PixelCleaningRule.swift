/// A rectangle of pixels, in image coordinates: `x` counts columns from the left, `y` rows from the top.
public struct PixelRectangle: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The first column.
    public var x: Int
    /// The first row.
    public var y: Int
    /// The number of columns.
    public var width: Int
    /// The number of rows.
    public var height: Int

    /// Creates a rectangle.
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// `x,y widthxheight`.
    public var description: String { "\(x),\(y) \(width)x\(height)" }
}

/// Where a family of devices burns text into its images, and so which rectangles to blank (PS3.15 §E.3.1).
///
/// A rule matches an instance when every criterion it sets equals the instance's value: Modality (0008,0060),
/// Manufacturer (0008,0070) and Manufacturer's Model Name (0008,1090) compared without padding and case, Rows
/// (0028,0010) and Columns (0028,0011) exactly. A criterion left `nil` matches anything. The rectangles are set
/// to zero on every frame of native pixel data; compressed pixel data is quarantined, since no decoder exists.
///
/// ```swift
/// let rule = PixelCleaningRule(
///     name: "Acme US header", modality: "US", manufacturer: "Acme", rows: 480, columns: 640,
///     rectangles: [PixelRectangle(x: 0, y: 0, width: 640, height: 48)])
/// ```
public struct PixelCleaningRule: Sendable, Hashable, Codable {
    /// A name for the report.
    public var name: String
    /// Modality (0008,0060) to match, or `nil`.
    public var modality: String?
    /// Manufacturer (0008,0070) to match, or `nil`.
    public var manufacturer: String?
    /// Manufacturer's Model Name (0008,1090) to match, or `nil`.
    public var modelName: String?
    /// Rows (0028,0010) to match, or `nil`.
    public var rows: Int?
    /// Columns (0028,0011) to match, or `nil`.
    public var columns: Int?
    /// The rectangles to blank; parts outside the image are ignored.
    public var rectangles: [PixelRectangle]

    /// Creates a rule.
    public init(
        name: String, modality: String? = nil, manufacturer: String? = nil, modelName: String? = nil,
        rows: Int? = nil, columns: Int? = nil, rectangles: [PixelRectangle]
    ) {
        self.name = name
        self.modality = modality
        self.manufacturer = manufacturer
        self.modelName = modelName
        self.rows = rows
        self.columns = columns
        self.rectangles = rectangles
    }

    /// Whether the rule applies to an instance with these values.
    public func matches(modality: String?, manufacturer: String?, modelName: String?, rows: Int?, columns: Int?) -> Bool {
        func same(_ wanted: String?, _ actual: String?) -> Bool {
            guard let wanted else { return true }
            guard let actual else { return false }
            return PixelRiskPolicy.trimmed(wanted).uppercased() == PixelRiskPolicy.trimmed(actual).uppercased()
        }
        guard same(self.modality, modality), same(self.manufacturer, manufacturer), same(self.modelName, modelName)
        else { return false }
        if let wanted = self.rows, wanted != rows { return false }
        if let wanted = self.columns, wanted != columns { return false }
        return true
    }
}
