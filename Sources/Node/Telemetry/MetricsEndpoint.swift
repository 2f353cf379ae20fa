import Foundation
import HTTP
public import Telemetry

/// The node's Prometheus endpoint: `GET /metrics` on the loopback address of `metrics.listen`, answered with
/// a registry's text (format 0.0.4).
///
/// ```swift
/// let endpoint = try MetricsEndpoint(configuration: node.configuration, registry: metrics.registry)
/// defer { endpoint.stop() }
/// logger.info("metrics at http://\(endpoint.address, sensitivity: .public)/metrics")
/// ```
///
/// Only loopback addresses are served (the configuration refuses others, and so does the server): metrics
/// reveal activity, and the node accepts no inbound connections from the network. Connections are served on
/// the server's own threads, so a scrape is answered while ingest keeps Swift's thread pool busy.
public final class MetricsEndpoint: Sendable {
    /// The address bound, such as `127.0.0.1:9464`.
    public let address: String
    private let server: MetricsServer

    /// Binds `configuration.metrics.listen` and serves `registry`.
    /// - Throws: ``NodeError`` `.metrics` naming `metrics.listen` and the address when it cannot be bound
    ///   (another process holds the port, or the address is not on this host or not loopback).
    public init(configuration: NodeConfiguration, registry: MetricsRegistry) throws(NodeError) {
        let listen = configuration.metrics.listen
        do {
            server = try MetricsServer(listen: listen) { registry.prometheusText() }
        } catch {
            let inUse = error.description.contains("in use")
            throw NodeError(
                .metrics, file: configuration.file.path, key: "metrics.listen",
                "cannot serve metrics on \(listen): "
                    + (inUse
                        ? "the address is already in use (another node or exporter holds the port); stop it or set another port"
                        : error.description))
        }
        address = server.address.description
    }

    /// Stops serving; returns when connections being answered are done. Safe to call more than once.
    public func stop() {
        server.stop()
    }
}
