public import Storage

extension CohortQuery {
    /// The exact values of every vector the query's statistic releases, **without noise**: for tests and
    /// benchmarks only, behind the `CohortTesting` SPI. Nothing in the node calls it; releases go through
    /// ``CohortRunner``, which adds noise.
    ///
    /// - Parameter db: a connection to a migrated lake (inside a read transaction for one snapshot).
    /// - Returns: one array per released vector (count; histogram cells; sum and value count for a mean).
    /// - Throws: ``StorageError`` from SQLite.
    @_spi(CohortTesting)
    public func noiselessValues(in db: Database) throws -> [[Int64]] {
        try CohortEvaluator.measurements(self, in: db).map(\.values)
    }
}
