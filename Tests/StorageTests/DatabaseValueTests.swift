import Foundation
import Storage
import Testing

@Suite struct DatabaseValueTests {
    /// Stores `value` in an untyped column and reads it back through the same type.
    private func roundTrip<T: DatabaseValueConvertible & Equatable>(_ value: T) throws -> T {
        let database = try TestDatabase()
        return try database.queue.write { db in
            try db.execute(sql: "CREATE TABLE t(v)")
            try db.execute("INSERT INTO t(v) VALUES (\(value))")
            let row = try #require(try db.fetchOne("SELECT v FROM t"))
            return try row["v"] as T
        }
    }

    @Test func integersRoundTripIncludingExtremes() throws {
        for value in [Int64.min, -1, 0, 1, Int64.max] { #expect(try roundTrip(value) == value) }
        for value in [Int.min, 0, Int.max] { #expect(try roundTrip(value) == value) }
        for value in [Int32.min, Int32.max] { #expect(try roundTrip(value) == value) }
    }

    @Test func doublesRoundTripBitExactly() throws {
        for value in [0.0, -0.0, 1.5, Double.pi, -1e300, Double.leastNonzeroMagnitude, .infinity] {
            #expect(try roundTrip(value).bitPattern == value.bitPattern)
        }
    }

    @Test func boolsRoundTrip() throws {
        #expect(try roundTrip(true) == true)
        #expect(try roundTrip(false) == false)
    }

    @Test func unicodeTextWithNULRoundTrips() throws {
        let text = "Zoë \u{0}middle\u{0} 患者 🏥 \u{10FFFF}"
        #expect(try roundTrip(text) == text)
        #expect(try roundTrip("") == "")
    }

    @Test func emptyBlobStaysABlobNotNull() throws {
        let database = try TestDatabase()
        try database.queue.write { db in
            try db.execute(sql: "CREATE TABLE t(v)")
            try db.execute("INSERT INTO t(v) VALUES (\([UInt8]()))")
            #expect(try db.fetchOne(String.self, "SELECT typeof(v) FROM t") == "blob")
            #expect(try db.fetchOne([UInt8].self, "SELECT v FROM t") == [])
        }
    }

    @Test func emptyTextStaysTextNotNull() throws {
        let database = try TestDatabase()
        try database.queue.write { db in
            try db.execute(sql: "CREATE TABLE t(v)")
            try db.execute("INSERT INTO t(v) VALUES (\(""))")
            #expect(try db.fetchOne(String.self, "SELECT typeof(v) FROM t") == "text")
        }
    }

    @Test func largeBlobRoundTrips() throws {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<(4 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        #expect(try roundTrip(bytes) == bytes)
        #expect(try roundTrip(Data(bytes)) == Data(bytes))
    }

    @Test func uuidRoundTripsAsSixteenByteBlob() throws {
        let uuid = UUID()
        #expect(try roundTrip(uuid) == uuid)
        let database = try TestDatabase()
        try database.queue.write { db throws in
            #expect(try db.fetchOne(Int.self, "SELECT length(\(uuid))") == 16)
            #expect(try db.fetchOne(UUID.self, "SELECT \(uuid.uuidString)") == uuid)
        }
    }

    @Test func nullRoundTripsThroughOptionals() throws {
        let database = try TestDatabase()
        try database.queue.write { db in
            try db.execute(sql: "CREATE TABLE t(a, b, c, d, e)")
            let none: String? = nil
            let noBytes: [UInt8]? = nil
            try db.execute("INSERT INTO t VALUES (\(none), \(noBytes), \(Int64?.none), \(DatabaseValue.null), \(Double?.none))")
            let row = try #require(try db.fetchOne("SELECT * FROM t"))
            #expect(row.values == [.null, .null, .null, .null, .null])
            #expect(try row["a"] as String? == nil)
            #expect(try row["c"] as Int64? == nil)
            #expect(try row[4] as Double? == nil)
            #expect(try row["b"] as DatabaseValue == .null)
        }
    }

    @Test func optionalsWithValuesRoundTrip() throws {
        #expect(try roundTrip(Optional(42)) == 42)
        #expect(try roundTrip(Optional("x")) == "x")
    }

    @Test func storageClassesAreTheSQLiteOnes() throws {
        let database = try TestDatabase()
        let types = try database.queue.read { db in
            let row = try #require(try db.fetchOne("SELECT \(1), \(1.5), \("a"), \([UInt8]([1])), \(Int?.none)"))
            return row.values.map(\.storageClass)
        }
        #expect(types == ["INTEGER", "REAL", "TEXT", "BLOB", "NULL"])
    }
}
