import DICOM
import Deidentify
import Synchronization

/// What the DICOM instances of this run said about their patients (names, IDs, birth dates, addresses), kept
/// in memory only, so that documents linked to a patient are scrubbed of that patient's identifiers.
///
/// Nothing here is written anywhere: the lake holds no original identifier. A document whose patient has no
/// instance in this run is scrubbed against every identity seen so far, and by the Safe Harbor patterns.
final class IdentityRegistry: Sendable {
    private struct State {
        var byPatient: [String: PatientIdentity] = [:]
        var everyone = PatientIdentity()
    }

    /// The most patients remembered; beyond this, new identities only join `everyone`'s patterns.
    static let maximumPatients = 100_000
    private let state = Mutex(State())
    private let enabled = Atomic<Bool>(true)

    /// Whether ``add(_:)`` records anything: a run whose sources hold no documents has no use for identities
    /// and skips the work of gathering them.
    var isEnabled: Bool {
        get { enabled.load(ordering: .relaxed) }
        set { enabled.store(newValue, ordering: .relaxed) }
    }

    /// Adds what `dataset` (an original, not de-identified, header) says about its patient.
    func add(_ dataset: Dataset) {
        guard isEnabled else { return }
        guard let patientID = dataset.string(for: .patientID)?.trimmingSpaces, !patientID.isEmpty else { return }
        var identity = PatientIdentity()
        identity.add(dataset: dataset)
        let key = Self.key(patientID: patientID, issuer: dataset.string(for: Tag(0x0010_0021)))
        state.withLock { state in
            if state.byPatient[key] != nil || state.byPatient.count < Self.maximumPatients {
                state.byPatient[key, default: PatientIdentity()].formUnion(identity)
            }
            state.everyone.formUnion(identity)
        }
    }

    /// The identity of the patient with `patientID` if seen, else every identity seen; nil when none.
    func identity(forPatientID patientID: String?) -> PatientIdentity? {
        state.withLock { state in
            if let patientID, let known = state.byPatient[Self.key(patientID: patientID, issuer: nil)] { return known }
            return state.everyone.isEmpty ? nil : state.everyone
        }
    }

    private static func key(patientID: String, issuer: String?) -> String {
        patientID + "\u{0}" + (issuer?.trimmingSpaces ?? "")
    }
}

extension String {
    /// The string without leading and trailing spaces (DICOM value padding).
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars = scalars.dropFirst() }
        while scalars.last == " " { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
