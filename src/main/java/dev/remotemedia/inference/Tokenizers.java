package dev.remotemedia.inference;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.LibUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Opens tokenizer.json files with DJL's Hugging Face tokenizers, offline. DJL extracts its native
 * library to one fixed path, and a JVM binds a native library to one class loader: the first class
 * loader (production: the only one) uses DJL's usual cache; later ones — a dev-mode reload, a
 * Quarkus test app beside plain tests — get a private copy that is deleted when the JVM exits.
 */
public final class Tokenizers {
    // not under remotemedia.*: Quarkus rejects unknown properties below a mapped prefix
    private static final String OWNER = "dev.remotemedia.internal.djl-tokenizers-loader";
    private static volatile boolean loaded;

    private Tokenizers() {}

    public static HuggingFaceTokenizer open(Path tokenizerJson) throws IOException {
        ensureLoaded();
        return HuggingFaceTokenizer.newInstance(tokenizerJson);
    }

    private static void ensureLoaded() throws IOException {
        if (loaded) return;
        synchronized (System.getProperties()) { // one monitor for every class loader in the JVM
            if (loaded) return;
            System.setProperty("ai.djl.offline", "true"); // never reach for the network (notes/models.md)
            System.setProperty("OPT_OUT_TRACKING", "true"); // and send no usage telemetry
            String me = Integer.toHexString(System.identityHashCode(Tokenizers.class.getClassLoader()));
            String owner = System.getProperty(OWNER);
            boolean userDir = System.getProperty("ENGINE_CACHE_DIR") != null || System.getenv("ENGINE_CACHE_DIR") != null;
            Path privateDir = null;
            if (owner != null && !owner.equals(me) && !userDir) {
                privateDir = Files.createTempDirectory("remotemedia-djl-");
                System.setProperty("ENGINE_CACHE_DIR", privateDir.toString());
            }
            try {
                LibUtils.checkStatus();
            } finally {
                if (privateDir != null) {
                    System.clearProperty("ENGINE_CACHE_DIR");
                    deleteOnExit(privateDir);
                }
            }
            if (owner == null) System.setProperty(OWNER, me);
            loaded = true;
        }
    }

    private static void deleteOnExit(Path dir) throws IOException {
        // registered parents first: deleteOnExit runs in reverse order, so files go before their folders
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.naturalOrder()).forEach(p -> p.toFile().deleteOnExit());
        }
    }
}
