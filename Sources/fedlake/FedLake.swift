import Foundation
import Lake

/// The `fedlake` command: one executable for every role. This target only parses arguments and prints;
/// the work happens in the modules below it.
struct FedLake: CommandGroup {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "fedlake",
        abstract: "A federated research node for hospitals.",
        discussion: """
            Exit codes: 0 success, 1 failure at run time, 2 usage error, 3 refused by policy
            (privacy budget exhausted, minimum count, authorization).
            """,
        subcommands: [
            Synth.self, Dicom.self, Deid.self, Pki.self, Node.self, Query.self, Coordinator.self, Train.self,
            Model.self, Dataset.self, Audit.self, Demo.self,
        ])
}

@main
enum Main {
    static func main() async {
        let runner = CommandRunner(root: FedLake.self, version: "fedlake \(FedLake.version)") { error in
            // Policy refusals exit 3 (ARCHITECTURE.md): an exhausted privacy budget.
            if let error = error as? CohortError, error.code == .budgetExhausted { return .refused }
            return .failure
        }
        let code = await runner.run(Array(CommandLine.arguments.dropFirst()))
        exit(code)
    }
}
