// Commands of the contract (ARCHITECTURE.md) that later work builds. Each says so and exits 1.

struct Pki: CommandGroup {
    static let configuration = CommandConfiguration(
        abstract: "The federation's certificate authority.",
        subcommands: [Init.self, Issue.self, Revoke.self, List.self], isAvailable: false)

    struct Init: UnbuiltCommand {
        static let plannedIn = "federation: mTLS transport"
        static let configuration = CommandConfiguration(abstract: "Create the federation CA.", isAvailable: false)
    }
    struct Issue: UnbuiltCommand {
        static let plannedIn = "federation: mTLS transport"
        static let configuration = CommandConfiguration(abstract: "Issue a certificate with a role.", isAvailable: false)
    }
    struct Revoke: UnbuiltCommand {
        static let plannedIn = "federation: mTLS transport"
        static let configuration = CommandConfiguration(abstract: "Revoke a certificate.", isAvailable: false)
    }
    struct List: UnbuiltCommand {
        static let plannedIn = "federation: mTLS transport"
        static let configuration = CommandConfiguration(abstract: "List issued certificates.", isAvailable: false)
    }
}

struct Query: CommandGroup {
    static let configuration = CommandConfiguration(
        abstract: "Cohort queries with differential privacy.",
        subcommands: [Local.self, Submit.self, Status.self])

    // `Local` is built: Commands/QueryCommand.swift.
    struct Submit: UnbuiltCommand {
        static let plannedIn = "federation: coordinator"
        static let configuration = CommandConfiguration(
            abstract: "Submit a federated cohort query.", isAvailable: false)
    }
    struct Status: UnbuiltCommand {
        static let plannedIn = "federation: coordinator"
        static let configuration = CommandConfiguration(
            abstract: "Show a federated query's state.", isAvailable: false)
    }
}

struct Coordinator: CommandGroup {
    static let configuration = CommandConfiguration(
        abstract: "The research network's coordinator.", subcommands: [Run.self], isAvailable: false)

    struct Run: UnbuiltCommand {
        static let plannedIn = "federation: coordinator"
        static let configuration = CommandConfiguration(abstract: "Run the coordinator daemon.", isAvailable: false)
    }
}

struct Train: CommandGroup {
    static let configuration = CommandConfiguration(
        abstract: "Federated training jobs.", subcommands: [Start.self, Status.self], isAvailable: false)

    struct Start: UnbuiltCommand {
        static let plannedIn = "federated learning"
        static let configuration = CommandConfiguration(abstract: "Start a training job.", isAvailable: false)
    }
    struct Status: UnbuiltCommand {
        static let plannedIn = "federated learning"
        static let configuration = CommandConfiguration(abstract: "Show a training job.", isAvailable: false)
    }
}

struct Model: CommandGroup {
    static let configuration = CommandConfiguration(
        abstract: "Aggregated models.", subcommands: [Pull.self], isAvailable: false)

    struct Pull: UnbuiltCommand {
        static let plannedIn = "federated learning"
        static let configuration = CommandConfiguration(abstract: "Download an aggregated model.", isAvailable: false)
    }
}

struct Dataset: CommandGroup {
    static let configuration = CommandConfiguration(
        abstract: "Training datasets.", subcommands: [Pull.self], isAvailable: false)

    struct Pull: UnbuiltCommand {
        static let plannedIn = "federated learning"
        static let configuration = CommandConfiguration(abstract: "Download a training dataset.", isAvailable: false)
    }
}

struct Audit: CommandGroup {
    static let configuration = CommandConfiguration(
        abstract: "The audit hash chain.", subcommands: [Verify.self], isAvailable: false)

    struct Verify: UnbuiltCommand {
        static let plannedIn = "federation: audit chain"
        static let configuration = CommandConfiguration(abstract: "Check the audit hash chain.", isAvailable: false)
    }
}
