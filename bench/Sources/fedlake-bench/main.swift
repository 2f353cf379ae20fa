// fedlake-bench: the FedLake side of the benchmarks in bench/ (see bench/README.md).
//
//     fedlake-bench headers [--mode strict|lenient] [--defer-threshold BYTES] DIR...
//     fedlake-bench json [--rounds N] [--pretty] DIR...
//
// `headers` reads every file under the folders up to the pixel data (PS3.5 §7.5: Pixel Data
// (7FE0,0010) is the last element of interest) in one process, on one thread, and prints
// `files=N elements=M failed=K`, the same line as the pydicom peer, so the work cannot be
// optimised away and the harness can check that both tools read the same data.
// `elements` counts top-level data elements of each data set, File Meta Information excluded.
//
// `json` reads the same headers first, then times only `DICOMJSON.encode` over all of them, N rounds,
// and prints `files=N bytes=B us_per_file=T` (B: JSON bytes of one round; T: the best round).

import DICOM
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Exit codes follow the FedLake command-line contract: 0 success, 1 run-time failure, 2 usage.
enum Exit {
    static let failure: Int32 = 1
    static let usage: Int32 = 2
}

let usage = """
    USAGE: fedlake-bench headers [--mode strict|lenient] [--defer-threshold BYTES] DIR...
           fedlake-bench json [--rounds N] [--pretty] DIR...

    Reads the header of every file under DIR... (stopping before the pixel data) and prints
    files=N elements=M failed=K.
    """

func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
    if code == Exit.usage { FileHandle.standardError.write(Data((usage + "\n").utf8)) }
    exit(code)
}

/// Regular files under `root`, in sorted order, hidden files and folders skipped.
///
/// A plain `readdir` walk: Foundation's enumerator with resource values spent a third of the run
/// building URLs and stat'ing files, which neither peer pays for.
func files(under root: String) -> [String] {
    var result: [String] = []
    var pending = [root]
    while let folder = pending.popLast() {
        guard let handle = opendir(folder) else {
            if access(folder, R_OK) == 0 {
                result.append(folder)  // a file named on the command line
                continue
            }
            fail("cannot open \(folder)", code: Exit.failure)
        }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasPrefix(".") { continue }
            let path = folder + "/" + name
            var kind = Int(entry.pointee.d_type)
            if kind == Int(DT_UNKNOWN) {  // some file systems do not fill d_type
                var info = stat()
                guard stat(path, &info) == 0 else { continue }
                kind = (info.st_mode & S_IFMT) == S_IFDIR ? Int(DT_DIR) : Int(DT_REG)
            }
            if kind == Int(DT_DIR) {
                pending.append(path)
            } else if kind == Int(DT_REG) {
                result.append(path)
            }
        }
    }
    return result.sorted()
}

func headers(_ arguments: ArraySlice<String>) {
    var options = DICOMReader.Options()
    options.stopBeforePixels = true
    var roots: [String] = []
    var rest = arguments
    while let argument = rest.popFirst() {
        switch argument {
        case "--mode":
            switch rest.popFirst() {
            case "strict": options.mode = .strict
            case "lenient": options.mode = .lenient
            default: fail("--mode wants strict or lenient", code: Exit.usage)
            }
        case "--defer-threshold":
            guard let value = rest.popFirst().flatMap(Int.init), value >= 0 else {
                fail("--defer-threshold wants a byte count", code: Exit.usage)
            }
            options.deferThreshold = value
        case "-h", "--help":
            print(usage)
            exit(0)
        default:
            if argument.hasPrefix("-") { fail("unknown option \(argument)", code: Exit.usage) }
            roots.append(argument)
        }
    }
    guard !roots.isEmpty else { fail("headers needs at least one folder", code: Exit.usage) }

    var fileCount = 0
    var elementCount = 0
    var failed = 0
    for root in roots {
        for path in files(under: root) {
            do {
                let file = try DICOMReader.read(path: path, options: options)
                fileCount += 1
                elementCount += file.dataset.count
            } catch {
                failed += 1
                FileHandle.standardError.write(Data("\(path): \(error)\n".utf8))
            }
        }
    }
    print("files=\(fileCount) elements=\(elementCount) failed=\(failed)")
}

func json(_ arguments: ArraySlice<String>) {
    var rounds = 5
    var options = DICOMJSON.Options()
    var roots: [String] = []
    var rest = arguments
    while let argument = rest.popFirst() {
        switch argument {
        case "--rounds":
            guard let value = rest.popFirst().flatMap(Int.init), value > 0 else {
                fail("--rounds wants a positive count", code: Exit.usage)
            }
            rounds = value
        case "--pretty": options.pretty = true
        default:
            if argument.hasPrefix("-") { fail("unknown option \(argument)", code: Exit.usage) }
            roots.append(argument)
        }
    }
    guard !roots.isEmpty else { fail("json needs at least one folder", code: Exit.usage) }
    var readOptions = DICOMReader.Options()
    readOptions.stopBeforePixels = true
    var datasets: [Dataset] = []
    for root in roots {
        for path in files(under: root) {
            do {
                datasets.append(try DICOMReader.read(path: path, options: readOptions).dataset)
            } catch {
                FileHandle.standardError.write(Data("\(path): \(error)\n".utf8))
            }
        }
    }
    guard !datasets.isEmpty else { fail("no readable files", code: Exit.failure) }
    var best = Duration.seconds(Int64.max)
    var bytes = 0
    let clock = ContinuousClock()
    for _ in 0..<rounds {
        var total = 0
        let elapsed = clock.measure {
            for dataset in datasets {
                do {
                    total += try DICOMJSON.encode(dataset, options: options).count
                } catch {
                    fail("encode: \(error)", code: Exit.failure)
                }
            }
        }
        best = min(best, elapsed)
        bytes = total
    }
    let (seconds, attoseconds) = best.components
    let micros = (Double(seconds) * 1e6 + Double(attoseconds) / 1e12) / Double(datasets.count)
    print("files=\(datasets.count) bytes=\(bytes) us_per_file=\((micros * 10).rounded() / 10)")
}

var arguments = CommandLine.arguments.dropFirst()
switch arguments.popFirst() {
case "headers": headers(arguments)
case "json": json(arguments)
case "-h", "--help", "help": print(usage)
case let other?: fail("unknown subcommand \(other)", code: Exit.usage)
case nil: fail("missing subcommand", code: Exit.usage)
}
