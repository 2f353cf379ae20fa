// privacy-bench: the FedLake side of the sampler benchmark in bench/ (see bench/README.md).
//
//     privacy-bench laplace|gaussian SCALE COUNT
//
// Draws COUNT samples of the discrete Laplace distribution with scale SCALE, or of the discrete Gaussian with
// σ = SCALE (σ² = SCALE²), on one thread from OpenSSL's DRBG, and prints
// `draws=N seconds=S rate=R sum=X` (the sum keeps the work from being optimised away; the peer prints the same).

import Foundation
import Privacy

#if canImport(Glibc)
    import Glibc
#endif

func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data("Error: \(message)\nUSAGE: privacy-bench laplace|gaussian SCALE COUNT\n".utf8))
    exit(code)
}

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count == 3, let count = Int(arguments[arguments.startIndex + 2]), count > 0 else {
    fail("expected a distribution, a scale and a positive count", code: 2)
}
let kind = arguments[arguments.startIndex]
let scale: Rational
do {
    scale = try Rational(parsing: arguments[arguments.startIndex + 1])
} catch {
    fail("bad scale: \(error)", code: 2)
}

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

do {
    let stream = RandomStream()
    var sum: Int128 = 0
    let start: UInt64
    switch kind {
    case "laplace":
        let sampler = try DiscreteLaplaceSampler(scale: scale)
        start = now()
        for _ in 0..<count { sum &+= try sampler.sample(using: stream) }
    case "gaussian":
        let sampler = try DiscreteGaussianSampler(sigmaSquared: scale * scale)
        start = now()
        for _ in 0..<count { sum &+= try sampler.sample(using: stream) }
    default:
        fail("unknown distribution \(kind)", code: 2)
    }
    let seconds = Double(now() - start) / 1e9
    print("draws=\(count) seconds=\(seconds) rate=\(Double(count) / seconds) sum=\(sum)")
} catch {
    fail("\(error)", code: 1)
}
