import Foundation

/// Prints each verdict on one line starting with "audit:", and one "audit-summary:" table row per audited
/// mechanism, so `make audit-privacy-full` can collect the results.
enum AuditLog {
    static func record(_ label: String, _ verdict: some CustomStringConvertible) {
        print("audit: \(label): \(verdict)")
    }

    /// A Markdown table row: mechanism | claim | largest lower bound on ε over the runs, with the δ it holds at and
    /// the ε the claim allows there | alarms / runs | noise χ² rejections / runs.
    static func summary(_ label: String, claim: PrivacyClaim, verdicts: [HockeyStickVerdict], rejections: Int) {
        guard let worst = verdicts.max(by: { $0.epsilonLowerBound < $1.epsilonLowerBound }) else { return }
        let f = { (x: Double) in String(format: "%.3g", x) }
        let alarms = verdicts.filter(\.violated).count
        let bound =
            switch claim {
            case .pure(let epsilon): "\(f(worst.epsilonLowerBound)) (claim ε = \(f(epsilon)))"
            case .zCDP:
                "\(f(worst.epsilonLowerBound)) at δ = \(f(worst.claimedDelta)) (claim ε = \(f(worst.epsilon)) there)"
            }
        let verdict = alarms == 0 && rejections == 0 ? "pass" : "FLAGGED"
        print(
            "audit-summary: | \(label) | \(claim) | \(bound) | \(alarms)/\(verdicts.count) | "
                + "\(rejections)/\(verdicts.count) | \(verdict) |")
    }
}
