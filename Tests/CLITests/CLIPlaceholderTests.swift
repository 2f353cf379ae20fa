import Testing

@Suite struct CLISmokeTests {
    @Test func builds() { #expect(Bool(true)) }
}
