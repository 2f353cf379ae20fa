/// Prints each verdict on one line starting with "audit:", so `make audit-privacy` can collect the results.
enum AuditLog {
    static func record(_ label: String, _ verdict: some CustomStringConvertible) {
        print("audit: \(label): \(verdict)")
    }
}
