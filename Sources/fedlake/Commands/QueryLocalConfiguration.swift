import Foundation
import Lake

/// The keys of a node configuration that `fedlake query local` reads: `institution`, `lake` (a folder, relative to
/// the configuration file) and `privacy`. A stand-in until the node's configuration reader is merged; the full
/// reader checks every other key.
struct QueryLocalConfiguration {
    var institution: String
    var lake: URL
    var policy: PrivacyPolicy

    init(file: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw CommandLineError.usage("cannot read the configuration \(file.path)")
        }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw QueryConfigurationError("\(file.path): not a JSON object")
        }
        guard let lake = root["lake"] as? String, !lake.isEmpty else {
            throw QueryConfigurationError("\(file.path): `lake` must be a folder path")
        }
        institution = (root["institution"] as? String) ?? "local"
        self.lake = URL(fileURLWithPath: lake, relativeTo: file.deletingLastPathComponent()).standardizedFileURL
        var policy = PrivacyPolicy.standard
        if let privacy = root["privacy"] {
            guard let object = privacy as? [String: Any] else {
                throw QueryConfigurationError("\(file.path): `privacy` must be an object")
            }
            for key in object.keys where !["defaultRho", "defaultBudgetRho", "budgets", "minimumCount"].contains(key) {
                throw QueryConfigurationError("\(file.path): unknown key privacy.\(key)")
            }
            if let value = object["defaultRho"] { policy.defaultRho = try Self.rho(value, "privacy.defaultRho", file) }
            if let value = object["defaultBudgetRho"] {
                policy.defaultBudgetRho = try Self.rho(value, "privacy.defaultBudgetRho", file)
            }
            if let value = object["minimumCount"] {
                guard let count = value as? Int, count >= 1 else {
                    throw QueryConfigurationError("\(file.path): privacy.minimumCount must be a positive integer")
                }
                policy.minimumCount = count
            }
            if let value = object["budgets"] {
                guard let list = value as? [[String: Any]] else {
                    throw QueryConfigurationError("\(file.path): privacy.budgets must be an array of objects")
                }
                for (index, entry) in list.enumerated() {
                    let path = "privacy.budgets[\(index)]"
                    for key in entry.keys where !["project", "requester", "rho"].contains(key) {
                        throw QueryConfigurationError("\(file.path): unknown key \(path).\(key)")
                    }
                    guard let project = entry["project"] as? String, let rho = entry["rho"] else {
                        throw QueryConfigurationError("\(file.path): \(path) needs project and rho")
                    }
                    policy.budgets.append(
                        PrivacyPolicy.Budget(
                            project: project, requester: entry["requester"] as? String,
                            rho: try Self.rho(rho, "\(path).rho", file)))
                }
            }
        }
        self.policy = policy
    }

    private static func rho(_ value: Any, _ path: String, _ file: URL) throws -> Rho {
        let text: String
        if let string = value as? String {
            text = string
        } else if let number = value as? NSNumber {
            text = number.stringValue
        } else {
            throw QueryConfigurationError("\(file.path): \(path) must be a number or a string such as \"1/100\"")
        }
        guard let rho = Rho(text), rho.isPositive else {
            throw QueryConfigurationError("\(file.path): \(path) must be a positive finite rational")
        }
        return rho
    }
}

/// A configuration the query command cannot use (exit 1).
struct QueryConfigurationError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
