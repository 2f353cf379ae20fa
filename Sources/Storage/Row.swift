/// One fetched row: column names and values, copied out of SQLite, so it is a `Sendable` value that may
/// leave the database queue.
///
/// Read columns by index or by name, as any ``DatabaseValueConvertible`` type; ask for an `Optional` to
/// accept `NULL`:
///
/// ```swift
/// let row = try db.fetchOne("SELECT id, size, note FROM objects WHERE id = \(id)")
/// let size: Int64 = try row?["size"] ?? 0
/// let note: String? = try row?[2] ?? nil
/// ```
public struct Row: Sendable, Hashable {
    /// The result column names, in order (the `AS` name when the query gives one).
    public let columnNames: [String]
    /// The values, in column order.
    public let values: [DatabaseValue]

    /// A row with the given names and values (of equal count).
    public init(columnNames: [String], values: [DatabaseValue]) {
        precondition(columnNames.count == values.count, "a row has one name per value")
        self.columnNames = columnNames
        self.values = values
    }

    /// The number of columns.
    public var count: Int { values.count }

    /// The index of the first column named `name`: exact match first, then ASCII case-insensitive, as
    /// SQLite compares identifiers.
    public func index(ofColumn name: String) -> Int? {
        if let index = columnNames.firstIndex(of: name) { return index }
        let lowered = name.lowercased()
        return columnNames.firstIndex { $0.lowercased() == lowered }
    }

    /// The value of column `index`, decoded as `T`.
    ///
    /// - Throws: ``StorageError`` ``StorageError/Code/columnNotFound`` when the index is out of range,
    ///   ``StorageError/Code/typeMismatch`` when the value is `NULL` (and `T` is not optional) or of a
    ///   storage class `T` cannot represent. The error names the column and the storage class, not the value.
    public subscript<T: DatabaseValueConvertible>(_ index: Int) -> T {
        get throws(StorageError) {
            guard values.indices.contains(index) else {
                throw StorageError(.columnNotFound, message: "the row has no column at index \(index) (it has \(count))")
            }
            return try decode(values[index], column: "\(index) (\(columnNames[index]))")
        }
    }

    /// The value of the column named `name`, decoded as `T`.
    ///
    /// - Throws: ``StorageError`` ``StorageError/Code/columnNotFound`` when no column has that name,
    ///   ``StorageError/Code/typeMismatch`` as for the index subscript.
    public subscript<T: DatabaseValueConvertible>(_ name: String) -> T {
        get throws(StorageError) {
            guard let index = index(ofColumn: name) else {
                throw StorageError(
                    .columnNotFound,
                    message: "the row has no column named \(name) (columns: \(columnNames.joined(separator: ", ")))")
            }
            return try decode(values[index], column: name)
        }
    }

    private func decode<T: DatabaseValueConvertible>(_ value: DatabaseValue, column: String) throws(StorageError) -> T {
        guard let decoded = T.fromDatabaseValue(value) else {
            throw StorageError(
                .typeMismatch,
                message: "column \(column) holds \(value.storageClass), which cannot be read as \(T.self)")
        }
        return decoded
    }
}
