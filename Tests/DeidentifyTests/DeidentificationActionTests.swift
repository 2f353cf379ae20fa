import Testing

@testable import Deidentify

@Suite struct DeidentificationActionTests {
    @Test func parsesEveryCodeOfTheTable() {
        let codes = ["D", "Z", "X", "K", "C", "U", "Z/D", "X/Z", "X/D", "X/Z/D", "X/Z/U*"]
        #expect(codes.compactMap(DeidentificationAction.init(rawValue:)).count == codes.count)
        #expect(DeidentificationAction.allCases.filter(\.isComposite).count == 5)
    }

    @Test func resolvesCompositesByKnownType() {
        let expected: [DeidentificationAction: [AttributeType: DeidentificationAction]] = [
            .zeroLengthOrDummy: [.type1: .dummy, .type1C: .dummy, .type2: .zeroLength, .type2C: .zeroLength,
                                 .type3: .zeroLength],
            .removeOrZeroLength: [.type1: .dummy, .type1C: .dummy, .type2: .zeroLength, .type2C: .zeroLength,
                                  .type3: .remove],
            .removeOrDummy: [.type1: .dummy, .type1C: .dummy, .type2: .dummy, .type2C: .dummy, .type3: .remove],
            .removeOrZeroLengthOrDummy: [.type1: .dummy, .type1C: .dummy, .type2: .zeroLength,
                                         .type2C: .zeroLength, .type3: .remove],
            .removeOrZeroLengthOrReplaceUIDs: [.type1: .replaceUID, .type1C: .replaceUID, .type2: .zeroLength,
                                               .type2C: .zeroLength, .type3: .remove],
        ]
        for (action, byType) in expected {
            for (type, result) in byType {
                #expect(action.resolved(for: type) == result, "\(action) for Type \(type.rawValue)")
                #expect(ConfidentialityProfile.resolve(action, type: type) == result)
            }
        }
    }

    @Test func resolvesCompositesWithUnknownTypeToTheMostProtectiveValidAction() {
        #expect(DeidentificationAction.zeroLengthOrDummy.resolved(for: nil) == .dummy)
        #expect(DeidentificationAction.removeOrZeroLength.resolved(for: nil) == .zeroLength)
        #expect(DeidentificationAction.removeOrDummy.resolved(for: nil) == .dummy)
        #expect(DeidentificationAction.removeOrZeroLengthOrDummy.resolved(for: nil) == .dummy)
        #expect(DeidentificationAction.removeOrZeroLengthOrReplaceUIDs.resolved(for: nil) == .replaceUID)
    }

    @Test func leavesSimpleActionsAlone() {
        for action in DeidentificationAction.allCases where !action.isComposite {
            for type in [nil] + AttributeType.allCases.map(Optional.some) {
                #expect(action.resolved(for: type) == action)
            }
        }
    }

    @Test func ranksActionsByHowMuchTheyRemove() {
        let order: [DeidentificationAction] = [.keep, .clean, .replaceUID, .dummy, .zeroLength, .remove]
        #expect(order.map(\.protectiveness) == order.map(\.protectiveness).sorted())
        #expect(Set(order.map(\.protectiveness)).count == order.count)
    }
}
