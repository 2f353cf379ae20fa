# Privacy audit (Tests/PrivacyAuditTests, results in Tests/PrivacyAuditTests/README.md); included from the top Makefile.
#
#   make audit-privacy        the light profile (fixed seeds, debug build); `make test` runs it too
#   make audit-privacy-full   the full profile (FEDLAKE_AUDIT_PROFILE=full): 20 seeded clean runs of every real
#                             mechanism, 10,000 + 50,000 releases per side, release build; prints the summary table
#
# The release build needs -enable-testing (the suite reads `@testable` Lake internals for exact counts).

AUDIT_SCRATCH ?= .build
AUDIT_FULL_SCRATCH ?= .build-release-tests
AUDIT_FULL_OUTPUT ?= $(AUDIT_FULL_SCRATCH)/privacy-audit-full.txt

.PHONY: audit-privacy audit-privacy-full

audit-privacy:
	swift build --build-tests --scratch-path $(AUDIT_SCRATCH)
	swift test --skip-build --scratch-path $(AUDIT_SCRATCH) --filter PrivacyAuditTests

audit-privacy-full:
	swift build -c release --build-tests -Xswiftc -enable-testing --scratch-path $(AUDIT_FULL_SCRATCH)
	set -o pipefail; FEDLAKE_AUDIT_PROFILE=full swift test -c release --skip-build --scratch-path $(AUDIT_FULL_SCRATCH) \
	    --filter PrivacyAuditTests 2>&1 | tee $(AUDIT_FULL_OUTPUT)
	@echo "| mechanism | claim | largest lower bound on ε (20 runs) | alarms | noise χ² rejections | verdict |"
	@grep '^audit-summary:' $(AUDIT_FULL_OUTPUT) | sed 's/^audit-summary: //'
