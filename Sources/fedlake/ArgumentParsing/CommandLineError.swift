/// What can go wrong before a command runs, and the exit codes of the command-line contract.
enum CommandLineError: Error, CustomStringConvertible {
    /// The words on the command line do not fit the command (exit 2).
    case usage(String)
    /// The command is in the contract but not built yet (exit 1).
    case notBuilt(command: String, plannedIn: String)

    var description: String {
        switch self {
        case .usage(let message): message
        case .notBuilt(let command, let plannedIn):
            "'\(command)' is not built yet in this version of FedLake (planned: \(plannedIn))."
        }
    }
}

/// The exit codes of the command-line contract (ARCHITECTURE.md).
enum ExitCode: Int32 {
    /// The command did what was asked.
    case success = 0
    /// Something failed at run time.
    case failure = 1
    /// The command line was wrong.
    case usage = 2
    /// Refused by policy: privacy budget exhausted, minimum count, authorization.
    case refused = 3
}
