package dev.remotemedia.cli;

import dev.remotemedia.testing.TinyModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.remotemedia.cli.CliTestSupport.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `models list|pull|verify` against a cache folder of the test's own; pulls from a file-less offline source fail cleanly. */
class ModelsCommandTest {
    @TempDir
    Path tmp;

    @AfterEach
    void clear() {
        System.clearProperty("remotemedia.models.cache-dir");
    }

    @Test
    void listShowsTheCatalogueAndPullOfflineFailsWithTheReason() throws Exception {
        System.setProperty("remotemedia.models.cache-dir", tmp.toString());
        var list = cli("models", "list");
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().contains("whisper-tiny.en") && list.out().contains("kokoro-v1.0") && list.out().contains("cache: " + tmp), list.out());

        // nothing listens on this port: the pull fails with the source and the reason, and leaves no complete model
        var pull = cli("models", "pull", "--kind", "whisper", "http://127.0.0.1:9/models/whisper/");
        assertEquals(1, pull.code());
        assertTrue(pull.err().contains("could not fetch http://127.0.0.1:9/models/whisper/") && pull.err().contains("cannot connect"), pull.err());
        var bad = cli("models", "pull", "no-such-model");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("not a catalogue name"), bad.err());
    }

    @Test
    void verifyFindsATamperedFile() throws Exception {
        System.setProperty("remotemedia.models.cache-dir", tmp.resolve("cache").toString());
        Path src = TinyModels.kokoro(tmp.resolve("src"));
        // a https-style pull from a file server is covered by ModelStoreTest; here the cache is filled by pulling over HTTP too
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            Path f = src.resolve(ex.getRequestURI().getPath().substring(1));
            byte[] body = Files.readAllBytes(f);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            String uri = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            var store = dev.remotemedia.inference.ModelStore.fromEnvironment();
            Path dir = store.resolve(uri, java.util.List.of("onnx/model.onnx", "tokenizer.json", "voices/af_heart.bin"));
            var ok = cli("models", "verify");
            assertEquals(0, ok.code(), ok.out() + ok.err());
            assertTrue(ok.out().contains(": ok"), ok.out());
            Files.write(dir.resolve("voices/af_heart.bin"), new byte[]{1, 2, 3});
            var broken = cli("models", "verify");
            assertEquals(1, broken.code());
            assertTrue(broken.out().contains("voices/af_heart.bin: sha256"), broken.out());
            var list = cli("models", "list");
            assertTrue(list.out().contains("pulled"), list.out());
            // a pull shows each file's bytes of total and its rate
            System.setProperty("remotemedia.models.cache-dir", tmp.resolve("cache2").toString());
            var pull = cli("models", "pull", "--kind", "kokoro", uri);
            assertEquals(0, pull.code(), pull.out() + pull.err());
            assertTrue(pull.out().matches("(?s).*onnx/model\\.onnx [0-9.]+ / [0-9.]+ MB, [0-9.]+ MB/s.*"), pull.out());
        } finally {
            server.stop(0);
        }
    }
}
