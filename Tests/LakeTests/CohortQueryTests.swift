import Foundation
@testable import Lake
import TestSupport
import Testing

@Suite struct CohortQueryTests {
    private func error(_ json: String) -> CohortError? {
        do {
            _ = try CohortQuery(json: Data(json.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test func badQueriesNameTheirJSONPath() {
        let cases: [(String, String, CohortError.Code)] = [
            (#"{"version":1,"statistic":{"kind":"count"},"extra":1}"#, "$.extra", .unknownKey),
            (#"{"statistic":{"kind":"count"}}"#, "$.version", .missingKey),
            (#"{"version":2,"statistic":{"kind":"count"}}"#, "$.version", .invalidValue),
            (#"{"version":1}"#, "$.statistic", .missingKey),
            (
                #"{"version":1,"criteria":{"all":[{"field":"sex","op":"eq","value":"F"},{"field":"modality","op":"eq","value":"CT"},{"fieldd":"x"}]},"statistic":{"kind":"count"}}"#,
                "$.criteria.all[2].fieldd", .unknownKey
            ),
            (
                #"{"version":1,"criteria":{"all":[{"field":"sex","op":"eq","value":"F"},{"field":"modality","op":"eq","value":"CT"},{"field":"colour","op":"eq","value":"x"}]},"statistic":{"kind":"count"}}"#,
                "$.criteria.all[2].field", .invalidValue
            ),
            (#"{"version":1,"criteria":{"field":"sex","op":"gt","value":"F"},"statistic":{"kind":"count"}}"#, "$.criteria.op", .invalidValue),
            (#"{"version":1,"criteria":{"field":"sex","op":"eq","value":"X"},"statistic":{"kind":"count"}}"#, "$.criteria.value", .invalidValue),
            (#"{"version":1,"criteria":{"field":"ageAtStudy","op":"ge","value":"60"},"statistic":{"kind":"count"}}"#, "$.criteria.value", .wrongType),
            (#"{"version":1,"criteria":{"field":"ageAtStudy","op":"ge","value":60.5},"statistic":{"kind":"count"}}"#, "$.criteria.value", .wrongType),
            (#"{"version":1,"criteria":{"field":"ageAtStudy","op":"ge","value":true},"statistic":{"kind":"count"}}"#, "$.criteria.value", .wrongType),
            (#"{"version":1,"criteria":{"field":"ageAtStudy","op":"ge","value":200},"statistic":{"kind":"count"}}"#, "$.criteria.value", .invalidValue),
            (#"{"version":1,"criteria":{"field":"studyDate","op":"lt","value":"2020-02-30"},"statistic":{"kind":"count"}}"#, "$.criteria.value", .invalidValue),
            (#"{"version":1,"criteria":{"not":{"any":[{"field":"modality","op":"in","value":["CT","ZZ"]}]}},"statistic":{"kind":"count"}}"#, "$.criteria.not.any[0].value[1]", .invalidValue),
            (#"{"version":1,"criteria":{"field":"ageAtStudy","op":"between","value":[70,60]},"statistic":{"kind":"count"}}"#, "$.criteria.value", .invalidValue),
            (#"{"version":1,"criteria":{"field":"reportText","op":"mentions","value":"\"*\""},"statistic":{"kind":"count"}}"#, "$.criteria.value", .invalidValue),
            (#"{"version":1,"criteria":{"field":"manufacturer","op":"eq","value":"a\u0000b"},"statistic":{"kind":"count"}}"#, "$.criteria.value", .invalidValue),
            (#"{"version":1,"criteria":{"all":[]},"statistic":{"kind":"count"}}"#, "$.criteria.all", .invalidValue),
            (#"{"version":1,"criteria":[],"statistic":{"kind":"count"}}"#, "$.criteria", .wrongType),
            (#"{"version":1,"statistic":{"kind":"median"}}"#, "$.statistic.kind", .invalidValue),
            (#"{"version":1,"statistic":{"kind":"count","field":"sex"}}"#, "$.statistic.field", .unknownKey),
            (#"{"version":1,"statistic":{"kind":"histogram","field":"ageAtStudy"}}"#, "$.statistic.bins", .missingKey),
            (#"{"version":1,"statistic":{"kind":"histogram","field":"manufacturer"}}"#, "$.statistic.field", .invalidValue),
            (#"{"version":1,"statistic":{"kind":"histogram","field":"reportText"}}"#, "$.statistic.field", .invalidValue),
            (#"{"version":1,"statistic":{"kind":"histogram","field":"sex","by":"sex"}}"#, "$.statistic.by", .invalidValue),
            (#"{"version":1,"statistic":{"kind":"histogram","field":"ageAtStudy","bins":{"edges":[10,5]}}}"#, "$.statistic.bins", .invalidValue),
            (#"{"version":1,"statistic":{"kind":"histogram","field":"sex","unit":"studies","pick":"each"}}"#, "$.statistic.pick", .invalidValue),
            (#"{"version":1,"statistic":{"kind":"sum","field":"ageAtStudy","bounds":[5]}}"#, "$.statistic.bounds", .invalidValue),
            (#"{"version":1,"statistic":{"kind":"sum","field":"ageAtStudy","bounds":[0,90],"pick":"each"}}"#, "$.statistic.pick", .invalidValue),
            (#"{"version":1,"statistic":{"kind":"mean","field":"sex","bounds":[0,1]}}"#, "$.statistic.field", .invalidValue),
            (#"{"version":1,"statistic":{"kind":"quantiles","field":"ageAtStudy","bins":{"start":0,"width":5,"count":18},"probabilities":[0,0.5]}}"#, "$.statistic.probabilities", .invalidValue),
            (#"{"version":1,"statistic":{"kind":"count"},"rho":"-1"}"#, "$.rho", .invalidValue),
            (#"{"version":1,"statistic":{"kind":"count"},"rho":"0"}"#, "$.rho", .invalidValue),
            (#"{"version":1,"statistic":{"kind":"count"},"rho":"NaN"}"#, "$.rho", .invalidValue),
            (#"{"version":1,"statistic":{"kind":"count"},"rho":"inf"}"#, "$.rho", .invalidValue),
            (#"{"version":1,"statistic":{"kind":"count"},"rho":"1/0"}"#, "$.rho", .invalidValue),
            (#"{"version":1,"statistic":{"kind":"count"}"#, "$", .malformedJSON),
            (#"[1,2]"#, "$", .wrongType),
        ]
        for (json, path, code) in cases {
            let found = error(json)
            #expect(found?.path == path, "\(json)")
            #expect(found?.code == code, "\(json)")
        }
    }

    @Test func hardLimitsRefuseDeepWideAndLongQueries() {
        var deep = #"{"field":"sex","op":"eq","value":"F"}"#
        for _ in 0..<9 { deep = #"{"not":"# + deep + "}" }
        #expect(error(#"{"version":1,"criteria":"# + deep + #","statistic":{"kind":"count"}}"#)?.code == .limitExceeded)
        let wide = Array(repeating: #"{"field":"sex","op":"eq","value":"F"}"#, count: 65).joined(separator: ",")
        let wideError = error(#"{"version":1,"criteria":{"any":["# + wide + #"]},"statistic":{"kind":"count"}}"#)
        #expect(wideError?.code == .limitExceeded)
        #expect(wideError?.path == "$.criteria.any[64]")
        let long = String(repeating: "a", count: 201)
        let longError = error(#"{"version":1,"criteria":{"field":"model","op":"eq","value":""# + long + #""},"statistic":{"kind":"count"}}"#)
        #expect(longError?.code == .limitExceeded)
        let list = Array(repeating: #""CT""#, count: 65).joined(separator: ",")
        #expect(error(#"{"version":1,"criteria":{"field":"modality","op":"in","value":["# + list + #"]},"statistic":{"kind":"count"}}"#)?.code == .limitExceeded)
        let big = Data(count: CohortQuery.Limits.maximumBytes + 1)
        #expect(throws: CohortError.self) { try CohortQuery(json: big) }
    }

    @Test func canonicalJSONIgnoresKeyOrderSpacingAndNames() throws {
        let a = try CohortQuery(
            json: Data(#"{"version":1,"name":"a","statistic":{"kind":"histogram","field":"sex"},"criteria":{"field":"ageAtStudy","op":"ge","value":60}}"#.utf8))
        let b = try CohortQuery(
            json: Data(#"{ "criteria": {"value": 60, "op": "ge", "field": "ageAtStudy"}, "statistic": {"field": "sex", "kind": "histogram", "pick": "earliest"}, "version": 1 }"#.utf8))
        let rho = try #require(Rho("1/100"))
        #expect(a.canonicalJSON(rho: rho) == b.canonicalJSON(rho: rho))
        #expect(try a.identity(rho: rho) == b.identity(rho: rho))
        #expect(try a.identity(rho: rho) != a.identity(rho: try #require(Rho("1/50"))))
        #expect(a.canonicalJSON(rho: rho).contains(#""rho":"1/100""#))
    }

    @Test func rhoIsExactAndRefusesWhatIsNotAFiniteNonNegativeRational() throws {
        #expect(Rho("0.01")?.description == "1/100")
        #expect(Rho("1e-3")?.description == "1/1000")
        #expect(Rho("6/4")?.description == "3/2")
        #expect(Rho("2")?.description == "2")
        for bad in ["", "-1", "NaN", "inf", "1/0", "0x10", "1.2.3", "1/-2", ".", "1e99"] {
            #expect(Rho(bad) == nil, "\(bad)")
        }
        let third = try #require(Rho("1/3"))
        var total = Rho.zero
        for _ in 0..<3 { total = try #require(total.adding(third)) }
        #expect(total == Rho("1"))
        #expect(third.subtracting(try #require(Rho("1/2"))) == nil)
        #expect(!(try #require(Rho("1/2")) < third))
        #expect(try #require(Rho("1/3")).decimal() == "0.333333")
    }
}

@Suite struct CohortSchemaTests {
    @Test func everyExampleValidatesAgainstTheJSONSchemaAndTheSchemaRefusesABadOne() throws {
        guard let python = ToolLocator.find("python3") else {
            #expect(!ToolLocator.isContinuousIntegration, "python3 is missing")
            return
        }
        let script = """
            import json, sys, glob, os
            try:
                import jsonschema
            except ImportError:
                print("no-jsonschema"); sys.exit(0)
            folder = sys.argv[1]
            schema = json.load(open(os.path.join(folder, "schema.json")))
            jsonschema.Draft202012Validator.check_schema(schema)
            validator = jsonschema.Draft202012Validator(schema)
            for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
                if path.endswith("schema.json"): continue
                errors = list(validator.iter_errors(json.load(open(path))))
                if errors: print("invalid", os.path.basename(path), errors[0].message); sys.exit(1)
            bad = {"version": 1, "criteria": {"field": "sex", "op": "gt", "value": "F"}, "statistic": {"kind": "count"}}
            if validator.is_valid(bad): print("accepted a bad query"); sys.exit(1)
            print("ok")
            """
        let process = Process()
        process.executableURL = python
        process.arguments = ["-c", script, CohortExamples.folder.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if output.contains("no-jsonschema") {
            #expect(!ToolLocator.isContinuousIntegration, "pip jsonschema is missing")
            return
        }
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.contains("ok"))
    }
}
