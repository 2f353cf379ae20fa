/// A command of the `fedlake` tool: a group of subcommands, or a leaf that runs.
///
/// A leaf reads its values from `ParsedArguments` in `init(arguments:)`, checks them in `validate()`,
/// and does its work in `run()`, as swift-argument-parser's commands do.
protocol ParsableCommand: Sendable {
    static var configuration: CommandConfiguration { get }
    /// Builds the command from parsed arguments; throws `CommandLineError.usage` for bad values.
    init(arguments: ParsedArguments) throws
    /// Checks the values before `run()`; throws `CommandLineError.usage` when they do not fit together.
    func validate() throws
    /// Does the work.
    mutating func run() async throws
}

extension ParsableCommand {
    func validate() throws {}

    /// The name on the command line: the configured one, else the type name in kebab case.
    static var commandName: String {
        if let name = configuration.commandName { return name }
        var result = ""
        for (index, character) in String(describing: Self.self).enumerated() {
            if character.isUppercase, index > 0 { result.append("-") }
            result.append(contentsOf: character.lowercased())
        }
        return result
    }
}

/// A group of subcommands; the parser always descends into one of them, or prints the group's help.
protocol CommandGroup: ParsableCommand {
    init()
}

extension CommandGroup {
    init(arguments: ParsedArguments) throws { self.init() }
    mutating func run() async throws {}
}

/// A command listed in the contract that is not built yet. It says so and exits 1.
protocol UnbuiltCommand: ParsableCommand {
    init()
    /// The issue of the roadmap that builds it, named in the message.
    static var plannedIn: String { get }
}

extension UnbuiltCommand {
    init(arguments: ParsedArguments) throws { self.init() }
    mutating func run() async throws {
        throw CommandLineError.notBuilt(command: Self.commandName, plannedIn: Self.plannedIn)
    }
}
