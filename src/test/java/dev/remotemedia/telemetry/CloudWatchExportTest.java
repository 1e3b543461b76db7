package dev.remotemedia.telemetry;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CloudWatch registry sends real PutMetricData requests (to a local HTTP endpoint) carrying our metric names. */
class CloudWatchExportTest {
    @Test
    void publishesTheCatalogueWithPutMetricData() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        List<String> targets = new CopyOnWriteArrayList<>();
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", ex -> {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            ex.getRequestBody().transferTo(body);
            bodies.add(body.toString(StandardCharsets.ISO_8859_1));
            targets.add(String.valueOf(ex.getRequestHeaders().getFirst("X-Amz-Target")) + " " + ex.getRequestURI());
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        http.start();
        try {
            var cw = new TelemetryConfig.CloudWatch() {
                @Override public boolean enabled() { return true; }
                @Override public String namespace() { return "RemoteMedia"; }
                @Override public int stepS() { return 1; }
                @Override public int batchSize() { return 20; }
                @Override public Optional<String> region() { return Optional.of("us-east-1"); }
                @Override public Optional<String> service() { return Optional.of("gpu-workers"); }
                @Override public Optional<String> endpointOverride() { return Optional.of("http://127.0.0.1:" + http.getAddress().getPort()); }
            };
            var registry = CloudWatchExport.create(cw, b -> b.credentialsProvider(
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))));
            registry.counter("remotemedia.segments", "node_type", "SileroVAD").increment(3);
            registry.timer("remotemedia.utterance.latency", "outcome", "ok").record(Duration.ofMillis(120));
            registry.gauge("remotemedia.segments.inflight", 3);
            long deadline = System.currentTimeMillis() + 10_000;
            while (bodies.stream().noneMatch(b -> b.contains("remotemedia.segments")) && System.currentTimeMillis() < deadline) Thread.sleep(100);
            registry.close();
            String all = String.join("\n", bodies);
            assertTrue(all.contains("PutMetricData") || String.join(" ", targets).contains("PutMetricData"), "PutMetricData requests: " + targets);
            assertTrue(all.contains("RemoteMedia"), "namespace sent");
            assertTrue(all.contains("remotemedia.segments"), "metric name sent");
            assertTrue(all.contains("remotemedia.utterance.latency"), "timer sent");
            assertTrue(all.contains("remotemedia.segments.inflight"), "the worker load GPU services scale on");
            assertTrue(all.contains("gpu-workers"), "with the service dimension the scaling policy selects on");
        } finally {
            http.stop(0);
        }
    }
}
