package dev.remotemedia.webrtc;

import dev.remotemedia.load.ChildServer;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.testing.FreeGrpcPort;
import dev.remotemedia.testing.Speech;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real SIGTERM to a real local-role process with a browser-like client connected: the client
 * gets a `draining` event at once, a new WHIP offer gets 503, the session goes on carrying speech
 * until drain-timeout-ms, and the process exits after it.
 */
class LocalDrainIT {
    static final long DRAIN_MS = 6000;

    @Test
    void sigtermTellsClientsRefusesNewSessionsAndLetsOpenOnesRun() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "drain-local"));
        ChildServer local = new ChildServer("local-draining", work, "127.0.0.1", FreeGrpcPort.freePort(), FreeGrpcPort.freePort(),
                List.of("-Dremotemedia.webrtc.drain-timeout-ms=" + DRAIN_MS, "-Dremotemedia.webrtc.public-address=127.0.0.1",
                        "-Dremotemedia.webrtc.any-address-ports=true"));
        String whip = "http://127.0.0.1:" + local.httpPort + "/whip?pipeline=vad";
        // four phrases over ≈10 s: SIGTERM lands after the first; the rest is spoken while draining
        Speech.Layout speech = Speech.phrases(Files.createTempDirectory("drain"), 48000, 0.5, 1.2, 0.5,
                Speech.THREE[0], Speech.THREE[1], Speech.THREE[2], Speech.THREE[0]);
        try (PeerFactory peers = new PeerFactory(); WhipClient client = new WhipClient(peers.get(), false);
             WhipClient late = new WhipClient(peers.get(), false)) {
            local.start();
            local.awaitUp(90_000);
            assertEquals(201, client.connect(whip, null, "127.0.0.1", Duration.ofSeconds(10)));
            CompletableFuture<Void> talking = CompletableFuture.runAsync(() -> {
                try {
                    client.stream(speech.samples());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            long firstPhraseEndMs = speech.phrasesMs().get(0)[1];
            Thread.sleep(firstPhraseEndMs + 600);
            long t0 = System.nanoTime();
            local.terminate();
            long deadline = System.currentTimeMillis() + 3000;
            while (index(client, "draining") < 0 && System.currentTimeMillis() < deadline) Thread.sleep(20);
            int drainingAt = index(client, "draining");
            assertTrue(drainingAt >= 0, "a draining event within 3 s of SIGTERM: " + client.events());
            long toldMs = (System.nanoTime() - t0) / 1_000_000;
            EventFrame draining = Events.fromLine(client.events().get(drainingAt));
            assertEquals(DRAIN_MS, draining.fields().path("deadline_ms").asLong(), draining.toString());

            assertEquals(503, late.connect(whip, null, "127.0.0.1", Duration.ofSeconds(5)), "no new sessions while draining");

            talking.get();
            Thread.sleep(1500); // the last phrase's hang-over
            long segmentsAfter = client.events().subList(drainingAt, client.events().size()).stream()
                    .map(Events::fromLine).filter(e -> e.type().equals("segment")).count();
            assertTrue(segmentsAfter >= 2, "the session kept carrying speech while draining: " + client.events());
            int code = local.awaitExit(DRAIN_MS + 15_000);
            long exitMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(code >= 0, "the process exits after the drain timeout");
            assertTrue(exitMs >= DRAIN_MS - 500, "not before drain-timeout-ms with a session open: exited after " + exitMs + " ms");
            String log = Files.readString(local.log());
            assertTrue(log.contains("draining: 1 WebRTC session(s) open"), log);
            assertTrue(log.contains("1 session(s) ended at the drain timeout"), log);
            System.out.printf("local drain: draining event %d ms after SIGTERM, %d segment(s) while draining, exit after %d ms (code %d)%n",
                    toldMs, segmentsAfter, exitMs, code);
        } finally {
            local.kill();
        }
    }

    private static int index(WhipClient c, String type) {
        List<String> lines = c.events();
        for (int i = 0; i < lines.size(); i++) if (Events.fromLine(lines.get(i)).type().equals(type)) return i;
        return -1;
    }
}
