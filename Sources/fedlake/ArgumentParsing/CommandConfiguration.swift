/// What a command is called, what it says about itself, and what it accepts.
///
/// Modelled on swift-argument-parser's `CommandConfiguration`: groups are nouns with `subcommands`,
/// leaves are verbs with `arguments`.
struct CommandConfiguration: Sendable {
    /// The name on the command line; defaults to the type name in kebab case.
    var commandName: String?
    /// One line shown in OVERVIEW and in the parent's SUBCOMMANDS list.
    var abstract: String
    /// Longer text shown after the overview.
    var discussion: String
    /// The options, flags and positional arguments of a leaf command.
    var arguments: [ArgumentDefinition]
    /// The commands of a group.
    var subcommands: [any ParsableCommand.Type]
    /// Whether the command is built; an unbuilt command is listed as "(not built yet)" and exits 1.
    var isAvailable: Bool

    init(
        commandName: String? = nil, abstract: String, discussion: String = "", arguments: [ArgumentDefinition] = [],
        subcommands: [any ParsableCommand.Type] = [], isAvailable: Bool = true
    ) {
        self.commandName = commandName
        self.abstract = abstract
        self.discussion = discussion
        self.arguments = arguments
        self.subcommands = subcommands
        self.isAvailable = isAvailable
    }
}

/// One thing a command accepts on its command line.
struct ArgumentDefinition: Sendable {
    enum Kind: Sendable, Equatable {
        /// `--name VALUE`; `repeating` accepts it several times.
        case option(valueName: String, repeating: Bool)
        /// `--name`, true when present.
        case flag
        /// A value by position; `repeating` takes all that remain.
        case positional(repeating: Bool)
    }

    /// The long name without dashes (`out` for `--out`), or the positional's display name (`FILE`).
    var name: String
    var kind: Kind
    var help: String
    /// Whether parsing fails when the argument is absent.
    var isRequired: Bool
    /// The default shown in help, if any.
    var defaultValue: String?

    static func option(
        _ name: String, valueName: String, help: String, required: Bool = false, repeating: Bool = false,
        default defaultValue: String? = nil
    ) -> ArgumentDefinition {
        ArgumentDefinition(
            name: name, kind: .option(valueName: valueName, repeating: repeating), help: help, isRequired: required,
            defaultValue: defaultValue)
    }

    static func flag(_ name: String, help: String) -> ArgumentDefinition {
        ArgumentDefinition(name: name, kind: .flag, help: help, isRequired: false, defaultValue: nil)
    }

    static func positional(_ name: String, help: String, required: Bool = true, repeating: Bool = false)
        -> ArgumentDefinition
    {
        ArgumentDefinition(
            name: name, kind: .positional(repeating: repeating), help: help, isRequired: required, defaultValue: nil)
    }

    /// The shared `--json` flag.
    static let json = flag("json", help: "Print machine-readable JSON.")
    /// The shared `--config FILE` option.
    static let config = option("config", valueName: "file", help: "The node or coordinator configuration (JSON).", required: true)
}
