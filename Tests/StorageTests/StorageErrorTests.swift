import Storage
import Testing

@Suite struct StorageErrorTests {
    /// Synthetic PHI planted in bound values; it must not appear in any error text.
    private let canary = "CANARY^Patient^0042"

    @Test func uniqueViolationNamesSQLAndConstraintButNoValue() throws {
        let database = try TestDatabase()
        try database.queue.write { db in
            try db.execute(sql: "CREATE TABLE patients(pseudonym TEXT UNIQUE, note TEXT)")
            try db.execute("INSERT INTO patients VALUES (\(canary), \(canary))")
        }
        let error = #expect(throws: StorageError.self) {
            try database.queue.write { db in try db.execute("INSERT INTO patients VALUES (\(canary), \(canary))") }
        }
        let caught = try #require(error)
        let text = String(describing: caught)
        #expect(caught.isConstraintViolation)
        #expect(caught.resultCode == .constraintUnique)
        #expect(caught.resultCode?.primary == .constraint)
        #expect(text.contains("INSERT INTO patients VALUES (?, ?)"))
        #expect(text.contains("UNIQUE constraint failed: patients.pseudonym"))
        #expect(!text.contains(canary))
        #expect(!String(reflecting: caught).contains(canary))
    }

    @Test func checkAndNotNullViolationsCarryNoValue() throws {
        let database = try TestDatabase()
        try database.queue.write { db in
            try db.execute(sql: "CREATE TABLE t(name TEXT NOT NULL CONSTRAINT short CHECK (length(name) < 5), other TEXT NOT NULL)")
        }
        let check = #expect(throws: StorageError.self) {
            try database.queue.write { db in try db.execute("INSERT INTO t VALUES (\(canary), \("x"))") }
        }
        #expect(check?.resultCode == .constraintCheck)
        #expect(check.map { "\($0)" }?.contains("short") == true)
        #expect(check.map { "\($0)" }?.contains(canary) == false)

        let notNull = #expect(throws: StorageError.self) {
            try database.queue.write { db in try db.execute("INSERT INTO t VALUES (\("ab"), \(String?.none))") }
        }
        #expect(notNull?.resultCode == .constraintNotNull)
        #expect(notNull.map { "\($0)" }?.contains("t.other") == true)
    }

    @Test func syntaxErrorNamesTheStatement() throws {
        let database = try TestDatabase()
        let error = #expect(throws: StorageError.self) {
            try database.queue.write { db in try db.execute(sql: "CREATE TABLE ok(x); SELEC 1") }
        }
        #expect(error?.resultCode == .error)
        #expect(error?.sql == "SELEC 1")
        #expect(error.map { "\($0)" }?.contains("syntax error") == true)
    }

    @Test func typeMismatchNamesColumnAndStorageClassNotTheValue() throws {
        let database = try TestDatabase()
        let error = #expect(throws: StorageError.self) {
            try database.queue.read { db in
                let row = try #require(try db.fetchOne("SELECT \(canary) AS name"))
                return try row["name"] as Int
            }
        }
        #expect(error?.code == .typeMismatch)
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("name") && text.contains("TEXT") && text.contains("Int"))
        #expect(!text.contains(canary))
    }
}
