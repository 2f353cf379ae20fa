import DICOM

@main
struct FedLake {
    static func main() {
        print("fedlake: dictionary \(DataDictionary.count) attributes")
    }
}
