import Foundation
public import Lake

extension NodeConfiguration {
    /// The privacy policy of cohort queries from the `privacy` object: ρ values as exact rationals, the defaults of
    /// ``PrivacyPolicy/standard`` for keys not given.
    ///
    /// - Throws: ``NodeError`` `.invalidConfiguration` naming the key whose ρ is not a positive rational.
    public func privacyPolicy() throws(NodeError) -> PrivacyPolicy {
        func rho(_ text: String, _ key: String) throws(NodeError) -> Rho {
            guard let value = Rho(text), value.isPositive else {
                throw NodeError(
                    .invalidConfiguration, file: file.path, key: key,
                    "expected a positive rational such as \"1/100\" or 0.01")
            }
            return value
        }
        var policy = PrivacyPolicy.standard
        if let text = privacy.defaultRho { policy.defaultRho = try rho(text, "privacy.defaultRho") }
        if let text = privacy.defaultBudgetRho { policy.defaultBudgetRho = try rho(text, "privacy.defaultBudgetRho") }
        for (index, budget) in privacy.budgets.enumerated() {
            policy.budgets.append(
                PrivacyPolicy.Budget(
                    project: budget.project, requester: budget.requester,
                    rho: try rho(budget.rho, "privacy.budgets[\(index)].rho")))
        }
        policy.minimumCount = privacy.minimumCount
        return policy
    }
}
