public import Storage

/// Fills a migrated lake with made-up patients, studies, series, instances and documents straight into the
/// schema, from a seed — for cohort tests and the query benchmark, not for production.
///
/// Every value is drawn from a SplitMix64 stream, so a seed always gives the same lake. Values include
/// some outside the catalog's closed lists and some missing, so `(other)` and `(missing)` bins are exercised.
///
/// ```swift
/// try LakeSchema.migrator.migrate(queue)
/// let totals = try SyntheticLake(seed: 7, patients: 1_000, instances: 10_000).fill(queue)
/// ```
@_spi(CohortTesting)
public struct SyntheticLake: Sendable {
    /// The seed of every value.
    public var seed: UInt64
    /// How many patients to create.
    public var patients: Int
    /// How many instances to create in all (spread over the series; at least one per series).
    public var instances: Int

    /// What ``fill(_:)`` inserted.
    public struct Totals: Sendable, Hashable {
        /// Rows in `patients`.
        public var patients = 0
        /// Rows in `studies`.
        public var studies = 0
        /// Rows in `series`.
        public var series = 0
        /// Rows in `instances`.
        public var instances = 0
        /// Rows in `documents`.
        public var documents = 0

        /// All zero.
        public init() {}
    }

    /// A generator.
    public init(seed: UInt64, patients: Int, instances: Int) {
        self.seed = seed
        self.patients = patients
        self.instances = instances
    }

    static let modalities: [String?] = ["CT", "CT", "CT", "MR", "MR", "CR", "US", "NM", "DX", "PT", "XY", nil]
    static let bodyParts: [String?] = [
        "CHEST", "CHEST", "HEAD", "BRAIN", "ABDOMEN", "PELVIS", "SPINE", "KNEE", "FOOT", nil,
    ]
    static let manufacturers: [String?] = ["SIEMENS", "GE MEDICAL SYSTEMS", "Philips", "Canon Medical", nil]
    static let models: [String?] = ["SOMATOM Force", "Revolution CT", "Ingenia", "Aquilion ONE", nil]
    static let thicknesses: [Double?] = [0.625, 1.0, 1.25, 2.5, 5.0, nil]
    static let phrases = [
        "No acute findings.", "A 6 mm nodule in the right upper lobe.", "Small pulmonary nodule, follow-up advised.",
        "Mild degenerative changes of the spine.", "Mass effect absent; ventricles normal.",
        "Fracture of the distal radius.", "Ground-glass opacity, NEAR the fissure.", "Pleural effusion on the left.",
    ]

    /// Inserts the rows in one transaction and returns how many of each.
    ///
    /// - Throws: ``StorageError`` from the inserts (for example when the lake is not migrated).
    public func fill(_ queue: DatabaseQueue) throws -> Totals {
        try queue.write { db in try fill(db) }
    }

    /// Inserts the rows into `db`, inside the caller's transaction.
    ///
    /// - Throws: ``StorageError`` from the inserts.
    public func fill(_ db: Database) throws -> Totals {
        var random = SplitMix(state: seed)
        var totals = Totals()
        let sha = String(repeating: "0", count: 64)
        let now = "2026-01-01T00:00:00.000Z"
        try db.execute("INSERT OR IGNORE INTO sources(name, type) VALUES (\("synthetic"), 'folder')")
        let source = try db.fetchOne(Int64.self, "SELECT id FROM sources WHERE name = \("synthetic")") ?? 1
        try db.execute(
            "INSERT OR IGNORE INTO objects(sha256, byte_count, media_type, stored_at) VALUES (\(sha), 0, 'application/dicom', \(now))"
        )
        var provenanceNumber = (try db.fetchOne(Int64.self, "SELECT coalesce(max(id), 0) FROM provenance")) ?? 0
        func provenance(_ kind: String) throws -> Int64 {
            provenanceNumber += 1
            let key = "\(seed)-\(provenanceNumber)"
            try db.execute(
                """
                INSERT INTO provenance(source_id, object_key, version_key, source_byte_count, kind, object_sha256,
                    ingested_at, deid_profile, key_fingerprint)
                VALUES (\(source), \(key), 'v', 0, \(kind), \(sha), \(now), 'synthetic', '0000000000000000')
                """)
            return db.lastInsertedRowID
        }
        // Plan the hierarchy first, then spread the instances over the series.
        var seriesPlan: [(patient: Int, study: Int)] = []
        var studiesPerPatient: [Int] = []
        for patient in 0..<patients {
            let studyCount = 1 + Int(random.next() % 3)
            studiesPerPatient.append(studyCount)
            for study in 0..<studyCount {
                for _ in 0..<(1 + Int(random.next() % 3)) { seriesPlan.append((patient, study)) }
            }
        }
        let seriesCount = max(seriesPlan.count, 1)
        let base = max(instances / seriesCount, 1)
        var counts = [Int](repeating: base, count: seriesPlan.count)
        var index = 0
        while index + 1 < counts.count {
            let shift = base > 1 ? Int(random.next() % UInt64(base)) : 0
            counts[index] += shift
            counts[index + 1] -= shift
            index += 2
        }
        var leftover = instances - base * seriesPlan.count
        var cursor = 0
        while leftover > 0, !counts.isEmpty {
            counts[cursor % counts.count] += 1
            leftover -= 1
            cursor += 1
        }
        var seriesIndex = 0
        var instanceNumber = 0
        for patient in 0..<patients {
            let sexDraw = random.next() % 20
            let sex: String? = sexDraw < 9 ? "M" : sexDraw < 18 ? "F" : sexDraw == 18 ? "O" : nil
            try db.execute(
                "INSERT INTO patients(pseudonym, sex, first_ingested_at) VALUES (\("P\(seed)-\(patient)"), \(sex), \(now))")
            let patientID = db.lastInsertedRowID
            totals.patients += 1
            var age = Int64(random.next() % 86)
            var year = Int64(2005 + random.next() % 15)
            for study in 0..<studiesPerPatient[patient] {
                let month = 1 + random.next() % 12, day = 1 + random.next() % 28
                let date = "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
                let missingDate = random.next() % 50 == 0
                try db.execute(
                    """
                    INSERT INTO studies(study_uid, patient_id, study_date, study_year, age_years)
                    VALUES (\("2.25.\(seed).\(patient).\(study)"), \(patientID), \(missingDate ? nil : date),
                        \(missingDate ? nil : year), \(random.next() % 40 == 0 ? nil : min(age, 90)))
                    """)
                let studyID = db.lastInsertedRowID
                totals.studies += 1
                while seriesIndex < seriesPlan.count, seriesPlan[seriesIndex] == (patient, study) {
                    let modality = Self.pick(Self.modalities, &random)
                    try db.execute(
                        """
                        INSERT INTO series(series_uid, study_id, modality, body_part, manufacturer, model, series_number)
                        VALUES (\("2.25.\(seed).\(patient).\(study).\(seriesIndex)"), \(studyID), \(modality),
                            \(Self.pick(Self.bodyParts, &random)), \(Self.pick(Self.manufacturers, &random)),
                            \(Self.pick(Self.models, &random)), \(Int64(seriesIndex)))
                        """)
                    let seriesID = db.lastInsertedRowID
                    totals.series += 1
                    let thickness = modality == "CT" || modality == "MR" ? Self.pick(Self.thicknesses, &random) : nil
                    for number in 0..<counts[seriesIndex] {
                        let provenanceID = try provenance("instance")
                        instanceNumber += 1
                        try db.execute(
                            """
                            INSERT INTO instances(sop_instance_uid, series_id, provenance_id, sop_class_uid,
                                transfer_syntax_uid, instance_number, slice_thickness, header_json)
                            VALUES (\("2.25.\(seed).i\(instanceNumber)"), \(seriesID), \(provenanceID),
                                '1.2.840.10008.5.1.4.1.1.2', '1.2.840.10008.1.2.1', \(Int64(number + 1)), \(thickness), '{}')
                            """)
                        totals.instances += 1
                    }
                    seriesIndex += 1
                }
                age += Int64(random.next() % 3)
                year += Int64(random.next() % 3)
            }
            if random.next() % 10 < 8 {
                let first = Self.phrases[Int(random.next() % UInt64(Self.phrases.count))]
                let second = Self.phrases[Int(random.next() % UInt64(Self.phrases.count))]
                let kinds = ["plainText", "plainText", "csv", "fhirJSON"]
                let kind = kinds[Int(random.next() % 4)]
                let provenanceID = try provenance("document")
                try db.execute(
                    """
                    INSERT INTO documents(patient_id, provenance_id, kind, document_date, document_year, text)
                    VALUES (\(patientID), \(provenanceID), \(kind), \("\(year)-06-01"), \(year), \(first + " " + second))
                    """)
                totals.documents += 1
            }
        }
        return totals
    }

    private static func pick<T>(_ values: [T], _ random: inout SplitMix) -> T {
        values[Int(random.next() % UInt64(values.count))]
    }
}

/// SplitMix64 (Steele, Lea and Flood 2014): a small, seedable stream for synthetic values, not for secrets.
struct SplitMix {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
