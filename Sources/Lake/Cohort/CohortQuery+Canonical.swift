import Crypto
import Foundation
import Telemetry

extension CohortQuery {
    /// The query's canonical JSON: what it asks, in one spelling (sorted keys, no whitespace, defaults written
    /// out, numbers in their shortest form), without ``name`` or descriptions. Two queries that ask the same
    /// thing have the same canonical JSON, whatever their key order or spacing.
    ///
    /// - Parameter rho: the ρ the query is charged (its own ``rho`` or the node's default), part of its identity.
    public func canonicalJSON(rho: Rho) -> String {
        var members: [(String, String)] = [("version", "1"), ("statistic", Self.canonical(statistic)), ("rho", quote(rho.description))]
        if let criteria { members.append(("criteria", Self.canonical(criteria))) }
        return object(members)
    }

    /// The SHA-256 (hex) of ``canonicalJSON(rho:)``: the identity under which a release is stored and repeated.
    ///
    /// - Throws: ``CohortError`` when hashing fails (OpenSSL error).
    public func identity(rho: Rho) throws(CohortError) -> String {
        do {
            return Hex.encode(try SHA256.hash(Array(canonicalJSON(rho: rho).utf8)))
        } catch {
            throw CohortError(.ledger, message: "cannot hash the query: \(error)")
        }
    }

    private static func canonical(_ criterion: CohortCriterion) -> String {
        switch criterion {
        case .all(let children): return object([("all", "[" + children.map(canonical).joined(separator: ",") + "]")])
        case .any(let children): return object([("any", "[" + children.map(canonical).joined(separator: ",") + "]")])
        case .not(let child): return object([("not", canonical(child))])
        case .compare(let field, let comparison):
            let (op, value): (String, String)
            switch comparison {
            case .equal(let v): (op, value) = ("eq", canonical(v))
            case .notEqual(let v): (op, value) = ("ne", canonical(v))
            case .oneOf(let vs): (op, value) = ("in", "[" + vs.map(canonical).joined(separator: ",") + "]")
            case .less(let v): (op, value) = ("lt", canonical(v))
            case .lessOrEqual(let v): (op, value) = ("le", canonical(v))
            case .greater(let v): (op, value) = ("gt", canonical(v))
            case .greaterOrEqual(let v): (op, value) = ("ge", canonical(v))
            case .between(let a, let b): (op, value) = ("between", "[\(canonical(a)),\(canonical(b))]")
            case .contains(let text): (op, value) = ("contains", quote(text))
            case .mentions(let text): (op, value) = ("mentions", quote(text))
            case .mentionsAny(let texts): (op, value) = ("mentionsAny", "[" + texts.map(quote).joined(separator: ",") + "]")
            }
            return object([("field", quote(field.rawValue)), ("op", quote(op)), ("value", value)])
        }
    }

    private static func canonical(_ value: CohortValue) -> String {
        switch value {
        case .integer(let integer): String(integer)
        case .real(let real): number(real)
        case .text(let text): quote(text)
        }
    }

    private static func canonical(_ statistic: CohortStatistic) -> String {
        var members: [(String, String)] = [("kind", quote(statistic.kindName))]
        switch statistic {
        case .count: break
        case .histogram(let h):
            members.append(("field", quote(h.field.rawValue)))
            if let bins = h.bins { members.append(("bins", canonical(bins))) }
            if let by = h.by { members.append(("by", quote(by.rawValue))) }
            members.append(("unit", quote(h.unit.rawValue)))
            if h.unit == .patients {
                members.append(("pick", quote(h.pick.rawValue)))
            } else {
                members.append(("maxStudiesPerPatient", String(h.maxStudiesPerPatient)))
            }
        case .sum(let a), .mean(let a):
            members.append(("field", quote(a.field.rawValue)))
            members.append(("bounds", "[\(number(a.lower)),\(number(a.upper))]"))
            members.append(("pick", quote(a.pick.rawValue)))
        case .quantiles(let q):
            members.append(("field", quote(q.field.rawValue)))
            members.append(("bins", canonical(q.bins)))
            members.append(("probabilities", "[" + q.probabilities.map(number).joined(separator: ",") + "]"))
            members.append(("pick", quote(q.pick.rawValue)))
        }
        return object(members)
    }

    private static func canonical(_ bins: CohortBins) -> String {
        object([("edges", "[" + bins.edges.map(number).joined(separator: ",") + "]")])
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}

/// A JSON object with its members sorted by key.
private func object(_ members: [(String, String)]) -> String {
    "{" + members.sorted { $0.0 < $1.0 }.map { "\(quote($0.0)):\($0.1)" }.joined(separator: ",") + "}"
}

/// A JSON string literal (RFC 8259 §7).
func quote(_ text: String) -> String { JSONString.quoted(text) }
