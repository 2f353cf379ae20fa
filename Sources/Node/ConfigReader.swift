import Deidentify
import Lake
import Foundation

/// Walks a configuration's JSON, checking every key against the schema and naming key paths in errors.
struct ConfigReader {
    let file: URL
    private var folder: URL { file.deletingLastPathComponent() }

    init(file: URL) { self.file = file }

    func invalid(_ key: String?, _ reason: String) -> NodeError {
        NodeError(.invalidConfiguration, file: file.path, key: key, reason)
    }

    /// A JSON object's members, after checking that it has no key outside `known` and every key in `required`.
    struct Object {
        let path: String
        let members: [String: ConfigJSON]

        func key(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }
        subscript(_ name: String) -> ConfigJSON? {
            if case .null? = members[name] { return nil }
            return members[name]
        }
    }

    func object(_ value: ConfigJSON, path: String, known: [String], required: [String] = []) throws(NodeError) -> Object {
        guard case .object(let members) = value else {
            throw invalid(path.isEmpty ? nil : path, "expected an object, found \(value.typeName)")
        }
        var dictionary: [String: ConfigJSON] = [:]
        for member in members {
            guard known.contains(member.key) else {
                let name = path.isEmpty ? member.key : "\(path).\(member.key)"
                throw invalid(name, "unknown key (known keys here: \(known.joined(separator: ", ")))")
            }
            dictionary[member.key] = member.value
        }
        let object = Object(path: path, members: dictionary)
        for name in required where object[name] == nil {
            throw invalid(object.key(name), "missing (it is required)")
        }
        return object
    }

    func string(_ object: Object, _ name: String) throws(NodeError) -> String? {
        guard let value = object[name] else { return nil }
        guard case .string(let text) = value else {
            throw invalid(object.key(name), "expected a string, found \(value.typeName)")
        }
        return text
    }

    func requiredString(_ object: Object, _ name: String) throws(NodeError) -> String {
        guard let text = try string(object, name) else { throw invalid(object.key(name), "missing (it is required)") }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw invalid(object.key(name), "must not be empty") }
        return text
    }

    func path(_ object: Object, _ name: String) throws(NodeError) -> URL? {
        guard let text = try string(object, name) else { return nil }
        guard !text.isEmpty, !text.contains("\u{0}") else { throw invalid(object.key(name), "must be a file path") }
        if text.hasPrefix("/") { return URL(fileURLWithPath: text).standardizedFileURL }
        return folder.appendingPathComponent(text).standardizedFileURL
    }

    func requiredPath(_ object: Object, _ name: String) throws(NodeError) -> URL {
        guard let url = try path(object, name) else { throw invalid(object.key(name), "missing (it is required)") }
        return url
    }

    func url(_ object: Object, _ name: String) throws(NodeError) -> URL {
        let text = try requiredString(object, name)
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host != nil
        else { throw invalid(object.key(name), "expected an http:// or https:// URL with a host") }
        guard url.user == nil, url.password == nil else {
            throw invalid(object.key(name), "must not carry credentials; use the password or secret file")
        }
        return url
    }

    func integer(_ object: Object, _ name: String, default value: Int, in range: ClosedRange<Int>) throws(NodeError) -> Int {
        guard let json = object[name] else { return value }
        guard case .number(let text) = json, let number = Int(text), range.contains(number) else {
            throw invalid(object.key(name), "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    func number(_ object: Object, _ name: String, default value: Double, in range: ClosedRange<Double>) throws(NodeError)
        -> Double
    {
        guard let json = object[name] else { return value }
        guard case .number(let text) = json, let number = Double(text), range.contains(number) else {
            throw invalid(object.key(name), "expected a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    func numberText(_ object: Object, _ name: String) throws(NodeError) -> String? {
        guard let json = object[name] else { return nil }
        guard case .number(let text) = json, let value = Double(text), value >= 0, value.isFinite else {
            throw invalid(object.key(name), "expected a non-negative number")
        }
        return text
    }

    /// A zCDP ρ: a JSON number or a string holding a rational (`"1/100"`), positive and exact (``Rho``).
    func rhoText(_ object: Object, _ name: String) throws(NodeError) -> String? {
        guard let json = object[name] else { return nil }
        let text: String
        switch json {
        case .number(let number): text = number
        case .string(let string): text = string
        default: throw invalid(object.key(name), "expected a positive rational such as \"1/100\" or 0.01")
        }
        guard let rho = Rho(text), rho.isPositive else {
            throw invalid(object.key(name), "expected a positive rational such as \"1/100\" or 0.01")
        }
        return text
    }

    func bool(_ object: Object, _ name: String, default value: Bool) throws(NodeError) -> Bool {
        guard let json = object[name] else { return value }
        guard case .bool(let flag) = json else { throw invalid(object.key(name), "expected true or false") }
        return flag
    }

    func array(_ object: Object, _ name: String) throws(NodeError) -> [ConfigJSON]? {
        guard let json = object[name] else { return nil }
        guard case .array(let values) = json else {
            throw invalid(object.key(name), "expected an array, found \(json.typeName)")
        }
        return values
    }

    // MARK: The schema

    mutating func configuration(_ json: ConfigJSON) throws(NodeError) -> NodeConfiguration {
        let root = try object(
            json, path: "",
            known: [
                "institution", "lake", "secretKeyFile", "sources", "deidentification", "ingest", "privacy",
                "coordinator", "metrics", "log",
            ],
            required: ["institution", "lake", "secretKeyFile", "sources"])
        guard let sourceValues = try array(root, "sources") else { throw invalid("sources", "missing (it is required)") }
        guard !sourceValues.isEmpty else { throw invalid("sources", "must list at least one source") }
        var sources: [NodeConfiguration.Source] = []
        for (index, value) in sourceValues.enumerated() {
            sources.append(try source(value, path: "sources[\(index)]"))
        }
        return NodeConfiguration(
            file: file, institution: try requiredString(root, "institution"), lake: try requiredPath(root, "lake"),
            secretKeyFile: try requiredPath(root, "secretKeyFile"), sources: sources,
            deidentification: try deidentification(root["deidentification"]), ingest: try ingest(root["ingest"]),
            privacy: try privacy(root["privacy"]), coordinator: try coordinator(root["coordinator"]),
            metrics: try metrics(root["metrics"]), log: try log(root["log"]))
    }

    func source(_ value: ConfigJSON, path: String) throws(NodeError) -> NodeConfiguration.Source {
        let type: String
        if case .object(let members) = value, let member = members.first(where: { $0.key == "type" }) {
            guard case .string(let text) = member.value else { throw invalid("\(path).type", "expected a string") }
            type = text
        } else if case .object = value {
            throw invalid("\(path).type", "missing (orthanc, s3 or folder)")
        } else {
            throw invalid(path, "expected an object, found \(value.typeName)")
        }
        switch type {
        case "orthanc":
            let object = try object(
                value, path: path, known: ["type", "name", "url", "username", "passwordFile", "caFile"],
                required: ["url", "username", "passwordFile"])
            return .orthanc(
                NodeConfiguration.Orthanc(
                    name: try name(object), url: try url(object, "url"), username: try requiredString(object, "username"),
                    passwordFile: try requiredPath(object, "passwordFile"), caFile: try self.path(object, "caFile")))
        case "s3":
            let object = try object(
                value, path: path,
                known: [
                    "type", "name", "endpoint", "region", "bucket", "prefix", "accessKeyId", "secretAccessKeyFile",
                    "caFile", "documentPatientPattern",
                ],
                required: ["endpoint", "region", "bucket", "accessKeyId", "secretAccessKeyFile"])
            return .s3(
                NodeConfiguration.S3(
                    name: try name(object), endpoint: try url(object, "endpoint"), region: try requiredString(object, "region"),
                    bucket: try requiredString(object, "bucket"), prefix: try string(object, "prefix") ?? "",
                    accessKeyId: try requiredString(object, "accessKeyId"),
                    secretAccessKeyFile: try requiredPath(object, "secretAccessKeyFile"),
                    caFile: try self.path(object, "caFile"), documentPatientPattern: try pattern(object)))
        case "folder":
            let object = try object(
                value, path: path, known: ["type", "name", "path", "documentPatientPattern"], required: ["path"])
            return .folder(
                NodeConfiguration.Folder(
                    name: try name(object), path: try requiredPath(object, "path"),
                    documentPatientPattern: try pattern(object)))
        default:
            throw invalid("\(path).type", "unknown source type '\(type.prefix(32))' (orthanc, s3 or folder)")
        }
    }

    private func name(_ object: Object) throws(NodeError) -> String? {
        guard let name = try string(object, "name") else { return nil }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw invalid(object.key("name"), "must not be empty") }
        return name
    }

    private func pattern(_ object: Object) throws(NodeError) -> String? {
        guard let pattern = try string(object, "documentPatientPattern") else { return nil }
        guard pattern.contains("(?<patientID>") else {
            throw invalid(object.key("documentPatientPattern"), "the pattern needs a named group (?<patientID>...)")
        }
        guard (try? NSRegularExpression(pattern: pattern)) != nil else {
            throw invalid(object.key("documentPatientPattern"), "not a valid regular expression")
        }
        return pattern
    }

    func deidentification(_ value: ConfigJSON?) throws(NodeError) -> NodeConfiguration.Deidentification {
        guard let value else { return NodeConfiguration.Deidentification(options: nil, pixelCleaningRulesFile: nil) }
        let object = try object(value, path: "deidentification", known: ["options", "pixelCleaningRulesFile"])
        var options: [String]?
        if let values = try array(object, "options") {
            options = []
            for (index, value) in values.enumerated() {
                guard case .string(let text) = value else {
                    throw invalid("deidentification.options[\(index)]", "expected a string (a profile option name)")
                }
                options?.append(text)
            }
            do {
                try ProfileOptions(configNames: (options ?? []).filter { $0 != "basic" }).validate()
            } catch {
                throw invalid("deidentification.options", "\(error.reason)\(error.remedy.map { " (\($0))" } ?? "")")
            }
        }
        return NodeConfiguration.Deidentification(
            options: options, pixelCleaningRulesFile: try path(object, "pixelCleaningRulesFile"))
    }

    func ingest(_ value: ConfigJSON?) throws(NodeError) -> NodeConfiguration.Ingest {
        let concurrency = IngestOptions.defaultConcurrency
        guard let value else {
            return NodeConfiguration.Ingest(
                concurrency: concurrency, batchSize: 500, pollIntervalSeconds: 10, propagateDeletions: false, maxAttempts: 5)
        }
        let object = try object(
            value, path: "ingest",
            known: ["concurrency", "batchSize", "pollIntervalSeconds", "propagateDeletions", "maxAttempts"])
        return NodeConfiguration.Ingest(
            concurrency: try integer(object, "concurrency", default: concurrency, in: 1...1024),
            batchSize: try integer(object, "batchSize", default: 500, in: 1...10_000),
            pollIntervalSeconds: try number(object, "pollIntervalSeconds", default: 10, in: 0.1...86_400),
            propagateDeletions: try bool(object, "propagateDeletions", default: false),
            maxAttempts: try integer(object, "maxAttempts", default: 5, in: 1...100))
    }

    func privacy(_ value: ConfigJSON?) throws(NodeError) -> NodeConfiguration.Privacy {
        guard let value else {
            return NodeConfiguration.Privacy(defaultRho: nil, defaultBudgetRho: nil, budgets: [], minimumCount: 11)
        }
        let object = try object(
            value, path: "privacy", known: ["defaultRho", "defaultBudgetRho", "budgets", "minimumCount"])
        var budgets: [NodeConfiguration.Budget] = []
        for (index, value) in (try array(object, "budgets") ?? []).enumerated() {
            let budget = try self.object(
                value, path: "privacy.budgets[\(index)]", known: ["project", "requester", "rho"],
                required: ["project", "rho"])
            guard let rho = try rhoText(budget, "rho") else { throw invalid(budget.key("rho"), "missing (it is required)") }
            budgets.append(
                NodeConfiguration.Budget(
                    project: try requiredString(budget, "project"), requester: try string(budget, "requester"), rho: rho))
        }
        return NodeConfiguration.Privacy(
            defaultRho: try rhoText(object, "defaultRho"), defaultBudgetRho: try rhoText(object, "defaultBudgetRho"),
            budgets: budgets, minimumCount: try integer(object, "minimumCount", default: 11, in: 1...1_000_000))
    }

    func coordinator(_ value: ConfigJSON?) throws(NodeError) -> NodeConfiguration.Coordinator? {
        guard let value else { return nil }
        let object = try object(
            value, path: "coordinator", known: ["url", "certificateFile", "keyFile", "caFile"],
            required: ["url", "certificateFile", "keyFile", "caFile"])
        return NodeConfiguration.Coordinator(
            url: try url(object, "url"), certificateFile: try requiredPath(object, "certificateFile"),
            keyFile: try requiredPath(object, "keyFile"), caFile: try requiredPath(object, "caFile"))
    }

    func metrics(_ value: ConfigJSON?) throws(NodeError) -> NodeConfiguration.Metrics {
        guard let value else { return NodeConfiguration.Metrics(listen: "127.0.0.1:9464") }
        let object = try object(value, path: "metrics", known: ["listen"])
        let explicit = try string(object, "listen")
        let listen = explicit ?? "127.0.0.1:9464"
        // Port 0 takes any free port; the node logs the address it got.
        guard let colon = listen.lastIndex(of: ":"), UInt16(listen[listen.index(after: colon)...]) != nil,
            ["127.0.0.1", "localhost", "[::1]"].contains(String(listen[..<colon]))
        else {
            throw invalid("metrics.listen", "expected a loopback address and port such as 127.0.0.1:9464")
        }
        return NodeConfiguration.Metrics(listen: listen, isExplicit: explicit != nil)
    }

    func log(_ value: ConfigJSON?) throws(NodeError) -> NodeConfiguration.Log {
        guard let value else { return NodeConfiguration.Log(format: .text, level: "info") }
        let object = try object(value, path: "log", known: ["format", "level"])
        var format = NodeConfiguration.Log.Format.text
        if let text = try string(object, "format") {
            guard let parsed = NodeConfiguration.Log.Format(rawValue: text) else {
                throw invalid("log.format", "expected json or text")
            }
            format = parsed
        }
        let level = try string(object, "level") ?? "info"
        guard NodeConfiguration.logLevels.contains(level) else {
            throw invalid("log.level", "expected one of \(NodeConfiguration.logLevels.joined(separator: ", "))")
        }
        return NodeConfiguration.Log(format: format, level: level)
    }
}
