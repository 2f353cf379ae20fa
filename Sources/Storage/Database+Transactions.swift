/// How a transaction takes its locks.
///
/// Related SQLite documentation: https://www.sqlite.org/lang_transaction.html
public enum TransactionKind: Sendable, Hashable {
    /// `BEGIN DEFERRED`: no lock until the first read or write. A deferred transaction that reads and then
    /// writes may fail with `SQLITE_BUSY` without waiting, if another connection wrote in between; use it
    /// for reads.
    case deferred
    /// `BEGIN IMMEDIATE`: takes the write lock at once (waiting up to the busy timeout), so the transaction
    /// cannot fail later for lack of it. Writers across threads and processes are serialized here: what
    /// the transaction reads stays valid until it commits (check-then-spend on a budget is atomic).
    case immediate
    /// `BEGIN EXCLUSIVE`: like ``immediate`` (in WAL mode the two are the same).
    case exclusive
}

extension Database {
    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
    ///
    /// When a transaction is already open, `body` runs in a savepoint instead (``inSavepoint(_:)``), so
    /// nested calls compose; `kind` then has no effect, the outer transaction's locks apply.
    ///
    /// ```swift
    /// try db.inTransaction(.immediate) {
    ///     try db.execute("INSERT INTO objects(id) VALUES (\(id))")
    ///     try db.execute("UPDATE cursors SET position = \(position) WHERE source = \(source)")
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - kind: how to take locks; ``TransactionKind/immediate`` by default.
    ///   - body: the work; its result is returned after the commit.
    /// - Returns: what `body` returned.
    /// - Throws: what `body` threw (after rolling back), or a ``StorageError`` from BEGIN or COMMIT
    ///   (after rolling back, so the connection is never left inside a transaction).
    public func inTransaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        if isInsideTransaction { return try inSavepoint(body) }
        switch kind {
        case .deferred: try execute(sql: "BEGIN DEFERRED TRANSACTION")
        case .immediate: try execute(sql: "BEGIN IMMEDIATE TRANSACTION")
        case .exclusive: try execute(sql: "BEGIN EXCLUSIVE TRANSACTION")
        }
        let result: T
        do {
            result = try body()
            try execute(sql: "COMMIT TRANSACTION")
        } catch {
            rollbackIfNeeded()
            throw error
        }
        return result
    }

    /// Runs `body` inside a savepoint: releases it when `body` returns, rolls back to it when `body` throws,
    /// leaving the enclosing transaction open. Outside a transaction the savepoint opens a deferred one.
    ///
    /// Related SQLite documentation: https://www.sqlite.org/lang_savepoint.html
    ///
    /// - Returns: what `body` returned.
    /// - Throws: what `body` threw (after rolling back to the savepoint), or a ``StorageError``.
    public func inSavepoint<T>(_ body: () throws -> T) throws -> T {
        let wasInsideTransaction = isInsideTransaction
        try execute(sql: "SAVEPOINT fedlake_savepoint")
        let result: T
        do {
            result = try body()
            try execute(sql: "RELEASE SAVEPOINT fedlake_savepoint")
        } catch {
            if !wasInsideTransaction {
                rollbackIfNeeded()
            } else if isInsideTransaction {
                // ROLLBACK TO leaves the savepoint on the stack; RELEASE pops it.
                try? execute(sql: "ROLLBACK TRANSACTION TO SAVEPOINT fedlake_savepoint")
                try? execute(sql: "RELEASE SAVEPOINT fedlake_savepoint")
            }
            throw error
        }
        return result
    }

    /// Rolls back the open transaction, if SQLite has not already done so ("If certain kinds of errors occur
    /// within a transaction, the transaction may or may not be rolled back automatically",
    /// https://www.sqlite.org/lang_transaction.html#response_to_errors_within_a_transaction).
    func rollbackIfNeeded() {
        guard isInsideTransaction else { return }
        // A ROLLBACK that fails leaves nothing better to do; the caller is already reporting an error.
        try? execute(sql: "ROLLBACK TRANSACTION")
    }
}
