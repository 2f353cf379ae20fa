// Cohort query latency (bench/README.md, `make bench-query`): a lake generated straight into the schema
// (SyntheticLake), then each benchmark cohort answered end to end by CohortRunner (parse, compile, ledger
// reservation with synchronous = FULL, query, exact discrete Gaussian noise, stored release) against the same
// count as plain SQL through the sqlite3 command-line shell, in the same run. Medians of --runs runs after one
// warm-up each.
//
//   cohort-bench --dir DIR [--patients 100000] [--instances 1000000] [--runs 7] [--seed 1]
import Foundation
@_spi(CohortTesting) import Lake
import Storage

func option(_ name: String, _ fallback: String) -> String {
    let arguments = CommandLine.arguments
    if let index = arguments.firstIndex(of: "--\(name)"), index + 1 < arguments.count { return arguments[index + 1] }
    return fallback
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

let directory = URL(fileURLWithPath: option("dir", "bench/out/lake-query"), isDirectory: true)
let patients = Int(option("patients", "100000")) ?? 100_000
let instances = Int(option("instances", "1000000")) ?? 1_000_000
let runs = max(Int(option("runs", "7")) ?? 7, 1)
let seed = UInt64(option("seed", "1")) ?? 1
let database = directory.appending(path: "lake.sqlite")
let marker = directory.appending(path: "generated-\(seed)-\(patients)-\(instances)")

if !FileManager.default.fileExists(atPath: marker.path) {
    try? FileManager.default.removeItem(at: directory)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    var configuration = DatabaseConfiguration()
    configuration.synchronous = .normal
    let queue = try DatabaseQueue(path: database.path, configuration: configuration)
    try LakeSchema.migrator.migrate(queue)
    var totals = SyntheticLake.Totals()
    let time = try seconds { totals = try SyntheticLake(seed: seed, patients: patients, instances: instances).fill(queue) }
    print(
        "generated \(totals.patients) patients, \(totals.studies) studies, \(totals.series) series, "
            + "\(totals.instances) instances, \(totals.documents) documents in \(String(format: "%.1f", time)) s")
    try Data().write(to: marker)
}

guard let sqlite3 = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
else {
    print("sqlite3 not found (apt-get install sqlite3)")
    exit(1)
}

/// Runs `sql` in the sqlite3 shell: its output, the wall-clock time of the whole process, and the shell's own
/// `.timer` figure for the statement (without the shell's start-up).
func shell(_ sql: String) throws -> (String, Double, Double) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: sqlite3)
    process.arguments = ["-readonly", database.path]
    let pipe = Pipe(), input = Pipe()
    process.standardOutput = pipe
    process.standardInput = input
    var output = ""
    let time = try seconds {
        try process.run()
        input.fileHandleForWriting.write(Data(".timer on\n\(sql)\n".utf8))
        try input.fileHandleForWriting.close()
        output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
    }
    var answer: [Substring] = []
    var timer = 0.0
    for line in output.split(separator: "\n") {
        if line.hasPrefix("Run Time: real ") {
            timer += Double(line.dropFirst("Run Time: real ".count).prefix(while: { $0 != " " })) ?? 0
        } else {
            answer.append(line)
        }
    }
    return (answer.joined(separator: "\n"), time, timer)
}

struct Case {
    var name: String
    var cohort: String
    var sql: String
}

let cases = [
    Case(
        name: "chest CT over 60 (count)",
        cohort: #"{"version":1,"criteria":{"all":[{"field":"modality","op":"eq","value":"CT"},{"field":"bodyPart","op":"eq","value":"CHEST"},{"field":"ageAtStudy","op":"ge","value":60}]},"statistic":{"kind":"count"}}"#,
        sql: "SELECT count(DISTINCT st.patient_id) FROM series se JOIN studies st ON se.study_id = st.id WHERE se.modality = 'CT' AND se.body_part = 'CHEST' AND st.age_years >= 60;"),
    Case(
        name: "report mentions nodule (count)",
        cohort: #"{"version":1,"criteria":{"field":"reportText","op":"mentions","value":"nodule"},"statistic":{"kind":"count"}}"#,
        sql: "SELECT count(DISTINCT d.patient_id) FROM documents d JOIN documents_fts f ON f.rowid = d.id WHERE documents_fts MATCH 'nodule';"),
    Case(
        name: "MR by sex (histogram)",
        cohort: #"{"version":1,"criteria":{"field":"modality","op":"eq","value":"MR"},"statistic":{"kind":"histogram","field":"sex"}}"#,
        sql: "SELECT p.sex, count(DISTINCT p.id) FROM patients p JOIN studies st ON st.patient_id = p.id JOIN series se ON se.study_id = st.id WHERE se.modality = 'MR' GROUP BY p.sex;"),
]

let queue = try DatabaseQueue(path: database.path)
let runner = CohortRunner(
    queue: queue, lake: "bench",
    policy: PrivacyPolicy(defaultRho: Rho("1/1000") ?? .zero, defaultBudgetRho: Rho("1000000") ?? .zero),
    noise: DiscreteGaussianCohortNoise())
let requester = "bench-\(Int(Date().timeIntervalSince1970))"  // a fresh filter per benchmark run
var startups: [Double] = []
for _ in 0...runs { startups.append(try shell("SELECT 1;").1) }
var results: [[String: Any]] = []
var numerator: UInt64 = 1_000 + UInt64(Date().timeIntervalSince1970) % 1_000_000
print("")
print("| cohort | fedlake, end to end | fedlake, SQL only | sqlite3 .timer | sqlite3 process | end to end ÷ .timer |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for benchCase in cases {
    var ours: [Double] = [], inProcess: [Double] = [], shellTimes: [Double] = [], shellTimers: [Double] = []
    let base = try CohortQuery(json: Data(benchCase.cohort.utf8))
    for run in 0...runs {
        var query = base
        numerator += 1
        query.rho = "\(numerator)/1000000000"  // a new query each run: no stored release, the full path
        let time = try seconds { _ = try runner.run(query, project: "bench", requester: requester) }
        let evaluate = try seconds { _ = try queue.read { db in try base.noiselessValues(in: db) } }
        let (_, sqlTime, sqlTimer) = try shell(benchCase.sql)
        if run > 0 {
            ours.append(time)
            inProcess.append(evaluate)
            shellTimes.append(sqlTime)
            shellTimers.append(sqlTimer)
        }
    }
    let truth = try queue.read { db in try base.noiselessValues(in: db) }
    let (shellAnswer, _, _) = try shell(benchCase.sql)
    let ratio = median(ours) / median(shellTimers)
    func ms(_ values: [Double]) -> String { String(format: "%.1f ms", median(values) * 1000) }
    print(
        "| \(benchCase.name) | \(ms(ours)) | \(ms(inProcess)) | \(ms(shellTimers)) | \(ms(shellTimes)) | "
            + "\(String(format: "%.2f", ratio))× |")
    results.append([
        "cohort": benchCase.name, "fedlakeMs": median(ours) * 1000, "noiselessMs": median(inProcess) * 1000,
        "sqlite3ProcessMs": median(shellTimes) * 1000, "sqlite3TimerMs": median(shellTimers) * 1000, "ratio": ratio, "runs": runs,
        "trueValues": truth.first ?? [], "sqlite3Answer": shellAnswer,
    ])
}
print("")
print("sqlite3 shell start-up alone (SELECT 1): \(String(format: "%.1f", median(startups) * 1000)) ms (median)")
let summary: [String: Any] = [
    "patients": patients, "instances": instances, "runs": runs, "sqlite3StartupMs": median(startups) * 1000,
    "cases": results,
]
let out = directory.deletingLastPathComponent().appending(path: "query-latency.json")
try JSONSerialization.data(withJSONObject: summary, options: [.prettyPrinted, .sortedKeys]).write(to: out)
print("wrote \(out.path)")
