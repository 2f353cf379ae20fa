import Foundation
import Lake
import Storage
import TestSupport
import Testing

@Suite struct LakeSchemaTests {
    @Test func migratesAnEmptyDatabaseToEveryTableWithIntegrityAndForeignKeys() throws {
        let directory = try TemporaryDirectory()
        let queue = try DatabaseQueue(path: directory.url.appending(path: "lake.sqlite").path)
        try LakeSchema.migrator.migrate(queue)
        try LakeSchema.migrator.migrate(queue)  // idempotent
        let tables = try queue.read { db in
            try db.fetchAll(String.self, "SELECT name FROM sqlite_schema WHERE type = 'table'")
        }
        for table in LakeSchema.tables { #expect(tables.contains(table), "missing table \(table)") }
        #expect(try queue.read { try $0.integrityCheck() }.isEmpty)
        // Foreign keys are enforced: a study cannot name a patient that does not exist.
        #expect(throws: StorageError.self) {
            try queue.write { db in
                try db.execute("INSERT INTO studies(study_uid, patient_id) VALUES (\("2.25.1"), \(42))")
            }
        }
    }

    @Test func keepsTheFullTextIndexInStepWithDocuments() throws {
        let directory = try TemporaryDirectory()
        let queue = try DatabaseQueue(path: directory.url.appending(path: "lake.sqlite").path)
        try LakeSchema.migrator.migrate(queue)
        let hits = try queue.write { db -> [Int64] in
            try db.execute(sql: "INSERT INTO sources(name, type) VALUES ('folder in', 'folder')")
            let sha = String(repeating: "a", count: 64)
            try db.execute(
                "INSERT INTO objects(sha256, byte_count, media_type, stored_at) VALUES (\(sha), 3, 'text/plain', '2026-01-01T00:00:00.000Z')")
            try db.execute(
                sql: """
                    INSERT INTO provenance(source_id, object_key, version_key, source_byte_count, kind,
                        object_sha256, ingested_at, deid_profile, key_fingerprint)
                    VALUES (1, 'k', 'v', 3, 'document', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
                        '2026-01-01T00:00:00.000Z', 'safeHarbor', '0123456789abcdef')
                    """)
            try db.execute(
                sql: "INSERT INTO documents(provenance_id, kind, text) VALUES (1, 'plainText', 'A small nodule, right lobe.')")
            let before = try db.fetchAll(Int64.self, "SELECT rowid FROM documents_fts WHERE documents_fts MATCH 'nodule'")
            try db.execute(sql: "DELETE FROM documents")
            let after = try db.fetchAll(Int64.self, "SELECT rowid FROM documents_fts WHERE documents_fts MATCH 'nodule'")
            return before + after
        }
        #expect(hits == [1])
    }
}
