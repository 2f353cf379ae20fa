import Connectors
import Testing

@Suite struct ListBucketXMLTests {
    static let page = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
          <Name>scans</Name><Prefix>in/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
          <IsTruncated>true</IsTruncated>
          <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
          <!-- a comment -->
          <Contents>
            <Key>in/a&amp;b &lt;1&gt;.dcm</Key>
            <LastModified>2025-01-02T03:04:05.000Z</LastModified>
            <ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag>
            <Size>1234</Size><StorageClass>STANDARD</StorageClass>
          </Contents>
          <Contents>
            <Key><![CDATA[in/é&x.dcm]]></Key><ETag>&#34;abc-2&#x22;</ETag><Size>0</Size>
          </Contents>
        </ListBucketResult>
        """

    @Test func readsKeysETagsSizesAndPagination() throws {
        let result = try ListBucketXML.parse(bytes: Array(Self.page.utf8))
        #expect(result.name == "scans")
        #expect(result.prefix == "in/")
        #expect(result.keyCount == 2)
        #expect(result.isTruncated)
        #expect(result.nextContinuationToken == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
        #expect(result.contents == [
            .init(key: "in/a&b <1>.dcm", eTag: "9b2cf535f27731c974343645a3985328", size: 1234,
                  lastModified: "2025-01-02T03:04:05.000Z"),
            .init(key: "in/é&x.dcm", eTag: "abc-2", size: 0, lastModified: ""),
        ])
    }

    @Test func readsAnEmptyLastPage() throws {
        let xml = "<ListBucketResult><Name>b</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated><Prefix/></ListBucketResult>"
        let result = try ListBucketXML.parse(bytes: Array(xml.utf8))
        #expect(!result.isTruncated)
        #expect(result.contents.isEmpty)
        #expect(result.nextContinuationToken == nil)
    }

    @Test func readsAnErrorDocument() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message>
            <BucketName>missing</BucketName><RequestId>4442587FB7D0A2F9</RequestId></Error>
            """
        let error = try ListBucketXML.parseError(bytes: Array(xml.utf8))
        #expect(error == S3ErrorDocument(code: "NoSuchBucket", message: "The specified bucket does not exist",
                                         requestID: "4442587FB7D0A2F9", bucketName: "missing"))
        // An error document is not a listing.
        let notAListing = #expect(throws: ConnectorError.self) { try ListBucketXML.parse(bytes: Array(xml.utf8)) }
        #expect(notAListing?.code == .malformedResponse)
        #expect(notAListing?.description.contains("<Error>") == true)
    }

    @Test func refusesDocumentTypeDeclarationsSoEntitiesAreNeverExpanded() {
        let laughs = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
            <ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>&lol2;</Key><Size>1</Size></Contents></ListBucketResult>
            """
        let error = #expect(throws: ConnectorError.self) { try ListBucketXML.parse(bytes: Array(laughs.utf8)) }
        #expect(error?.code == .malformedResponse)
        #expect(error?.description.contains("DOCTYPE") == true)
        #expect(error?.description.contains("byte offset 22") == true)
    }

    @Test func refusesEntitiesThatAreNotPredefined() {
        let xml = "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>&xxe;</Key><Size>1</Size></Contents></ListBucketResult>"
        let error = #expect(throws: ConnectorError.self) { try ListBucketXML.parse(bytes: Array(xml.utf8)) }
        #expect(error?.description.contains("not predefined") == true)
        for bad in ["&#0;", "&#xD800;", "&#x110000;", "&# ;", "& amp;"] {
            let text = "<ListBucketResult><IsTruncated>false</IsTruncated><Name>\(bad)</Name></ListBucketResult>"
            #expect(throws: ConnectorError.self, "\(bad)") { try ListBucketXML.parse(bytes: Array(text.utf8)) }
        }
    }

    @Test func limitsNestingDepth() {
        let depth = 10_000
        let xml = String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        let error = #expect(throws: ConnectorError.self) { try ListBucketXML.parse(bytes: Array(xml.utf8)) }
        #expect(error?.description.contains("nested deeper than \(ListBucketXML.maximumDepth)") == true)
    }

    @Test func limitsTheTextOfOneElement() {
        let huge = String(repeating: "k", count: ListBucketXML.maximumTextBytes + 1)
        let xml = "<ListBucketResult><IsTruncated>false</IsTruncated><Name>\(huge)</Name></ListBucketResult>"
        let error = #expect(throws: ConnectorError.self) { try ListBucketXML.parse(bytes: Array(xml.utf8)) }
        #expect(error?.description.contains("exceeds") == true)
    }

    @Test func refusesMalformedDocumentsNamingTheOffset() {
        let cases: [(String, String)] = [
            ("", "no root element"),
            ("<ListBucketResult>", "is not closed"),
            ("<a></b>", "does not match"),
            ("<a/><b/>", "second root"),
            ("text<a/>", "outside the root"),
            ("<a x=1/>", "quoted attribute"),
            ("<a><!-- open", "comment"),
            ("<a>x</a", "expected '>'"),
            ("</a>", "without a start tag"),
        ]
        for (xml, reason) in cases {
            let error = #expect(throws: ConnectorError.self, "\(xml)") { try ListBucketXML.parse(bytes: Array(xml.utf8)) }
            #expect(error?.description.contains(reason) == true, "\(xml): \(error?.description ?? "")")
            #expect(error?.description.contains("byte offset") == true)
        }
        let invalidUTF8: [UInt8] = Array("<ListBucketResult><Name>".utf8) + [0xFF, 0xFE] + Array("</Name></ListBucketResult>".utf8)
        #expect(throws: ConnectorError.self) { try ListBucketXML.parse(bytes: invalidUTF8) }
    }

    @Test func requiresTheElementsItRelies() {
        let cases = [
            "<ListBucketResult><Contents><Key>a</Key><Size>1</Size></Contents></ListBucketResult>",
            "<ListBucketResult><IsTruncated>maybe</IsTruncated></ListBucketResult>",
            "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Size>1</Size></Contents></ListBucketResult>",
            "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>a</Key><Size>-1</Size></Contents></ListBucketResult>",
            "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>a</Key></Contents></ListBucketResult>",
        ]
        for xml in cases {
            let error = #expect(throws: ConnectorError.self, "\(xml)") { try ListBucketXML.parse(bytes: Array(xml.utf8)) }
            #expect(error?.code == .malformedResponse)
        }
    }

    @Test func errorsShowAKeyFingerprintButNeverTheKey() {
        let error = ConnectorError(.integrity, source: "s3 http://127.0.0.1:1/b/", operation: "GetObject bucket b",
                                   objectLabel: "key#00000000(12 bytes)", objectKey: "Mueller_Hans", reason: "short")
        #expect(!error.description.contains("Mueller"))
        #expect(error.expandedDescription.contains("Mueller_Hans"))
    }
}
