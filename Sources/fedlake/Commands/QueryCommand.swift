import Foundation
import Lake
import Node
import Storage

extension Query {
    /// `fedlake query local`: answers a cohort query against the node's own lake with differential privacy.
    struct Local: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Answer a cohort query against the local lake.",
            discussion: """
                Reads COHORT.json (the cohort language of cohorts/README.md), reserves its privacy cost ρ
                (zCDP) in the lake's ledger for the project and requester, computes it, adds discrete Gaussian
                noise and prints the release: values with 95% intervals, mechanism, noise scale, sensitivity,
                ρ spent and remaining, and (ε, δ). Counts whose noisy value is below the node's minimumCount
                are shown as "< N". The same query on an unchanged lake returns the stored release at no cost.
                --dry-run prints the cost and the budget without spending. Exit 3 when the budget cannot pay.
                """,
            arguments: [
                .config,
                .positional("COHORT.json", help: "The cohort query."),
                .option("requester", valueName: "name", help: "Whose budget pays.", default: "local"),
                .option("project", valueName: "name", help: "The project the budget belongs to.", default: "default"),
                .flag("dry-run", help: "Print the cost and the budget; spend nothing."),
                .json,
            ])

        var config: URL
        var cohort: URL
        var requester: String
        var project: String
        var dryRun: Bool
        var json: Bool

        init(arguments: ParsedArguments) throws {
            config = URL(fileURLWithPath: try arguments.required("config"))
            cohort = URL(fileURLWithPath: arguments.positional("COHORT.json") ?? "")
            requester = arguments.option("requester") ?? "local"
            project = arguments.option("project") ?? "default"
            dryRun = arguments.flag("dry-run")
            json = arguments.flag("json")
        }

        func validate() throws {
            for (name, value) in [("--requester", requester), ("--project", project)] {
                guard !value.isEmpty, value.count <= 100, !value.unicodeScalars.contains(where: { $0.value < 0x20 })
                else { throw CommandLineError.usage("\(name) must be 1 to 100 printable characters") }
            }
        }

        mutating func run() async throws {
            let configuration = try NodeConfiguration.load(contentsOf: config)
            let policy = try configuration.privacyPolicy()
            let text: Data
            do { text = try Data(contentsOf: cohort) } catch {
                throw CommandLineError.usage("cannot read the cohort file \(cohort.path)")
            }
            let query: CohortQuery
            do { query = try CohortQuery(json: text) } catch {
                throw QueryConfigurationError("\(cohort.lastPathComponent): \(error)")
            }
            let database = configuration.lake.appending(path: "lake.sqlite")
            guard FileManager.default.fileExists(atPath: database.path) else {
                throw QueryConfigurationError("no lake at \(configuration.lake.path); run 'fedlake node init' first")
            }
            let queue = try DatabaseQueue(path: database.path)
            try LakeSchema.migrator.migrate(queue)
            let runner = CohortRunner(
                queue: queue, lake: configuration.institution, policy: policy, noise: DiscreteGaussianCohortNoise())
            if dryRun {
                let plan = try runner.plan(query, project: project, requester: requester)
                printPlan(plan, query: query)
                return
            }
            let outcome = try runner.run(query, project: project, requester: requester)
            printOutcome(outcome, minimumCount: policy.minimumCount)
        }

        // MARK: Printing

        private func printPlan(_ plan: CohortRunner.Plan, query: CohortQuery) {
            if json {
                emit([
                    "dryRun": true, "query": plan.canonicalJSON, "queryHash": plan.queryHash,
                    "rho": plan.storedRelease == nil ? plan.rho.description : "0",
                    "epsilon": plan.privacyLoss.epsilon, "delta": plan.privacyLoss.delta,
                    "budget": budgetJSON(plan.budget), "affordable": plan.isAffordable,
                    "storedRelease": plan.storedRelease != nil,
                ])
                return
            }
            print("\(query.name ?? cohort.lastPathComponent) — dry run, nothing spent")
            if plan.storedRelease != nil {
                print("  answered before on this lake snapshot: a run returns the stored release at no cost")
            } else {
                print("  cost: ρ = \(plan.rho) (\(plan.rho.decimal())), (ε, δ) = (\(plan.privacyLoss.epsilon), \(plan.privacyLoss.delta))")
            }
            print("  budget of \(project)/\(requester): \(budgetLine(plan.budget))")
            if !plan.isAffordable { print("  the budget cannot pay for this query (a run exits 3)") }
        }

        private func printOutcome(_ outcome: CohortRunner.Outcome, minimumCount: Int) {
            let release = outcome.release
            if json {
                var object: [String: Any] = [:]
                if let data = try? JSONEncoder().encode(release),
                    let decoded = try? JSONSerialization.jsonObject(with: data)
                {
                    object["release"] = decoded
                }
                object["repeat"] = outcome.isRepeat
                object["spent"] = outcome.spent.description
                object["budget"] = budgetJSON(outcome.budget)
                object["minimumCount"] = minimumCount
                object["display"] = release.estimates.map { estimate -> [String: Any] in
                    var entry: [String: Any] = [
                        "label": estimate.label, "value": release.display(estimate, minimumCount: minimumCount),
                        "suppressed": release.isSuppressed(estimate, minimumCount: minimumCount),
                    ]
                    if let by = estimate.by { entry["by"] = by }
                    return entry
                }
                emit(object)
                return
            }
            print("\(release.name ?? cohort.lastPathComponent) — \(release.statistic)")
            print("  lake snapshot \(release.lakeSnapshot) · query \(release.queryHash.prefix(16))"
                + (outcome.isRepeat ? " · repeated: the stored release, nothing spent" : ""))
            print("")
            let shown = release.estimates
            let labels = shown.map { estimate in estimate.by.map { "\(estimate.label) · \($0)" } ?? estimate.label }
            let width = min(max(labels.map(\.count).max() ?? 0, 5), 40)
            let isChart = release.statistic == "histogram"
            let largest = shown.compactMap(\.value).max() ?? 0
            for (estimate, label) in zip(shown, labels) {
                let value = release.display(estimate, minimumCount: minimumCount)
                let suppressed = release.isSuppressed(estimate, minimumCount: minimumCount)
                var line = "  " + label.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                if isChart {
                    let barLength = suppressed || largest <= 0 ? 0 : Int((max(estimate.value ?? 0, 0) / largest * 30).rounded())
                    line += String(repeating: "█", count: barLength).padding(toLength: 30, withPad: " ", startingAt: 0) + "  "
                }
                line += value.leftPadded(to: 9)
                if !suppressed, let interval = estimate.interval95 {
                    line += "  ± " + (interval == interval.rounded() ? String(Int64(interval)) : String(format: "%.3f", interval))
                }
                print(line)
            }
            print("")
            for part in release.parts {
                print(
                    "  \(part.name): \(release.mechanism), noise scale \(part.scale), sensitivity L1 \(part.sensitivity.l1)"
                        + " / L2² \(part.sensitivity.l2Squared)\(part.gridExponent > 0 ? " (grid 2^-\(part.gridExponent))" : ""), ρ \(part.rho)")
            }
            print("  95% intervals: ± half-width of the noise; counts below \(minimumCount) shown as \"< \(minimumCount)\" (noisy value)")
            print("  ρ = \(release.rho) (\(Rho(release.rho)?.decimal() ?? release.rho)) · (ε, δ) = (\(release.epsilon), \(release.delta))")
            print("  spent now: \(outcome.spent) · budget of \(project)/\(requester): \(budgetLine(outcome.budget))")
        }

        private func budgetLine(_ budget: PrivacyBudget) -> String {
            "limit \(budget.limit), spent \(budget.spent) (\(budget.spent.decimal())), remaining \(budget.remaining) (\(budget.remaining.decimal()))"
        }

        private func budgetJSON(_ budget: PrivacyBudget) -> [String: Any] {
            [
                "project": budget.project, "requester": budget.requester, "limit": budget.limit.description,
                "spent": budget.spent.description, "remaining": budget.remaining.description,
            ]
        }

        private func emit(_ object: [String: Any]) {
            guard let data = try? JSONSerialization.data(
                withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
            else { return }
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

/// A cohort file or lake the query command cannot use (exit 1).
struct QueryConfigurationError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
