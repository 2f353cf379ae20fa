import Storage
import Testing

@Suite struct SQLTests {
    @Test func interpolatedValuesBecomeParameters() {
        let name = "Robert"
        let age = 42
        let sql: SQL = "SELECT * FROM t WHERE name = \(name) AND age > \(age)"
        #expect(sql.text == "SELECT * FROM t WHERE name = ? AND age > ?")
        #expect(sql.arguments == [.text("Robert"), .integer(42)])
        #expect(sql.description == sql.text)
    }

    @Test func injectionTextIsStoredVerbatimAndTheTableSurvives() throws {
        let database = try TestDatabase()
        let hostile = "'); DROP TABLE t; --"
        let stored = try database.queue.write { db in
            try db.execute(sql: "CREATE TABLE t(name TEXT)")
            try db.execute("INSERT INTO t(name) VALUES (\(hostile))")
            return try db.fetchAll(String.self, "SELECT name FROM t WHERE name = \(hostile) ORDER BY rowid")
        }
        #expect(stored == [hostile])
        let tables = try database.queue.read { db in
            try db.fetchAll(String.self, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name = 't'")
        }
        #expect(tables == ["t"])
    }

    @Test func quotedParameterIsALiteralQuestionMarkNotAValue() throws {
        // `'\(value)'` yields the text `'?'`, a string literal, so the argument has no parameter to bind to.
        let database = try TestDatabase()
        #expect(throws: StorageError.self) {
            try database.queue.read { db in try db.fetchAll("SELECT '\("x")'") }
        }
    }

    @Test func identifiersAreQuotedAndComeFromLiterals() {
        let table = SQLIdentifier("odd\"name")
        let sql: SQL = "SELECT * FROM \(table)"
        #expect(sql.text == #"SELECT * FROM "odd""name""#)
        #expect(sql.arguments.isEmpty)
    }

    @Test func identifierQuotingWorksInSQLite() throws {
        let database = try TestDatabase()
        let table = SQLIdentifier("select \"weird\" table")
        let count = try database.queue.write { db in
            try db.execute("CREATE TABLE \(table)(x)")
            try db.execute("INSERT INTO \(table)(x) VALUES (\(1))")
            return try db.fetchOne(Int.self, "SELECT count(*) FROM \(table)")
        }
        #expect(count == 1)
    }

    @Test func listsExpandToOneParameterPerElement() throws {
        let ids = [3, 1, 4]
        let sql: SQL = "SELECT * FROM t WHERE id IN (\(list: ids))"
        #expect(sql.text == "SELECT * FROM t WHERE id IN (?, ?, ?)")
        #expect(sql.arguments == [.integer(3), .integer(1), .integer(4)])
        let database = try TestDatabase()
        let found = try database.queue.write { db in
            try db.execute(sql: "CREATE TABLE t(id INTEGER)")
            for id in 1...5 { try db.execute("INSERT INTO t(id) VALUES (\(id))") }
            let none = try db.fetchAll(Int.self, "SELECT id FROM t WHERE id IN (\(list: [Int]()))")
            #expect(none.isEmpty)
            return try db.fetchAll(Int.self, "SELECT id FROM t WHERE id IN (\(list: ids)) ORDER BY id")
        }
        #expect(found == [1, 3, 4])
    }

    @Test func fragmentsComposeWithTheirArguments() {
        let conditions: [SQL] = ["age >= \(18)", "sex = \("F")"]
        let query: SQL = "SELECT count(*) FROM p WHERE \(conditions.joined(separator: " AND ")) LIMIT \(5)"
        #expect(query.text == "SELECT count(*) FROM p WHERE age >= ? AND sex = ? LIMIT ?")
        #expect(query.arguments == [.integer(18), .text("F"), .integer(5)])
        let sum: SQL = "SELECT \(1)" + " + \(2)"
        #expect(sum.text == "SELECT ? + ?")
        #expect(sum.arguments == [.integer(1), .integer(2)])
    }

    @Test func multipleStatementsConsumeArgumentsInOrder() throws {
        let database = try TestDatabase()
        let rows = try database.queue.write { db in
            try db.execute(sql: "CREATE TABLE t(a, b)")
            try db.execute("INSERT INTO t VALUES (\(1), \(2)); INSERT INTO t VALUES (\(3), \(4)); -- done")
            return try db.fetchAll("SELECT a, b FROM t ORDER BY a")
        }
        #expect(rows.map(\.values) == [[.integer(1), .integer(2)], [.integer(3), .integer(4)]])
    }
}
