/// The node's privacy policy for cohort queries: the default cost of a query, the budget of each
/// (project, requester) filter, and the minimum count below which noisy counts are shown as "< N".
///
/// It mirrors the node config's `privacy` object:
/// `{"defaultRho": "1/100", "defaultBudgetRho": "1", "budgets": [{"project": "p", "requester": "r", "rho": "2"}],
///   "minimumCount": 11}`.
public struct PrivacyPolicy: Sendable, Hashable {
    /// The ρ a query costs when it does not name its own.
    public var defaultRho: Rho
    /// The limit of a filter no budget entry matches.
    public var defaultBudgetRho: Rho
    /// Configured limits, most specific first when matched: (project, requester), then (project, any requester).
    public var budgets: [Budget]
    /// Noisy counts below this are shown as "< minimumCount".
    public var minimumCount: Int

    /// One configured limit.
    public struct Budget: Sendable, Hashable {
        /// The project.
        public var project: String
        /// The requester, or `nil` for every requester of the project (each gets this limit).
        public var requester: String?
        /// The limit.
        public var rho: Rho

        /// A budget from its parts.
        public init(project: String, requester: String?, rho: Rho) {
            self.project = project
            self.requester = requester
            self.rho = rho
        }
    }

    /// A policy from its parts.
    public init(defaultRho: Rho, defaultBudgetRho: Rho, budgets: [Budget] = [], minimumCount: Int = 11) {
        self.defaultRho = defaultRho
        self.defaultBudgetRho = defaultBudgetRho
        self.budgets = budgets
        self.minimumCount = minimumCount
    }

    /// The defaults: ρ = 1/100 per query, a budget of ρ = 1 per filter, minimum count 11.
    public static let standard = PrivacyPolicy(
        defaultRho: Rho(numerator: 1, denominator: 100) ?? .zero,
        defaultBudgetRho: Rho(numerator: 1, denominator: 1) ?? .zero)

    /// The limit of the filter of `project` and `requester`.
    public func limit(project: String, requester: String) -> Rho {
        if let exact = budgets.first(where: { $0.project == project && $0.requester == requester }) { return exact.rho }
        if let shared = budgets.first(where: { $0.project == project && $0.requester == nil }) { return shared.rho }
        return defaultBudgetRho
    }
}
