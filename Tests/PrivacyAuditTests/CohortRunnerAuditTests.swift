import Foundation
import Privacy
import Storage
import Synchronization
import Testing

@_spi(CohortTesting) @testable import Lake

extension DiscreteGaussianCohortNoise {
    /// The node's mechanism (what `fedlake query local` uses) over a seeded stream, so audits are reproducible.
    static func seeded(_ seed: UInt64) -> DiscreteGaussianCohortNoise {
        DiscreteGaussianCohortNoise(releaser: Releaser.seeded(seed))
    }
}

/// A synthetic lake in a temporary directory, removed on deinit.
final class AuditLake {
    let directory: URL
    let queue: DatabaseQueue

    /// The lake of `SyntheticLake(seed:patients:instances:)`, plus one more patient (with studies) when
    /// `extraPatient`: two such lakes are neighbours.
    init(patients: Int, extraPatient: Bool) throws {
        directory = FileManager.default.temporaryDirectory.appending(path: "privacy-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = DatabaseConfiguration()
        configuration.synchronous = .normal  // a scratch lake: durability across power loss is not under test
        queue = try DatabaseQueue(path: directory.appending(path: "lake.sqlite").path, configuration: configuration)
        try LakeSchema.migrator.migrate(queue)
        _ = try SyntheticLake(seed: 20_261_204, patients: patients, instances: patients * 4).fill(queue)
        if extraPatient { _ = try SyntheticLake(seed: 7, patients: 1, instances: 4).fill(queue) }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// The exact count of `query` (the noiseless path).
    func exactCount(_ query: CohortQuery) throws -> Int64 {
        let measurements = try queue.read { db in try CohortEvaluator.measurements(query, in: db) }
        return measurements.first?.values.first ?? -1
    }

    /// Moves the lake's snapshot on, as an ingest would, so that the next run of a query is a fresh release (a
    /// repeat on the same snapshot returns the stored release at no cost, which is the ledger's design).
    func advanceSnapshot() throws {
        try queue.write { db in try db.execute(sql: "UPDATE lake_snapshot SET counter = counter + 1 WHERE id = 1") }
    }
}

/// End to end: a count through ``CohortRunner`` (compile, reserve ρ in the SQLite ledger, evaluate, noise through
/// ``DiscreteGaussianCohortNoise``, store) on two neighbouring lakes, audited like the releaser itself, and the ledger's
/// books checked against the releases it let out.
@Suite struct CohortRunnerAuditTests {
    let profile = AuditProfile.current
    static let countAll = #"{"version":1,"statistic":{"kind":"count"},"rho":"1/2"}"#

    @Test func countThroughTheCohortRunner() throws {
        let query = try CohortQuery(json: Data(Self.countAll.utf8))
        let claim = PrivacyClaim.zCDP(rho: 0.5)
        var verdicts: [HockeyStickVerdict] = []
        var rejections = 0
        for seed in profile.cleanSeeds.prefix(profile.endToEndRuns) {
            let d = try AuditLake(patients: 30, extraPatient: false)
            let dPrime = try AuditLake(patients: 30, extraPatient: true)
            let truth = try d.exactCount(query)
            try #require(try dPrime.exactCount(query) == truth + 1, "the lakes must differ by one counted patient")
            let policy = PrivacyPolicy(
                defaultRho: try #require(Rho("1/2")), defaultBudgetRho: try #require(Rho("1000000")))
            let noise = DiscreteGaussianCohortNoise.seeded(seed)
            let runners = [d, dPrime].map { CohortRunner(queue: $0.queue, lake: "audit", policy: policy, noise: noise) }
            var released = [0, 0]
            func sample(_ side: Int) throws -> Int {
                try [d, dPrime][side].advanceSnapshot()
                let outcome = try runners[side].run(query, project: "audit", requester: "auditor")
                guard !outcome.isRepeat, outcome.release.rho == "1/2",
                    let value = outcome.release.parts.first?.values.first
                else { throw AuditFailure("the runner returned a repeat or an unexpected release") }
                released[side] += 1
                return Int(value)
            }
            var noiseFromD: [Int] = []
            let auditor = HockeyStickAuditor(
                claim: claim, selectionSamples: profile.endToEndSelectionSamples,
                evaluationSamples: profile.endToEndEvaluationSamples)
            let verdict = try auditor.audit(
                sampleD: {
                    let value = try sample(0)
                    noiseFromD.append(value - Int(truth))
                    return value
                },
                sampleDPrime: { try sample(1) }, candidates: AuditEvents.integerPoints)
            let distribution = DistributionDistinguisher.test(
                samples: noiseFromD, pmf: DistributionDistinguisher.discreteGaussianPMF(sigmaSquared: 1))
            AuditLog.record("clean count through CohortRunner, seed \(CleanAudit.hex(seed))", verdict)
            AuditLog.record("clean count through CohortRunner, seed \(CleanAudit.hex(seed)), noise", distribution)
            #expect(!verdict.violated, "\(verdict)")
            #expect(!distribution.rejected, "\(distribution)")
            verdicts.append(verdict)
            if distribution.rejected { rejections += 1 }
            // The books: every release let out was charged its ρ, exactly, in the ledger.
            for side in 0..<2 {
                let budget = try runners[side].ledger.budget(
                    project: "audit", requester: "auditor", limit: policy.limit(project: "audit", requester: "auditor"))
                #expect(budget.spent == Rho(numerator: UInt64(released[side]), denominator: 2))
            }
        }
        AuditLog.summary(
            "count through CohortRunner, discrete Gaussian", claim: claim, verdicts: verdicts,
            rejections: rejections)
    }

    /// Black-box accounting of the real ledger: the repeated-query attacker asks fresh counts of ρ = 1/4 against
    /// a limit of 1/2; exactly two are answered, the rest refused as exhausted, and the ρ stated by the releases
    /// let out equals what the ledger recorded and stays within the limit.
    @Test func theLedgerChargesEveryRelease() throws {
        let lake = try AuditLake(patients: 30, extraPatient: false)
        let query = try CohortQuery(json: Data(#"{"version":1,"statistic":{"kind":"count"},"rho":"1/4"}"#.utf8))
        let limit = try #require(Rho("1/2"))
        let policy = PrivacyPolicy(defaultRho: limit, defaultBudgetRho: limit)
        let runner = CohortRunner(
            queue: lake.queue, lake: "audit", policy: policy, noise: DiscreteGaussianCohortNoise.seeded(0xD3))
        var releasedRho = Rho.zero
        var answered = 0
        var refused = 0
        for _ in 0..<8 {
            try lake.advanceSnapshot()
            do {
                let outcome = try runner.run(query, project: "audit", requester: "attacker")
                #expect(!outcome.isRepeat)
                let stated = try #require(Rho(outcome.release.rho))
                releasedRho = try #require(releasedRho.adding(stated))
                answered += 1
            } catch let error as CohortError where error.code == .budgetExhausted {
                refused += 1
            }
        }
        let budget = try runner.ledger.budget(project: "audit", requester: "attacker", limit: limit)
        AuditLog.record(
            "ledger books, 8 fresh counts of ρ = 1/4, limit 1/2",
            "answered \(answered), refused \(refused), released ρ = \(releasedRho), recorded spent = \(budget.spent)")
        #expect(answered == 2)
        #expect(refused == 6)
        #expect(releasedRho == budget.spent)
        #expect(releasedRho <= limit)
    }
}

/// A failure of the audit's own plumbing (not a verdict).
struct AuditFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
