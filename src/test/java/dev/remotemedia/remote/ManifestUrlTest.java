package dev.remotemedia.remote;

import com.sun.net.httpserver.HttpServer;
import dev.remotemedia.manifest.ManifestFetcher;
import dev.remotemedia.manifest.S3ObjectStore;
import dev.remotemedia.manifest.UrlPolicy;
import dev.remotemedia.testing.RemoteServers;
import dev.remotemedia.testing.S3Proxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** manifest_url from a real S3 API (s3proxy) and from HTTP, with caching, ETags and hot reload. */
class ManifestUrlTest {
    @TempDir
    static Path dir;
    static S3Proxy s3proxy;
    static S3Client s3;
    final RemoteServers servers = new RemoteServers();

    static String stats(String nodeId) {
        return "{\"version\":\"v1\",\"nodes\":[{\"id\":\"" + nodeId + "\",\"node_type\":\"AudioStats\"}]}";
    }

    @BeforeAll
    static void startS3() throws Exception {
        s3proxy = new S3Proxy(dir);
        s3 = s3proxy.client();
        s3.createBucket(b -> b.bucket("manifests"));
        RemoteServers.manifests(new S3ObjectStore(() -> s3), Duration.ofMillis(300));
    }

    @AfterAll
    static void stopS3() {
        RemoteServers.manifests(null, Duration.ofSeconds(1));
        s3.close();
        s3proxy.close();
    }

    @AfterEach
    void stop() {
        servers.close();
    }

    private static String remote(String endpoint, String url) {
        return "{\"endpoint\":\"" + endpoint + "\",\"manifest_url\":\"" + url + "\",\"retry\":{\"max_retries\":1,\"backoff_ms\":10},"
                + "\"health_check\":{\"interval_ms\":0}}";
    }

    private static String node(RemoteHarness h) {
        return h.events("result").get(h.events("result").size() - 1).fields().path("node").asText();
    }

    @Test
    void s3ManifestRunsAndAChangeAppliesToNewSessionsOnly() throws Exception {
        s3proxy.put(s3, "manifests", "demo/stats.json", stats("stats_v1"));
        var server = servers.start();
        try (RemoteHarness running = new RemoteHarness(remote(server.address(), "s3://manifests/demo/stats.json"))) {
            running.send();
            running.awaitAll(10_000);
            assertEquals("stats_v1", node(running), running.summary());

            s3proxy.put(s3, "manifests", "demo/stats.json", stats("stats_v2"));
            RemoteHarness.sleep(400); // past the cache TTL: the next fetch re-validates its ETag
            try (RemoteHarness fresh = new RemoteHarness(remote(server.address(), "s3://manifests/demo/stats.json"))) {
                fresh.send();
                fresh.awaitAll(10_000);
                assertEquals("stats_v2", node(fresh), "a new session gets the changed manifest");
            }
            running.send();
            running.awaitAll(10_000);
            assertEquals("stats_v1", node(running), "the running session keeps its manifest");
        }
    }

    @Test
    void missingS3ObjectIsManifestFetchFailedNamingTheUrlNotTheCredentials() throws Exception {
        var server = servers.start();
        try (RemoteHarness h = new RemoteHarness(remote(server.address(), "s3://manifests/nope.json"))) {
            h.send();
            h.awaitAll(10_000);
            var e = h.events("error").get(0).fields();
            assertEquals("ManifestFetchFailed", e.path("kind").asText(), e.toString());
            assertTrue(e.path("message").asText().contains("s3://manifests/nope.json"), e.toString());
            assertFalse(e.path("message").asText().contains(S3Proxy.CREDENTIAL));
        }
    }

    @Test
    void httpManifestIsCachedAndRevalidatedWithItsEtag() throws Exception {
        AtomicInteger fullResponses = new AtomicInteger(), notModified = new AtomicInteger();
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/m.json", ex -> {
            if ("\"v1\"".equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
                notModified.incrementAndGet();
                ex.sendResponseHeaders(304, -1);
            } else {
                fullResponses.incrementAndGet();
                byte[] body = stats("from_http").getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("ETag", "\"v1\"");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        http.start();
        try {
            var fetcher = new ManifestFetcher(Duration.ofMillis(200), Duration.ofSeconds(2), 1, null);
            String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/m.json?X-Amz-Signature=secret";
            assertTrue(fetcher.fetch(url).await().atMost(Duration.ofSeconds(5)).contains("from_http"));
            fetcher.fetch(url).await().atMost(Duration.ofSeconds(5)); // fresh: from cache
            assertEquals(1, fullResponses.get());
            RemoteHarness.sleep(300);
            assertTrue(fetcher.fetch(url).await().atMost(Duration.ofSeconds(5)).contains("from_http"));
            assertEquals(1, fullResponses.get());
            assertEquals(1, notModified.get(), "re-validated with If-None-Match");
            assertEquals("http://127.0.0.1:" + http.getAddress().getPort() + "/m.json", ManifestFetcher.printable(url),
                    "query strings (signatures) are never printed");
        } finally {
            http.stop(0);
        }
    }

    @Test
    void workersFetchOnlyWhatTheirUrlPolicyAllows() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/m.json", ex -> {
            byte[] body = stats("from_http").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.createContext("/to-metadata", ex -> { // an allowed host redirecting to the metadata service
            ex.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data/iam/");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        http.start();
        String local = "http://127.0.0.1:" + http.getAddress().getPort();
        s3proxy.put(s3, "manifests", "ok.json", stats("from_s3"));
        try {
            RemoteServers.urlPolicy(UrlPolicy.DEFAULT);
            var strict = servers.start();
            assertRefused(strict.address(), "file:///etc/hostname", "scheme \"file\" is not allowed");
            assertRefused(strict.address(), local + "/m.json", "scheme \"http\" is not allowed");
            assertRefused(strict.address(), "https://169.254.169.254/latest/meta-data/", "169.254.169.254, a link-local (cloud metadata) address");
            assertRefused(strict.address(), "https://[fd00:ec2::254]/latest/", "a private address");
            assertRefused(strict.address(), "https://127.0.0.1:1/m.json", "a loopback address");
            assertEquals("ok", run(strict.address(), "s3://manifests/ok.json"), "s3 stays allowed by default");

            RemoteServers.urlPolicy(new UrlPolicy(java.util.Set.of("http", "s3"), List.of(), List.of("manifests"), List.of("127.0.0.0/8")));
            var listed = servers.start();
            assertEquals("ok", run(listed.address(), local + "/m.json"), "loopback allowed once its network is listed");
            assertRefused(listed.address(), local + "/to-metadata", "169.254.169.254");
            assertRefused(listed.address(), "s3://other-bucket/ok.json", "bucket \"other-bucket\" is not in remotemedia.grpc.manifest-urls.s3-buckets");
        } finally {
            RemoteServers.urlPolicy(UrlPolicy.UNRESTRICTED);
            http.stop(0);
        }
    }

    @Test
    void urlPolicyNamesBadNetworksAndMatchesHostPatterns() {
        var bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new UrlPolicy(java.util.Set.of("https"), List.of(), List.of(), List.of("10.0.0.0")));
        assertTrue(bad.getMessage().contains("\"10.0.0.0\" is not a CIDR"), bad.getMessage());
        var hosts = new UrlPolicy(java.util.Set.of("https"), List.of("*.example.org"), List.of(), List.of());
        var other = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> hosts.check(java.net.URI.create("https://evil.test/m.json")));
        assertTrue(other.getMessage().contains("host evil.test is not in remotemedia.grpc.manifest-urls.hosts"), other.getMessage());
        var localhost = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> UrlPolicy.DEFAULT.check(java.net.URI.create("https://localhost/m.json")));
        assertTrue(localhost.getMessage().contains("loopback"), localhost.getMessage());
    }

    /** Runs one segment through a remote fetching {@code url}; "ok" or the error event's message. */
    private static String run(String endpoint, String url) {
        try (RemoteHarness h = new RemoteHarness(remote(endpoint, url).replace("\"max_retries\":1", "\"max_retries\":0"))) {
            h.send();
            h.awaitAll(10_000);
            if (h.events("error").isEmpty()) return "ok";
            var e = h.events("error").get(0).fields();
            return e.path("kind").asText() + ": " + e.path("message").asText();
        }
    }

    private static void assertRefused(String endpoint, String url, String why) {
        String r = run(endpoint, url);
        assertTrue(r.contains("ManifestFetchFailed") && r.contains("refused") && r.contains(why), url + " -> " + r);
    }
}
