import Storage

/// Compiles a ``CohortQuery`` to `SQL` literals: every identifier and expression comes from ``CohortField``
/// and the literals below, every query value is a bound argument (STYLE R9), and full-text phrases are bound
/// as quoted FTS5 strings, so text a requester writes is never SQL or FTS5 query syntax.
///
/// Rows are the imaging rows `patients ⟕ studies ⟕ series`. A missing value satisfies no comparison: the
/// compiler keeps SQL's three-valued logic two-valued by wrapping the operand of every `not` in
/// `coalesce(…, 0)` (a NULL comparison below a `not` counts as false before it is negated).
enum CohortCompiler {
    /// The imaging rows every cohort is evaluated over.
    static let rows: SQL = """
        FROM patients AS p LEFT JOIN studies AS st ON st.patient_id = p.id \
        LEFT JOIN series AS se ON se.study_id = st.id
        """

    /// The imaging rows for `criteria`: inner joins when every matching row must have a series (the criteria
    /// reject a row without one), so SQLite may start from a series index (`series_modality`); else ``rows``,
    /// which keeps patients without studies for criteria that can match them. Both give the same matches.
    static func rows(for criteria: CohortCriterion?) -> SQL {
        guard let criteria, requiresSeries(criteria) else { return rows }
        return "FROM patients AS p JOIN studies AS st ON st.patient_id = p.id JOIN series AS se ON se.study_id = st.id"
    }

    /// Whether `criterion` is false or NULL on a row without a series: a comparison of a series field (its
    /// expression is NULL there, and every comparison of NULL is NULL), an `all` with such a part, an `any` whose
    /// every part is such. `not` is never counted (NOT of a false `all` is true).
    static func requiresSeries(_ criterion: CohortCriterion) -> Bool {
        switch criterion {
        case .all(let children): children.contains(where: requiresSeries)
        case .any(let children): !children.isEmpty && children.allSatisfy(requiresSeries)
        case .not: false
        case .compare(let field, _): field.isSeriesField
        }
    }

    /// The WHERE condition of a criterion tree (`1` for no criteria).
    static func condition(_ criterion: CohortCriterion?) -> SQL {
        guard let criterion else { return "1" }
        return compile(criterion)
    }

    private static func compile(_ criterion: CohortCriterion) -> SQL {
        switch criterion {
        case .all(let children):
            return "(" + children.map(compile).joined(separator: " AND ") + ")"
        case .any(let children):
            return "(" + children.map(compile).joined(separator: " OR ") + ")"
        case .not(let child):
            return "(NOT coalesce(\(compile(child)), 0))"
        case .compare(let field, let comparison):
            if field.isDocumentField {
                switch comparison {
                case .mentions(let phrase): return documentsMatching([phrase])
                case .mentionsAny(let phrases): return documentsMatching(phrases)
                default:
                    return "(p.id IN (SELECT d.patient_id FROM documents AS d WHERE d.patient_id IS NOT NULL AND "
                        + documentCondition(field, comparison) + "))"
                }
            }
            return "(" + predicate(field.expression, field, comparison) + ")"
        }
    }

    private static func documentCondition(_ field: CohortField, _ comparison: CohortComparison) -> SQL {
        "(" + predicate(field.expression, field, comparison) + ")"
    }

    /// Patients with a document whose text matches one of `phrases`: the full-text index joined to its documents
    /// (SQLite walks the index's matches and looks each document up by rowid).
    private static func documentsMatching(_ phrases: [String]) -> SQL {
        "(p.id IN (SELECT d.patient_id FROM documents_fts JOIN documents AS d ON d.id = documents_fts.rowid "
            + "WHERE documents_fts MATCH \(ftsString(phrases)) AND d.patient_id IS NOT NULL))"
    }

    /// An FTS5 query made only of double-quoted strings joined by `OR`: inside a string every character is
    /// literal text (a `"` is doubled), so `NEAR`, `*`, `^`, `:` and parentheses from a requester are just
    /// words to the tokenizer (https://www.sqlite.org/fts5.html §3.1, "FTS5 Strings").
    static func ftsString(_ phrases: [String]) -> String {
        phrases.map { phrase in
            var quoted = "\""
            for character in phrase {
                quoted.append(character)
                if character == "\"" { quoted.append("\"") }
            }
            return quoted + "\""
        }.joined(separator: " OR ")
    }

    private static func predicate(_ expression: SQL, _ field: CohortField, _ comparison: CohortComparison) -> SQL {
        let caseless: Bool
        if case .text = field.kind { caseless = true } else { caseless = false }
        switch comparison {
        case .equal(let value):
            return caseless ? "\(expression) = \(bound(value)) COLLATE NOCASE" : "\(expression) = \(bound(value))"
        case .notEqual(let value):
            return caseless ? "\(expression) <> \(bound(value)) COLLATE NOCASE" : "\(expression) <> \(bound(value))"
        case .oneOf(let values):
            let list = values.map(bound).joined(separator: ", ")
            return caseless ? "\(expression) COLLATE NOCASE IN (\(list))" : "\(expression) IN (\(list))"
        case .less(let value): return "\(expression) < \(bound(value))"
        case .lessOrEqual(let value): return "\(expression) <= \(bound(value))"
        case .greater(let value): return "\(expression) > \(bound(value))"
        case .greaterOrEqual(let value): return "\(expression) >= \(bound(value))"
        case .between(let lower, let upper): return "\(expression) BETWEEN \(bound(lower)) AND \(bound(upper))"
        case .contains(let text): return "instr(lower(\(expression)), lower(\(text))) > 0"
        case .mentions, .mentionsAny:
            // The parser allows these operators only on `reportText`, a document field handled above.
            return "0"
        }
    }

    private static func bound(_ value: CohortValue) -> SQL {
        switch value {
        case .integer(let integer): "\(integer)"
        case .real(let real): "\(real)"
        case .text(let text): "\(text)"
        }
    }

    // MARK: Statistics

    /// The number of distinct patients in the cohort. Criteria on patient and document fields only are evaluated on
    /// `patients` alone: every imaging row of a patient agrees on them, so the joins would change nothing.
    static func countSQL(_ criteria: CohortCriterion?) -> SQL {
        guard let criteria else { return "SELECT count(*) FROM patients" }
        if !usesImagingFields(criteria) {
            return "SELECT count(*) FROM patients AS p WHERE \(condition(criteria))"
        }
        return "SELECT count(DISTINCT p.id) \(rows(for: criteria)) WHERE \(condition(criteria))"
    }

    /// Whether a criterion reads a study or series field (so it depends on which imaging row is looked at).
    static func usesImagingFields(_ criterion: CohortCriterion) -> Bool {
        switch criterion {
        case .all(let children), .any(let children): children.contains(where: usesImagingFields)
        case .not(let child): usesImagingFields(child)
        case .compare(let field, _): !(field.isDocumentField || field == .sex)
        }
    }

    /// The matching rows with the value of `field` (and `by`): patient, study, series, date, v, b.
    static func valueRows(_ criteria: CohortCriterion?, field: CohortField, by: CohortField?) -> SQL {
        let byExpression: SQL = by?.expression ?? "NULL"
        return """
            SELECT p.id AS patient, st.id AS study, se.id AS series, st.study_date AS date, \
            \(field.expression) AS v, \(byExpression) AS b \(rows(for: criteria)) WHERE \(condition(criteria))
            """
    }

    /// `(v, b, patients)`: one row per patient, the one `pick` chooses, grouped by value. When the values are the
    /// patient's own (`sex`), every row of a patient carries the same value and the pick is a distinct count.
    static func pickedValuesSQL(_ criteria: CohortCriterion?, field: CohortField, by: CohortField?, pick: CohortPick)
        -> SQL
    {
        if field == .sex, by == nil || by == .sex {
            // Without a subquery: SQLite then groups straight off the join (about 3.5 times faster on a lake of
            // a million instances than grouping the rows of `valueRows`).
            let byExpression: SQL = by?.expression ?? "NULL"
            return """
                SELECT \(field.expression) AS v, \(byExpression) AS b, count(DISTINCT p.id) \(rows(for: criteria)) \
                WHERE \(condition(criteria)) GROUP BY v, b
                """
        }
        let order: SQL =
            pick == .latest
            ? "ORDER BY date IS NULL, date DESC, study DESC, series DESC"
            : "ORDER BY date IS NULL, date, study IS NULL, study, series"
        return """
            SELECT v, b, count(*) FROM (SELECT v, b, row_number() OVER (PARTITION BY patient \(order)) AS rn \
            FROM (\(valueRows(criteria, field: field, by: by)))) WHERE rn = 1 GROUP BY v, b
            """
    }

    /// `(patient, v, b)`: every distinct value combination of every patient (for `pick: each`).
    static func eachValuesSQL(_ criteria: CohortCriterion?, field: CohortField, by: CohortField?) -> SQL {
        "SELECT DISTINCT patient, v, b FROM (\(valueRows(criteria, field: field, by: by)))"
    }

    /// `(v, b, studies)`: each patient's earliest `maximum` matching studies, one row per study (its first
    /// matching series), grouped by value.
    static func studyValuesSQL(_ criteria: CohortCriterion?, field: CohortField, by: CohortField?, maximum: Int)
        -> SQL
    {
        """
        SELECT v, b, count(*) FROM (SELECT v, b, row_number() OVER (PARTITION BY patient \
        ORDER BY date IS NULL, date, study) AS rn FROM (SELECT patient, study, date, v, b, \
        row_number() OVER (PARTITION BY study ORDER BY series) AS srn \
        FROM (\(valueRows(criteria, field: field, by: by))) WHERE study IS NOT NULL) WHERE srn = 1) \
        WHERE rn <= \(Int64(maximum)) GROUP BY v, b
        """
    }
}
