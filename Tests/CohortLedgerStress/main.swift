// A test helper for the privacy ledger's process tests (CohortLedgerTests): opens a lake and spends its budget.
//
//   cohort-ledger-stress LAKE_SQLITE LIMIT COUNT SEED      runs COUNT operations (0: until killed), prints
//                                                          "granted refused" at the end
//
// Each operation is, at random, a cohort query through CohortRunner (reserve, query, noise, release) or a
// reservation that is then refunded. The "noise" adds a pseudo-random integer: the helper tests accounting, not
// privacy.
import Foundation
import Lake
import Storage

struct Jitter: CohortNoise {
    let mechanism = "testJitter"
    func privatize(_ values: [Int64], sensitivity: CohortSensitivity, rho: Rho) throws -> CohortNoisyVector {
        CohortNoisyVector(values: values.map { $0 + Int64.random(in: -3...3) }, scale: "1", interval95: 3)
    }
    func privacyLoss(rho: Rho) throws -> CohortPrivacyLoss { CohortPrivacyLoss(epsilon: "1", delta: "1e-9") }
}

let arguments = CommandLine.arguments
guard arguments.count == 5, let limit = Rho(arguments[2]), let count = Int(arguments[3]), let seed = UInt64(arguments[4])
else {
    FileHandle.standardError.write(Data("usage: cohort-ledger-stress LAKE_SQLITE LIMIT COUNT SEED\n".utf8))
    exit(2)
}
var configuration = DatabaseConfiguration()
configuration.busyTimeout = .seconds(60)
let queue = try DatabaseQueue(path: arguments[1], configuration: configuration)
let cost = Rho(numerator: 1, denominator: 7) ?? .zero
let policy = PrivacyPolicy(defaultRho: cost, defaultBudgetRho: limit)
let runner = CohortRunner(queue: queue, lake: "stress", policy: policy, noise: Jitter())
var generator = SystemRandomNumberGenerator()
if count == 0 {
    // Tell the killing parent that the lake is open: kills from now on land inside ledger work.
    FileHandle.standardOutput.write(Data("ready\n".utf8))
}
var granted = 0
var refused = 0
var done = 0
_ = seed
while count == 0 || done < count {
    done += 1
    do {
        if Int.random(in: 0..<10, using: &generator) < 7 {
            let a = Int.random(in: 0...90, using: &generator), b = Int.random(in: 0...90, using: &generator)
            let json = #"{"version":1,"criteria":{"field":"ageAtStudy","op":"between","value":["# + "\(min(a, b)),\(max(a, b))"
                + #"]},"statistic":{"kind":"count"}}"#
            let outcome = try runner.run(try CohortQuery(json: Data(json.utf8)), project: "p", requester: "r")
            if !outcome.isRepeat { granted += 1 }
        } else {
            let hash = String(repeating: "f", count: 64)
            switch try runner.ledger.reserve(project: "p", requester: "r", limit: limit, queryHash: hash, rho: cost) {
            case .reserved(let reservation):
                granted += 1
                try runner.ledger.refund(reservation, reason: "stress: refund")
            case .repeated: break
            }
        }
    } catch {
        guard error.code == .budgetExhausted else { throw error }
        refused += 1
    }
}
print("\(granted) \(refused)")
