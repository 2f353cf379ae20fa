import DICOM
import Foundation
import TestSupport
import Testing

@Suite struct FileTreeTests {
    @Test func listsRegularFilesAtEveryDepthWithoutEnteringLinkedFolders() throws {
        let root = try TemporaryDirectory(prefix: "tree")
        let manager = FileManager.default
        try manager.createDirectory(at: root.file("a/b/c"), withIntermediateDirectories: true)
        try manager.createDirectory(at: root.file(".hidden"), withIntermediateDirectories: true)
        for path in ["top.dcm", "a/one.txt", "a/b/c/deep.dcm", ".dot", ".hidden/inside"] {
            try Data("x".utf8).write(to: root.file(path))
        }
        try manager.createSymbolicLink(atPath: root.file("a/loop").path, withDestinationPath: root.path)
        try manager.createSymbolicLink(atPath: root.file("link.dcm").path, withDestinationPath: root.file("top.dcm").path)
        mkfifo(root.file("pipe").path, 0o600)

        let all = try FileTree.regularFiles(under: root.path).sorted()
        #expect(all == [".dot", ".hidden/inside", "a/b/c/deep.dcm", "a/one.txt", "top.dcm"])
        let visible = try FileTree.regularFiles(under: root.path, skippingHidden: true, followingFileLinks: true).sorted()
        #expect(visible == ["a/b/c/deep.dcm", "a/one.txt", "link.dcm", "top.dcm"])
    }

    @Test func namesTheFolderThatCannotBeRead() throws {
        #expect(throws: FileTree.Failure.self) { try FileTree.regularFiles(under: "/nonexistent-folder-of-fedlake") }
        do {
            _ = try FileTree.regularFiles(under: "/nonexistent-folder-of-fedlake")
        } catch {
            #expect(error.path == "/nonexistent-folder-of-fedlake")
            #expect(error.description.contains("No such file"))
        }
    }

    @Test(arguments: [
        ("a/B.DCM", "dcm"), ("report.txt", "txt"), ("dir.d/file", ""), (".hidden", ""), ("x/.profile", ""),
        ("archive.tar.gz", "gz"), ("", ""), ("name.", ""),
    ])
    func pathExtensions(path: String, expected: String) {
        #expect(FileTree.pathExtension(of: path) == expected)
    }
}
