import Storage
import Testing

@Suite struct RowTests {
    private func fetchRow() throws -> Row {
        let database = try TestDatabase()
        return try database.queue.read { db in
            try #require(try db.fetchOne("SELECT \(7) AS id, \(2.5) AS Score, \("x") AS label, \(Int?.none) AS gone"))
        }
    }

    @Test func columnsAreReadableByIndexAndByName() throws {
        let row = try fetchRow()
        #expect(row.columnNames == ["id", "Score", "label", "gone"])
        #expect(try row[0] as Int == 7)
        #expect(try row["id"] as Int64 == 7)
        #expect(try row["score"] as Double == 2.5)  // names match case-insensitively, as in SQL
        #expect(try row["id"] as Double == 7)  // INTEGER widens to Double
        #expect(try row[2] as String == "x")
        #expect(try row["gone"] as String? == nil)
        #expect(try row["id"] as Int? == 7)
    }

    @Test func nullIntoNonOptionalIsATypeMismatch() throws {
        let row = try fetchRow()
        let error = #expect(throws: StorageError.self) { try row["gone"] as String }
        #expect(error?.code == .typeMismatch)
    }

    @Test func missingColumnsAreReported() throws {
        let row = try fetchRow()
        #expect(throws: StorageError.self) { try row[9] as Int }
        let error = #expect(throws: StorageError.self) { try row["nope"] as Int }
        #expect(error?.code == .columnNotFound)
    }

    @Test func nonIntegralRealIsNotAnInteger() throws {
        let row = try fetchRow()
        #expect(throws: StorageError.self) { try row["score"] as Int }
    }

    @Test func boolReadsZeroAndNonZero() throws {
        let database = try TestDatabase()
        let values = try database.queue.read { db in try db.fetchAll(Bool.self, "SELECT 0 UNION ALL SELECT 1 UNION ALL SELECT 5") }
        #expect(values == [false, true, true])
    }
}
