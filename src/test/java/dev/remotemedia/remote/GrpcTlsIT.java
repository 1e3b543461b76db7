package dev.remotemedia.remote;

import dev.remotemedia.load.ChildServer;
import dev.remotemedia.testing.FreeGrpcPort;
import dev.remotemedia.testing.TestCerts;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.remotemedia.remote.RemoteHarness.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The product's own gRPC server (the packaged app, a real process) with TLS and with mutual TLS
 * configured only through Quarkus properties, as README's configuration table gives them; our
 * client connects with the matching `tls{}` params and is refused without them.
 */
class GrpcTlsIT {
    static final String NO_RETRY = "\"retry\":{\"max_retries\":0,\"backoff_ms\":10},\"health_check\":{\"interval_ms\":0},\"timeout_ms\":5000";

    @Test
    void tlsAndMutualTlsFromTheServersConfig() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "grpc-tls"));
        TestCerts certs = TestCerts.create(work);
        List<String> tls = List.of("-Dquarkus.profile=prod,gpu",
                "-Dquarkus.grpc.server.ssl.certificate=" + certs.serverCert, "-Dquarkus.grpc.server.ssl.key=" + certs.serverKey);
        ChildServer tlsOnly = new ChildServer("grpc-tls", work, "127.0.0.1", FreeGrpcPort.freePort(), FreeGrpcPort.freePort(), tls);
        List<String> mtls = new java.util.ArrayList<>(tls);
        mtls.addAll(List.of("-Dquarkus.grpc.server.ssl.trust-store=" + certs.caTrustStore,
                "-Dquarkus.grpc.server.ssl.trust-store-password=" + TestCerts.TRUST_STORE_PASSWORD, "-Dquarkus.grpc.server.ssl.client-auth=REQUIRED"));
        ChildServer mutual = new ChildServer("grpc-mtls", work, "127.0.0.1", FreeGrpcPort.freePort(), FreeGrpcPort.freePort(), mtls);
        try {
            tlsOnly.start();
            mutual.start();
            tlsOnly.awaitUp(90_000);
            mutual.awaitUp(90_000);
            String ca = "\"tls\":{\"enabled\":true,\"ca_file\":\"" + certs.caCert + "\"";
            String clientCert = ",\"cert_file\":\"" + certs.clientCert + "\",\"key_file\":\"" + certs.clientKey + "\"";

            assertEquals("ok", run("localhost:" + tlsOnly.grpcPort, ca + "}"), "TLS with the CA");
            assertTrue(run("localhost:" + tlsOnly.grpcPort, "\"tls\":{\"enabled\":false}").startsWith("error"), "plaintext to a TLS server is refused");

            assertTrue(run("localhost:" + mutual.grpcPort, ca + "}").startsWith("error"), "mutual TLS without a client certificate is refused");
            assertEquals("ok", run("localhost:" + mutual.grpcPort, ca + clientCert + "}"), "mutual TLS with the client certificate");
            // (the separate server's start-up line prints "TLS enabled: false" even so: it reads only the TLS registry)
        } finally {
            tlsOnly.kill();
            mutual.kill();
        }
    }

    @Test
    void aServerWhoseGrpcCannotStartStopsInsteadOfReportingReady() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "grpc-tls-bad"));
        TestCerts certs = TestCerts.create(work);
        // a PEM trust store: the separate gRPC server takes only PKCS12/JKS with a password, fails, and Quarkus runs on
        ChildServer broken = new ChildServer("grpc-bad-tls", work, "127.0.0.1", FreeGrpcPort.freePort(), FreeGrpcPort.freePort(),
                List.of("-Dquarkus.profile=prod,gpu", "-Dquarkus.grpc.server.ssl.certificate=" + certs.serverCert,
                        "-Dquarkus.grpc.server.ssl.key=" + certs.serverKey, "-Dquarkus.grpc.server.ssl.trust-store=" + certs.caCert));
        try {
            broken.start();
            assertEquals(1, broken.awaitExit(90_000), "exit code 1: an orchestrator sees a failed task, not a ready one");
            String log = Files.readString(broken.log());
            assertTrue(log.contains("the gRPC server is not listening on 127.0.0.1:" + broken.grpcPort), log);
        } finally {
            broken.kill();
        }
    }

    /** One segment through the endpoint: "ok" with a result, else "error: …". */
    private static String run(String endpoint, String tls) {
        try (RemoteHarness h = new RemoteHarness(params(List.of(endpoint), NO_RETRY + "," + tls))) {
            h.send();
            h.awaitAll(15_000);
            if (h.events("result").size() == 1) return "ok";
            return "error: " + h.summary();
        }
    }
}
