import Foundation
public import Storage

/// The zCDP budget ledger kept in the lake (migration `v2-privacy-ledger`): one *filter* per (lake, project,
/// requester) with an exact limit and spent ρ, and an audit trail of reservations, releases, refunds and repeats.
///
/// The protocol, and why it cannot overspend:
/// 1. ``reserve(project:requester:limit:queryHash:rho:)`` runs in one `BEGIN IMMEDIATE` transaction (SQLite's
///    write lock serializes it against every other thread and process) with `synchronous = FULL`: it reads the
///    filter, refuses when `spent + ρ > limit`, else adds ρ to `spent` and records the reservation — durably,
///    before the query runs. A crash after this point leaves the budget spent: nothing ever un-spends it.
/// 2. The query runs in a read transaction and draws its noise.
/// 3. ``complete(_:release:)`` stores the release and marks the reservation released; when the query failed
///    before anything was drawn or shown, ``refund(_:reason:)`` gives ρ back and records why.
///
/// **Lake snapshot.** `lake_snapshot.counter` is bumped by triggers on every insert, update and delete of
/// `patients`, `studies`, `series`, `instances` and `documents`, inside the writer's transaction. A release is
/// stored under (query hash, snapshot): the same query on an unchanged lake returns the stored release and
/// spends nothing (it reveals nothing new); after any change to the lake the query is answered — and charged —
/// afresh. Limits come from the node's policy; a changed limit is applied and recorded in
/// `privacy_limit_changes`, and `spent` is never reset.
public struct PrivacyLedger: Sendable {
    /// The lake's database.
    public let queue: DatabaseQueue
    /// The name of the lake in the filters' key.
    public let lake: String

    /// A ledger over a migrated lake.
    public init(queue: DatabaseQueue, lake: String) {
        self.queue = queue
        self.lake = lake
    }

    /// A reservation that holds ρ until it is completed or refunded.
    public struct Reservation: Sendable, Hashable {
        /// The reservation's row.
        public var id: Int64
        /// The filter charged.
        public var filterID: Int64
        /// The ρ reserved.
        public var rho: Rho
        /// The query hash.
        public var queryHash: String
        /// The budget right after reserving.
        public var budget: PrivacyBudget
    }

    /// What ``reserve(project:requester:limit:queryHash:rho:)`` found.
    public enum ReserveOutcome: Sendable {
        /// ρ is reserved: run the query.
        case reserved(Reservation)
        /// The same query on the same snapshot was answered before: its release, at no cost.
        case repeated(CohortRelease, PrivacyBudget)
    }

    /// The budget of a filter (zero spent when it does not exist yet).
    ///
    /// - Throws: ``CohortError`` when the ledger cannot be read.
    public func budget(project: String, requester: String, limit: Rho) throws(CohortError) -> PrivacyBudget {
        try perform { () throws -> PrivacyBudget in
            try queue.read { db in
                guard let row = try db.fetchOne(
                    "SELECT spent_rho FROM privacy_filters WHERE lake = \(lake) AND project = \(project) AND requester = \(requester)")
                else { return PrivacyBudget(project: project, requester: requester, limit: limit, spent: .zero) }
                return PrivacyBudget(project: project, requester: requester, limit: limit, spent: try Self.amount(row[0]))
            }
        }
    }

    /// The current lake snapshot.
    ///
    /// - Throws: ``CohortError`` when the lake lacks migration `v2-privacy-ledger`.
    public func snapshot() throws(CohortError) -> Int64 {
        try perform { () throws -> Int64 in try queue.read { db in try Self.snapshot(db) } }
    }

    static func snapshot(_ db: Database) throws -> Int64 {
        guard let counter = try db.fetchOne(Int64.self, "SELECT counter FROM lake_snapshot WHERE id = 1") else {
            throw CohortError(.ledger, message: "the lake has no snapshot row; run migration v2-privacy-ledger")
        }
        return counter
    }

    /// The stored release of `queryHash` on the current snapshot, if any (read-only; for dry runs).
    ///
    /// - Throws: ``CohortError`` when the ledger cannot be read.
    public func storedRelease(queryHash: String) throws(CohortError) -> CohortRelease? {
        try perform { () throws -> CohortRelease? in
            try queue.read { db in try Self.stored(db, queryHash: queryHash, snapshot: try Self.snapshot(db))?.release }
        }
    }

    /// Reserves `rho` on the filter of (`project`, `requester`), atomically and durably, or finds the stored
    /// release of the same query on the current snapshot.
    ///
    /// - Parameters:
    ///   - limit: the filter's limit from the policy (applied, and recorded when it changed).
    ///   - queryHash: ``CohortQuery/identity(rho:)``.
    ///   - rho: the cost, positive.
    /// - Returns: the reservation, or the stored release (nothing spent).
    /// - Throws: ``CohortError`` ``CohortError/Code/budgetExhausted`` with what is left when `spent + rho > limit`;
    ///   ``CohortError/Code/ledger`` for a non-positive cost or a ledger failure.
    public func reserve(project: String, requester: String, limit: Rho, queryHash: String, rho: Rho)
        throws(CohortError) -> ReserveOutcome
    {
        guard rho.isPositive else { throw CohortError(.ledger, message: "a cost must be positive") }
        return try perform { () throws -> ReserveOutcome in
            try queue.write { db in
                let (filterID, spent) = try filter(db, project: project, requester: requester, limit: limit)
                if let stored = try Self.stored(db, queryHash: queryHash, snapshot: try Self.snapshot(db)) {
                    try db.execute(
                        """
                        INSERT INTO privacy_repeats(release_id, filter_id, served_at)
                        VALUES (\(stored.id), \(filterID), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                        """)
                    return .repeated(
                        stored.release, PrivacyBudget(project: project, requester: requester, limit: limit, spent: spent))
                }
                guard let newSpent = spent.adding(rho) else {
                    throw CohortError(
                        .ledger,
                        message: "the exact sum of the spent ρ and this cost needs more than 64-bit parts; "
                            + "refused (use costs with a common denominator, such as k/1000)")
                }
                guard newSpent <= limit else {
                    let left = limit.subtracting(spent) ?? .zero
                    throw CohortError(
                        .budgetExhausted,
                        message: "the privacy budget of project \(quote(project)) for \(quote(requester)) cannot pay ρ = \(rho) "
                            + "(limit \(limit), spent \(spent), left \(left))",
                        remaining: left.description)
                }
                try db.execute(
                    """
                    UPDATE privacy_filters SET spent_rho = \(newSpent.description),
                        updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = \(filterID)
                    """)
                try db.execute(
                    """
                    INSERT INTO privacy_reservations(filter_id, query_hash, rho, reserved_at)
                    VALUES (\(filterID), \(queryHash), \(rho.description), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                    """)
                return .reserved(
                    Reservation(
                        id: db.lastInsertedRowID, filterID: filterID, rho: rho, queryHash: queryHash,
                        budget: PrivacyBudget(project: project, requester: requester, limit: limit, spent: newSpent)))
            }
        }
    }

    /// Stores the release of a reservation. When an identical query on the same snapshot was released first (two
    /// ran at once), this reservation is refunded — its values are discarded unseen — and the first release returned.
    ///
    /// - Returns: the release the requester gets.
    /// - Throws: ``CohortError`` when the ledger cannot be written (the budget stays spent).
    public func complete(_ reservation: Reservation, release: CohortRelease) throws(CohortError) -> CohortRelease {
        let json: String
        do {
            json = String(decoding: try Self.encoder.encode(release), as: UTF8.self)
        } catch {
            throw CohortError(.ledger, message: "cannot encode the release")
        }
        return try perform { () throws -> CohortRelease in
            try queue.write { db in
                if let stored = try Self.stored(db, queryHash: release.queryHash, snapshot: release.lakeSnapshot) {
                    try refund(db, reservation, reason: "an identical query on the same snapshot was released first")
                    return stored.release
                }
                let sensitivity = release.parts.map { "\($0.name): L1 \($0.sensitivity.l1), L2² \($0.sensitivity.l2Squared)" }
                    .joined(separator: "; ")
                let scale = release.parts.map { "\($0.name): \($0.scale)" }.joined(separator: "; ")
                try db.execute(
                    """
                    INSERT INTO privacy_releases(reservation_id, filter_id, query_hash, lake_snapshot, query_json,
                        statistic, mechanism, scale, sensitivity, rho, epsilon, delta, release_json, released_at)
                    VALUES (\(reservation.id), \(reservation.filterID), \(release.queryHash), \(release.lakeSnapshot),
                        \(release.query), \(release.statistic), \(release.mechanism), \(scale), \(sensitivity),
                        \(release.rho), \(release.epsilon), \(release.delta), \(json), \(release.releasedAt))
                    """)
                try db.execute(
                    """
                    UPDATE privacy_reservations SET state = 'released', settled_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                    WHERE id = \(reservation.id) AND state = 'reserved'
                    """)
                guard db.changes == 1 else {
                    throw CohortError(.ledger, message: "reservation \(reservation.id) is not open")
                }
                return release
            }
        }
    }

    /// Gives back the ρ of a reservation whose query failed before any noisy value was drawn or shown, and
    /// records why in `privacy_refunds`.
    ///
    /// - Throws: ``CohortError`` when the reservation is not open or the ledger cannot be written.
    public func refund(_ reservation: Reservation, reason: String) throws(CohortError) {
        try perform { () throws in try queue.write { db in try refund(db, reservation, reason: reason) } }
    }

    private func refund(_ db: Database, _ reservation: Reservation, reason: String) throws {
        try db.execute(
            """
            UPDATE privacy_reservations SET state = 'refunded', settled_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
            WHERE id = \(reservation.id) AND state = 'reserved'
            """)
        guard db.changes == 1 else { throw CohortError(.ledger, message: "reservation \(reservation.id) is not open") }
        guard let row = try db.fetchOne("SELECT spent_rho FROM privacy_filters WHERE id = \(reservation.filterID)"),
            let spent = try Self.amount(row[0]).subtracting(reservation.rho)
        else { throw CohortError(.ledger, message: "filter \(reservation.filterID) spent less than it reserved") }
        try db.execute(
            """
            UPDATE privacy_filters SET spent_rho = \(spent.description),
                updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = \(reservation.filterID)
            """)
        try db.execute(
            """
            INSERT INTO privacy_refunds(reservation_id, rho, reason, refunded_at)
            VALUES (\(reservation.id), \(reservation.rho.description), \(reason), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            """)
    }

    /// The filter's id and spent ρ, creating it or applying a changed limit (recorded).
    private func filter(_ db: Database, project: String, requester: String, limit: Rho) throws -> (Int64, Rho) {
        if let row = try db.fetchOne(
            "SELECT id, limit_rho, spent_rho FROM privacy_filters WHERE lake = \(lake) AND project = \(project) AND requester = \(requester)")
        {
            let id: Int64 = try row[0]
            let oldLimit = try Self.amount(row[1])
            if oldLimit != limit {
                try db.execute(
                    """
                    INSERT INTO privacy_limit_changes(filter_id, old_limit_rho, new_limit_rho, changed_at)
                    VALUES (\(id), \(oldLimit.description), \(limit.description), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                    """)
                try db.execute("UPDATE privacy_filters SET limit_rho = \(limit.description) WHERE id = \(id)")
            }
            return (id, try Self.amount(row[2]))
        }
        try db.execute(
            """
            INSERT INTO privacy_filters(lake, project, requester, limit_rho, spent_rho, created_at, updated_at)
            VALUES (\(lake), \(project), \(requester), \(limit.description), '0',
                strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            """)
        return (db.lastInsertedRowID, .zero)
    }

    private static func stored(_ db: Database, queryHash: String, snapshot: Int64) throws -> (id: Int64, release: CohortRelease)? {
        guard let row = try db.fetchOne(
            "SELECT id, release_json FROM privacy_releases WHERE query_hash = \(queryHash) AND lake_snapshot = \(snapshot)")
        else { return nil }
        let json: String = try row[1]
        do {
            return (try row[0], try JSONDecoder().decode(CohortRelease.self, from: Data(json.utf8)))
        } catch {
            throw CohortError(.ledger, message: "stored release \(try row[0] as Int64) cannot be read")
        }
    }

    static func amount(_ value: DatabaseValue) throws -> Rho {
        guard case .text(let text) = value, let amount = Rho(text) else {
            throw CohortError(.ledger, message: "the ledger holds an amount that is not an exact rational")
        }
        return amount
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    private func perform<T>(_ body: () throws -> T) throws(CohortError) -> T {
        do {
            return try body()
        } catch let error as CohortError {
            throw error
        } catch {
            throw CohortError(.ledger, message: "the privacy ledger failed: \(error)")
        }
    }
}

/// A filter's budget: its limit, what is spent and what is left, exact.
public struct PrivacyBudget: Sendable, Hashable {
    /// The project.
    public var project: String
    /// The requester.
    public var requester: String
    /// The limit.
    public var limit: Rho
    /// What is spent (reservations not refunded).
    public var spent: Rho

    /// A budget from its parts.
    public init(project: String, requester: String, limit: Rho, spent: Rho) {
        self.project = project
        self.requester = requester
        self.limit = limit
        self.spent = spent
    }

    /// What is left (zero when a lowered limit is below what was spent).
    public var remaining: Rho { limit.subtracting(spent) ?? .zero }
}
