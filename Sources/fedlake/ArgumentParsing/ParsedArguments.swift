/// The values given on the command line for one leaf command, checked against its definitions.
struct ParsedArguments: Sendable {
    private(set) var options: [String: [String]] = [:]
    private(set) var flags: Set<String> = []
    private(set) var positionals: [String: [String]] = [:]

    /// The value of `--name`, or nil when absent.
    func option(_ name: String) -> String? { options[name]?.last }

    /// Every value given for a repeating `--name`.
    func options(_ name: String) -> [String] { options[name] ?? [] }

    /// The value of a required `--name` (parsing has already checked that it is present).
    func required(_ name: String) throws -> String {
        guard let value = option(name) else { throw CommandLineError.usage("Missing expected argument '--\(name)'") }
        return value
    }

    /// Whether `--name` was given.
    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The value of the positional argument called `name`.
    func positional(_ name: String) -> String? { positionals[name]?.first }

    /// All values of a repeating positional argument.
    func positionals(_ name: String) -> [String] { positionals[name] ?? [] }

    /// Parses `--name` as an integer within `range`, or returns `defaultValue` when absent.
    func integer(_ name: String, default defaultValue: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = option(name) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw CommandLineError.usage(
                "The value '\(text)' is invalid for '--\(name)': expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// Parses `words` against `definitions`: `--name value`, `--name=value`, `--flag`, positionals, `--` ends options.
    init(parsing words: [String], definitions: [ArgumentDefinition]) throws {
        var positionalDefinitions = definitions.filter {
            if case .positional = $0.kind { return true } else { return false }
        }[...]
        var index = 0
        var onlyPositionals = false
        while index < words.count {
            let word = words[index]
            index += 1
            if !onlyPositionals, word == "--" {
                onlyPositionals = true
                continue
            }
            if !onlyPositionals, word.hasPrefix("-"), word.count > 1 {
                guard word.hasPrefix("--") else { throw CommandLineError.usage("Unknown option '\(word)'") }
                var name = String(word.dropFirst(2))
                var inlineValue: String?
                if let equals = name.firstIndex(of: "=") {
                    inlineValue = String(name[name.index(after: equals)...])
                    name = String(name[..<equals])
                }
                guard let definition = definitions.first(where: { $0.name == name && !$0.isPositional })
                else { throw CommandLineError.usage("Unknown option '--\(name)'") }
                switch definition.kind {
                case .flag:
                    if inlineValue != nil { throw CommandLineError.usage("The flag '--\(name)' takes no value") }
                    flags.insert(name)
                case .option(_, let repeating):
                    let value: String
                    if let inlineValue {
                        value = inlineValue
                    } else {
                        guard index < words.count else {
                            throw CommandLineError.usage("Missing value for '--\(name) <\(definition.valueName)>'")
                        }
                        value = words[index]
                        index += 1
                    }
                    if !repeating, options[name] != nil {
                        throw CommandLineError.usage("The option '--\(name)' was given more than once")
                    }
                    options[name, default: []].append(value)
                case .positional:
                    break
                }
                continue
            }
            guard let definition = positionalDefinitions.first else {
                throw CommandLineError.usage("Unexpected argument '\(word)'")
            }
            positionals[definition.name, default: []].append(word)
            if case .positional(repeating: false) = definition.kind { positionalDefinitions.removeFirst() }
        }
        for definition in definitions where definition.isRequired {
            switch definition.kind {
            case .option:
                if options[definition.name] == nil {
                    throw CommandLineError.usage("Missing expected argument '--\(definition.name) <\(definition.valueName)>'")
                }
            case .positional:
                if positionals[definition.name] == nil {
                    throw CommandLineError.usage("Missing expected argument '<\(definition.name.lowercased())>'")
                }
            case .flag:
                break
            }
        }
    }
}

extension ArgumentDefinition {
    /// The option's value placeholder (`file` in `--config <file>`), or the positional's name.
    var valueName: String {
        if case .option(let valueName, _) = kind { return valueName }
        return name.lowercased()
    }

    var isPositional: Bool {
        if case .positional = kind { return true }
        return false
    }
}
