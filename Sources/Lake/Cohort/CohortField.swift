import Storage

/// The closed catalog of fields a cohort query may name. Every SQL identifier and expression a compiled
/// query contains comes from this enum, never from the query text (STYLE R9).
///
/// A cohort is evaluated over *imaging rows*: one row per series with its study and patient
/// (`patients ⟕ studies ⟕ series`, so a patient without imaging still has one row whose study and series
/// fields are missing). Document fields ask whether the patient has *any* document satisfying the
/// comparison. The article <doc:CohortLanguage> lists each field with its operators.
public enum CohortField: String, CaseIterable, Sendable, Hashable {
    /// Modality (0008,0060) of the series; categories ``modalityCategories``.
    case modality
    /// Body Part Examined (0018,0015) of the series, upper case; categories ``bodyPartCategories``.
    case bodyPart
    /// Patient's Sex (0010,0040): `M`, `F`, `O`.
    case sex
    /// Age at the study in years (0 to 90; ages over 89 are stored as 90).
    case ageAtStudy
    /// The shifted Study Date (0008,0020), `YYYY-MM-DD`.
    case studyDate
    /// The year of the shifted study date.
    case studyYear
    /// Manufacturer (0008,0070) of the series' equipment (free text: `eq`, `in`, `contains`).
    case manufacturer
    /// Manufacturer's Model Name (0008,1090) (free text).
    case model
    /// The series' smallest Slice Thickness (0018,0050) in mm.
    case sliceThickness
    /// The number of series in the study.
    case seriesCount
    /// The number of instances in the series.
    case instanceCount
    /// The full text of the patient's documents (reports), searched with FTS5 as quoted phrases.
    case reportText
    /// The kind of one of the patient's documents: `plainText`, `csv`, `fhirJSON`.
    case documentKind
    /// The year of one of the patient's documents (shifted).
    case documentYear

    /// The value type of a field, which decides its operators.
    public enum Kind: Sendable, Hashable {
        /// One of a closed list of categories (histograms list every one, zero-filled).
        case categorical([String])
        /// An integer within a range.
        case integer(ClosedRange<Int64>)
        /// A real number within a range.
        case real(ClosedRange<Double>)
        /// A shifted date, `YYYY-MM-DD`.
        case date
        /// Free text compared exactly (case-insensitive) or by containment.
        case text
        /// Full text searched with FTS5 phrases.
        case fullText
    }

    /// The modalities a histogram lists (PS3.3 §C.7.3.1.1.1 defined terms in use); others count as `(other)`.
    public static let modalityCategories = [
        "CT", "MR", "CR", "DX", "US", "NM", "PT", "MG", "XA", "RF", "SR", "OT",
    ]
    /// The body parts a histogram lists (PS3.16 Annex L terms in use); others count as `(other)`.
    public static let bodyPartCategories = [
        "HEAD", "BRAIN", "NECK", "CHEST", "ABDOMEN", "PELVIS", "SPINE", "HEART", "BREAST", "EXTREMITY",
        "KNEE", "HIP", "SHOULDER", "WHOLEBODY",
    ]

    /// The field's value type.
    public var kind: Kind {
        switch self {
        case .modality: .categorical(Self.modalityCategories)
        case .bodyPart: .categorical(Self.bodyPartCategories)
        case .sex: .categorical(["M", "F", "O"])
        case .documentKind: .categorical(["plainText", "csv", "fhirJSON"])
        case .ageAtStudy: .integer(0...90)
        case .studyYear, .documentYear: .integer(1800...2300)
        case .seriesCount, .instanceCount: .integer(0...1_000_000)
        case .sliceThickness: .real(0...1000)
        case .studyDate: .date
        case .manufacturer, .model: .text
        case .reportText: .fullText
        }
    }

    /// Whether the field belongs to the patient's documents rather than to an imaging row.
    public var isDocumentField: Bool {
        switch self {
        case .reportText, .documentKind, .documentYear: true
        default: false
        }
    }

    /// The field's SQL expression over an imaging row (aliases `p`, `st`, `se`), or over a document (`d`) for
    /// document fields. Written as literals: nothing here comes from a query.
    var expression: SQL {
        switch self {
        case .modality: "se.modality"
        case .bodyPart: "se.body_part"
        case .sex: "p.sex"
        case .ageAtStudy: "st.age_years"
        case .studyDate: "st.study_date"
        case .studyYear: "st.study_year"
        case .manufacturer: "se.manufacturer"
        case .model: "se.model"
        case .sliceThickness: "(SELECT min(i.slice_thickness) FROM instances AS i WHERE i.series_id = se.id)"
        case .seriesCount:
            "(CASE WHEN st.id IS NULL THEN NULL ELSE (SELECT count(*) FROM series AS s2 WHERE s2.study_id = st.id) END)"
        case .instanceCount:
            "(CASE WHEN se.id IS NULL THEN NULL ELSE (SELECT count(*) FROM instances AS i2 WHERE i2.series_id = se.id) END)"
        case .reportText: "d.text"
        case .documentKind: "d.kind"
        case .documentYear: "d.document_year"
        }
    }

    /// Whether the field's expression is NULL on a row without a series (a column of `se`, or a value computed
    /// from `se.id` that is NULL without one).
    var isSeriesField: Bool {
        switch self {
        case .modality, .bodyPart, .manufacturer, .model, .sliceThickness, .instanceCount: true
        default: false
        }
    }

    /// The categories of a categorical field, else `nil`.
    var categories: [String]? {
        if case .categorical(let list) = kind { return list }
        return nil
    }

    /// Whether the field is numeric (integer or real): numeric bins, sums, means and quantiles.
    var isNumeric: Bool {
        switch kind {
        case .integer, .real: true
        default: false
        }
    }
}
