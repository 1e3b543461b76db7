package dev.remotemedia.remote;

import dev.remotemedia.testing.RemoteServers;
import dev.remotemedia.testing.TestCerts;
import io.grpc.InsecureServerCredentials;
import io.grpc.TlsServerCredentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.remotemedia.remote.RemoteHarness.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bearer tokens, TLS and mutual TLS between RemotePipelineNode and a real server. */
class RemoteSecurityTest {
    final RemoteServers servers = new RemoteServers();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        servers.close();
    }

    private static String error(RemoteHarness h) {
        return h.events("error").isEmpty() ? "" : h.events("error").get(0).fields().path("kind").asText() + ": "
                + h.events("error").get(0).fields().path("message").asText();
    }

    @Test
    void rejectsMissingAndWrongTokensAndAcceptsTheRightOne() throws Exception {
        var s = servers.start(List.of(), List.of("right-token-123"), InsecureServerCredentials.create());
        String fast = "\"retry\":{\"max_retries\":1,\"backoff_ms\":10},\"health_check\":{\"interval_ms\":0}";
        try (RemoteHarness none = new RemoteHarness(params(List.of(s.address()), fast))) {
            none.send();
            none.awaitAll(5000);
            assertTrue(error(none).startsWith("Unauthenticated: "), error(none));
            assertTrue(error(none).contains("missing authorization"), error(none));
        }
        try (RemoteHarness wrong = new RemoteHarness(params(List.of(s.address()), fast + ",\"auth_token\":\"wrong-token-456\""))) {
            wrong.send();
            wrong.awaitAll(5000);
            assertTrue(error(wrong).startsWith("Unauthenticated: "), error(wrong));
            assertFalse(error(wrong).contains("wrong-token-456"), "tokens never appear in messages");
            assertEquals(1, wrong.events("latency").size() + wrong.events("error").size(), "not retried: a wrong token stays wrong");
        }
        try (RemoteHarness right = new RemoteHarness(params(List.of(s.address()), fast + ",\"auth_token\":\"right-token-123\""))) {
            right.send();
            right.awaitAll(5000);
            assertEquals(1, right.events("result").size(), right.summary());
        }
    }

    @Test
    void tlsRoundTrip() throws Exception {
        TestCerts certs = TestCerts.create(dir);
        var s = servers.start(List.of(), List.of(), TlsServerCredentials.create(certs.serverCert.toFile(), certs.serverKey.toFile()));
        try (RemoteHarness h = new RemoteHarness(params(List.of("localhost:" + s.port()),
                "\"tls\":{\"enabled\":true,\"ca_file\":\"" + certs.caCert + "\"}"))) {
            h.send();
            h.awaitAll(10_000);
            assertEquals(1, h.events("result").size(), h.summary());
        }
    }

    @Test
    void mutualTlsNeedsTheClientCertificate() throws Exception {
        TestCerts certs = TestCerts.create(dir);
        var credentials = TlsServerCredentials.newBuilder().keyManager(certs.serverCert.toFile(), certs.serverKey.toFile())
                .trustManager(certs.caCert.toFile()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE).build();
        var s = servers.start(List.of(), List.of(), credentials);
        String base = "\"retry\":{\"max_retries\":0,\"backoff_ms\":10},\"health_check\":{\"interval_ms\":0},\"tls\":{\"enabled\":true,\"ca_file\":\"" + certs.caCert + "\"";
        try (RemoteHarness without = new RemoteHarness(params(List.of("localhost:" + s.port()), base + "}"))) {
            without.send();
            without.awaitAll(10_000);
            assertEquals(0, without.events("result").size());
        }
        try (RemoteHarness with = new RemoteHarness(params(List.of("localhost:" + s.port()), base
                + ",\"cert_file\":\"" + certs.clientCert + "\",\"key_file\":\"" + certs.clientKey + "\"}"))) {
            with.send();
            with.awaitAll(10_000);
            assertEquals(1, with.events("result").size(), with.summary());
        }
    }
}
