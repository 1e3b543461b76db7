package dev.remotemedia.webrtc;

import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.testing.FreeGrpcPort;
import dev.remotemedia.testing.Signals;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A pipeline slower than real time: the session sheds input audio, says so once, and counts it — its backlog stays bounded. */
@QuarkusTest
@TestProfile(WhipOverloadTest.SlowPipeline.class)
@QuarkusTestResource(FreeGrpcPort.class)
class WhipOverloadTest {
    public static final class SlowPipeline implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                // each 40 ms frame takes 200 ms: the pipeline runs at a fifth of real time
                Path manifest = Files.writeString(Files.createTempFile("slow", ".json"), "{\"version\":\"v1\",\"nodes\":["
                        + "{\"id\":\"slow\",\"node_type\":\"Delay\",\"params\":{\"ms\":200}},{\"id\":\"stats\",\"node_type\":\"AudioStats\",\"params\":{\"apply_to\":\"audio\"}}]}");
                return Map.of("remotemedia.webrtc.manifest", manifest.toString(), "remotemedia.webrtc.max-pending-input-ms", "400");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @TestHTTPResource("/whip")
    URL whip;

    @Test
    void inputIsShedWithOneErrorEventAndCounted() throws Exception {
        try (PeerFactory peers = new PeerFactory(); WhipClient client = new WhipClient(peers.get(), false)) {
            assertEquals(201, client.connect(whip.toString(), null, "127.0.0.1", Duration.ofSeconds(10)));
            client.stream(Signals.sine(300, 48000, 3.0, 0.3));
            long deadline = System.currentTimeMillis() + 5000;
            while (errors(client).isEmpty() && System.currentTimeMillis() < deadline) Thread.sleep(50);
            List<EventFrame> errors = errors(client);
            assertEquals(1, errors.size(), "one report per overload episode: " + errors);
            assertEquals("CapacityExceeded", errors.get(0).fields().path("kind").asText());
            assertTrue(errors.get(0).fields().path("message").asText().contains("overloaded"), errors.get(0).toString());
            String metrics = given().get("/q/metrics").asString();
            double dropped = metrics.lines().filter(l -> l.startsWith("remotemedia_frames_dropped_total{") && l.contains("overload"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            assertTrue(dropped > 100, "10 ms frames shed: " + dropped);
            client.delete();
        }
    }

    private static List<EventFrame> errors(WhipClient c) {
        return c.events().stream().map(Events::fromLine).filter(e -> e.type().equals("error")).toList();
    }
}
