import Foundation

/// Finds the command named on the command line, parses its arguments, runs it, and maps the outcome to an exit code.
///
/// Help and errors look like swift-argument-parser's: `OVERVIEW / USAGE / ARGUMENTS / OPTIONS / SUBCOMMANDS`,
/// and `Error: …`, `Usage: …`, `  See 'fedlake … --help' for more information.` on standard error.
struct CommandRunner {
    let root: any ParsableCommand.Type
    let version: String
    /// Maps errors thrown by `run()` to an exit code (policy refusals to 3); everything else is 1.
    let exitCodeForError: @Sendable (any Error) -> ExitCode

    /// Runs the tool with `arguments` (without the program name) and returns the exit code.
    func run(_ arguments: [String]) async -> Int32 {
        var path: [any ParsableCommand.Type] = [root]
        var words = arguments[...]
        // `fedlake help X Y` is `fedlake X Y --help`.
        if words.first == "help" {
            words.removeFirst()
            var target: [any ParsableCommand.Type] = [root]
            for word in words {
                guard let next = subcommand(named: word, of: target[target.count - 1]) else {
                    return usageError("Unknown command '\(word)'", path: target)
                }
                target.append(next)
            }
            print(helpText(for: target), terminator: "")
            return ExitCode.success.rawValue
        }
        while let word = words.first, !path[path.count - 1].configuration.subcommands.isEmpty {
            if word == "--help" || word == "-h" {
                print(helpText(for: path), terminator: "")
                return ExitCode.success.rawValue
            }
            if word == "--version", path.count == 1 {
                print(version)
                return ExitCode.success.rawValue
            }
            guard let next = subcommand(named: word, of: path[path.count - 1]) else {
                if word.hasPrefix("-") { return usageError("Unknown option '\(word)'", path: path) }
                return usageError("Unknown command '\(word)'", path: path)
            }
            path.append(next)
            words.removeFirst()
        }
        let command = path[path.count - 1]
        if !command.configuration.subcommands.isEmpty {
            // A group without a subcommand: show what it offers, as a usage error.
            FileHandle.standardError.write(Data(helpText(for: path).utf8))
            return ExitCode.usage.rawValue
        }
        if words.contains("--help") || words.contains("-h") {
            print(helpText(for: path), terminator: "")
            return ExitCode.success.rawValue
        }
        do {
            let parsed = try ParsedArguments(parsing: Array(words), definitions: command.configuration.arguments)
            var instance = try command.init(arguments: parsed)
            try instance.validate()
            try await instance.run()
            return ExitCode.success.rawValue
        } catch let error as CommandLineError {
            switch error {
            case .usage(let message): return usageError(message, path: path)
            case .notBuilt(_, let plannedIn):
                let names = path.map { $0.commandName }.joined(separator: " ")
                return report(CommandLineError.notBuilt(command: names, plannedIn: plannedIn), code: .failure)
            }
        } catch {
            return report(error, code: exitCodeForError(error))
        }
    }

    private func report(_ error: any Error, code: ExitCode) -> Int32 {
        FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
        return code.rawValue
    }

    private func usageError(_ message: String, path: [any ParsableCommand.Type]) -> Int32 {
        let names = path.map { $0.commandName }.joined(separator: " ")
        let text = "Error: \(message)\nUsage: \(usageLine(for: path))\n  See '\(names) --help' for more information.\n"
        FileHandle.standardError.write(Data(text.utf8))
        return ExitCode.usage.rawValue
    }

    private func subcommand(named name: String, of group: any ParsableCommand.Type) -> (any ParsableCommand.Type)? {
        group.configuration.subcommands.first { $0.commandName == name }
    }

    /// The one-line usage of the command at the end of `path`.
    func usageLine(for path: [any ParsableCommand.Type]) -> String {
        let names = path.map { $0.commandName }.joined(separator: " ")
        let command = path[path.count - 1]
        if !command.configuration.subcommands.isEmpty { return "\(names) <subcommand>" }
        var parts = [names]
        for argument in command.configuration.arguments where !argument.isPositional {
            var part = "--\(argument.name)"
            if case .option(let valueName, let repeating) = argument.kind {
                part += " <\(valueName)>"
                if repeating { part += " ..." }
            }
            parts.append(argument.isRequired ? part : "[\(part)]")
        }
        for argument in command.configuration.arguments where argument.isPositional {
            var part = "<\(argument.name.lowercased())>"
            if case .positional(repeating: true) = argument.kind { part += " ..." }
            parts.append(argument.isRequired ? part : "[\(part)]")
        }
        return parts.joined(separator: " ")
    }

    /// The full help text of the command at the end of `path`.
    func helpText(for path: [any ParsableCommand.Type]) -> String {
        let command = path[path.count - 1]
        let configuration = command.configuration
        var text = "OVERVIEW: \(configuration.abstract)\n"
        if !configuration.isAvailable { text += "\nThis command is not built yet in this version of FedLake.\n" }
        if !configuration.discussion.isEmpty { text += "\n\(configuration.discussion)\n" }
        text += "\nUSAGE: \(usageLine(for: path))\n"
        let positionals = configuration.arguments.filter(\.isPositional)
        if !positionals.isEmpty {
            text += "\nARGUMENTS:\n"
            for argument in positionals {
                text += row("<\(argument.name.lowercased())>", argument.help)
            }
        }
        text += "\nOPTIONS:\n"
        for argument in configuration.arguments where !argument.isPositional {
            var label = "--\(argument.name)"
            if case .option(let valueName, _) = argument.kind { label += " <\(valueName)>" }
            var help = argument.help
            if let defaultValue = argument.defaultValue { help += " (default: \(defaultValue))" }
            text += row(label, help)
        }
        if path.count == 1 { text += row("--version", "Show the version.") }
        text += row("-h, --help", "Show help information.")
        if !configuration.subcommands.isEmpty {
            text += "\nSUBCOMMANDS:\n"
            for subcommand in configuration.subcommands {
                let suffix = subcommand.configuration.isAvailable ? "" : " (not built yet)"
                text += row(subcommand.commandName, subcommand.configuration.abstract + suffix)
            }
            let names = ([path[0].commandName, "help"] + path.dropFirst().map { $0.commandName }).joined(separator: " ")
            text += "\n  See '\(names) <subcommand>' for detailed help.\n"
        }
        return text
    }

    private func row(_ label: String, _ help: String) -> String {
        let padded = "  " + label
        if padded.count < 26 { return padded + String(repeating: " ", count: 26 - padded.count) + help + "\n" }
        return padded + "\n" + String(repeating: " ", count: 26) + help + "\n"
    }
}
